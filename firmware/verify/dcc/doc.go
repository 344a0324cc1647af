// Package dcc reads EU Digital COVID Certificates (DCC, also "Digital Green
// Certificate"): the "HC1:" QR payloads issued under the eHealth Network
// specifications, for the offline verification engine in firmware/verify.
//
// A payload is decoded in the order the specification layers it, and every
// layer is bounded before the next one is looked at:
//
//	"HC1:" prefix → Base45 (RFC 9285) → zlib (RFC 1950, at most 64 KiB out)
//	→ COSE_Sign1 (RFC 9052; tag 18, untagged, or inside CWT tag 61)
//	→ signature check against the trusted key for the kid (ES256 or PS256)
//	→ CWT claims (RFC 8392: iss, iat, exp, hcert -260)
//	→ DGC payload checked against the eHealth Network DCC schema of the
//	  version it declares (1.0.x to 1.3.x; see schema.go)
//	→ pass.Pass, with every entry of the certificate
//
// The CBOR is walked in place (firmware/verify/cose) after a bounded
// well-formedness check; a scan of a known signer allocates only what the
// pass keeps.
//
// The claims and the certificate are only parsed after the signature has
// verified. Failures are *pass.Error values with stable codes (prefix,
// base45, decompress, cbor, cose, unknown_key, signature, schema,
// too_large); their details never quote the holder's name, date of birth or
// the payload.
//
// The package also issues certificates (Sign), for tests and for the
// simulator's sample passes made with a throw-away key.
//
// Specifications:
//   - Electronic Health Certificate Container Format (hcert), eHealth Network:
//     https://github.com/ehn-dcc-development/hcert-spec
//   - DCC JSON schemas 1.0.0 to 1.3.3: https://github.com/ehn-dcc-development/eu-dcc-schema
//   - Technical Specifications for Digital Green Certificates, Volume 1:
//     https://health.ec.europa.eu/system/files/2021-06/covid-certificate_json_specification_en_0.pdf
//   - Base45: RFC 9285; COSE: RFC 9052, RFC 9053, RFC 8230; CWT: RFC 8392.
package dcc
