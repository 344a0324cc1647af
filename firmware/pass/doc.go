// Package pass holds what every pass format decodes to: an authenticated,
// format-neutral description of one health pass, the stable reason codes the
// verifier reports, the trust interface formats use to find issuer keys, and
// how each format names its passes and keys (Naming) for the parts of the
// kiosk that name them without reading a pass.
//
// The package knows nothing of QR encodings, GPIO or SQL. Format packages
// (firmware/verify/dcc, shc, hksarg, nzcp) produce a *Pass; firmware/policy
// judges it; firmware/verify ties the two together into a Verdict.
package pass
