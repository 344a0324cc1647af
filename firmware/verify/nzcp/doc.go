// Package nzcp reads NZ COVID Passes ("NZCP:/1/…"), for the offline
// verification engine in firmware/verify. A visitor from New Zealand brings
// one to an international venue.
//
// A payload is decoded in the order the specification layers it:
//
//	"NZCP:/" prefix, version "1" → base32 (RFC 4648, no padding)
//	→ COSE_Sign1 (RFC 9052, tag 18) with ES256 and a kid in the protected
//	  header → the issuer (iss, a did:web DID) read from the payload, only
//	  to find the key: iss#kid must be a key the issuer's DID document
//	  lists under assertionMethod (a trust input, see firmware/trust)
//	→ signature → CWT claims (RFC 8392: iss, nbf, exp, cti; vc)
//	→ the verifiable credential (a PublicCovidPass) → pass.Pass
//
// Reason codes: prefix (not "NZCP:/", or no version), unsupported_format (a
// version other than 1, a credential version other than 1.x), encoding
// (base32), cbor, cose (the envelope: no tag 18, no ES256, no protected
// kid; claims missing or of the wrong type), unknown_key (no trusted key
// for iss#kid), signature, schema (the credential), too_large. The engine
// then checks nbf (not_yet_valid) and exp (expired).
//
// A PublicCovidPass states that its holder met New Zealand's own health
// requirements; it names no vaccination, test or recovery. The pass it
// decodes to therefore carries no statements: it is authentic under the
// policy "none", and a policy that counts doses cannot admit it (policy).
//
// Specification: NZ COVID Pass - Technical Specification v1,
// https://github.com/minhealthnz/nzcovidpass-spec (its valid and invalid
// examples and example DID document are this package's test data).
package nzcp
