// Package trust holds issuer keys in memory and reads them from the files a
// technician or the sync client provides: PEM bundles of EU DCC signer
// certificates (key id = the first 8 bytes of the SHA-256 of the DER
// certificate, usage from the DCC extended key usage OIDs) and JWKS documents
// of SMART Health Card issuers and Hong Kong record keys.
package trust
