// Package shc reads SMART Health Cards: the signed, compressed FHIR bundles
// of vaccinations and lab results that North American issuers print as
// "shc:/…" QR codes.
//
// Specification: SMART Health Cards Framework,
// https://spec.smarthealth.cards/ (source: github.com/smart-on-fhir/health-cards,
// docs/index.md). Clinical content follows the SMART Health Cards:
// Vaccination & Testing implementation guide, http://hl7.org/fhir/uv/shc-vaccination/.
// The key identifier is the RFC 7638 JWK thumbprint; the signature is a
// compact JWS (RFC 7515) with ES256 (RFC 7518 §3.4: raw r‖s, 64 bytes);
// the payload is raw DEFLATE (RFC 1951).
//
// # Decoding
//
// Decode runs the layers in this order and stops at the first failure; the
// signature is checked before the payload is inflated or parsed:
//
//	"shc:/" + digits ─► JWS text ─► header (alg, zip, kid) ─► trusted keys
//	─► ES256 over "header.payload" ─► inflate (≤ 64 KiB) ─► JSON claims
//	─► issuer check ─► FHIR bundle ─► pass.Pass
//
// # Reason codes
//
// The pass package's codes were named for the EU certificate's layers; this
// package maps the SMART Health Card layers onto them as follows.
//
//	prefix              no "shc:/" prefix (the engine never calls Decode then)
//	unsupported_format  a multi-chunk "shc:/C/N/…" code (chunking is deprecated
//	                    and not read); a header alg other than ES256; a missing
//	                    or other zip than DEF; a crit header; a FHIR version
//	                    other than 4.x
//	encoding            the text-to-binary layers: the numeric digits (empty,
//	                    odd count, a non-digit, a pair above 77) and the
//	                    base64url segments of the JWS
//	cose                the signature envelope: not three JWS segments, or a
//	                    signature that is not 64 bytes
//	schema              a header that is not a JSON object, or has no alg or no
//	                    usable kid; claims or FHIR resources missing, malformed
//	                    or of the wrong JSON type
//	unknown_key         no trusted "shc" key with the header's kid; or keys that
//	                    verify the signature but are trusted for another issuer
//	                    than the card's iss (detail "issuer mismatch")
//	signature           no trusted key with that kid verifies the signature
//	decompress          the payload is not a well-formed raw DEFLATE stream
//	too_large           more digits than an 8 KiB JWS needs, a header over
//	                    1 KiB, a payload inflating past 64 KiB, JSON nested
//	                    deeper than 32 levels, more than 256 bundle entries,
//	                    a holder name over 200 bytes
//	internal            the trust store failed, or none was given
//
// An issuer mismatch is unknown_key rather than signature: the signature is
// genuine, but no key is trusted to sign for the issuer the card names.
//
// # What a pass states
//
// The bundle must hold exactly one Patient (name[0] with a family or given
// name, and a birthDate). Only statements about COVID-19 become pass
// statements, because entry policies count doses without asking what they
// protect against:
//
//   - a completed Immunization with a COVID-19 CVX or SNOMED CT vaccine code
//     and a day in occurrenceDateTime becomes a pass.Dose (Target 840539006,
//     Product the code, Series 0, numbered 1…n in date order); other
//     vaccines, vaccines coded in neither system and other statuses are
//     skipped;
//   - a final, amended or corrected Observation with a SARS-CoV-2 LOINC test
//     code becomes a pass.TestResult: Type "naat" or "rat" by the code,
//     Negative for SNOMED CT 260385009 (negative) or 260415000 (not
//     detected). A result given as a day only counts from the earliest
//     instant that day can start anywhere (00:00 UTC+14).
//
// Other resources are ignored. A card with no such statement still
// authenticates; the entry policy then finds nothing to admit.
//
// # Pass identifier
//
// The pass ID is pass.NewID("shc", iss+"#"+rid) when the card has vc.rid.
// Otherwise it is derived from the signature, which ECDSA lets anyone
// rewrite (s ↦ n−s) without the key; to keep a revoked card from dodging
// the list that way, the signature's s is taken in its low form first.
// CardID computes the same value for the publisher of revocation lists.
//
// # Privacy
//
// Error details name the layer, field and entry index that failed, and may
// quote the kid or header values; they never quote the holder's name, birth
// date or payload bytes.
//
// # Issuing
//
// Sign, ImmunizationCard, LabCard, KID and EncodeQR produce cards for tests
// and for the simulator's sample data, with a throw-away key.
package shc
