// Package pass holds what every pass format decodes to: an authenticated,
// format-neutral description of one health pass, the stable reason codes the
// verifier reports, and the trust interface formats use to find issuer keys.
//
// The package knows nothing of QR encodings, GPIO or SQL. Format packages
// (firmware/verify/dcc, shc, hksarg) produce a *Pass; firmware/policy judges it;
// firmware/verify ties the two together into a Verdict.
package pass
