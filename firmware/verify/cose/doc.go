// Package cose reads COSE_Sign1 messages (RFC 9052) and the CBOR inside
// them for the pass formats that sign with COSE: EU Digital COVID
// Certificates (firmware/verify/dcc) and NZ COVID Passes
// (firmware/verify/nzcp).
//
// Every CBOR item is first checked to be well formed within fixed bounds
// (nesting depth, array and map sizes, no indefinite lengths) by
// fxamacker/cbor's Wellformed, with no allocation. The readers here then
// walk the checked bytes in place: no reflection and no copies, so a whole
// scan allocates only what its verdict keeps. Readers never trust a length
// they have not checked, and map readers refuse duplicate keys.
//
// ParseSign1 splits a message into its protected header, payload and
// signature without looking into the payload; Verify checks the signature
// (ES256 on P-256 or P-384, PS256) against trusted keys. Only then do the
// formats read the payload.
package cose
