// Package staff reads and makes the kiosk's staff cards and exemption
// category codes.
//
// A staff card is a QR code a guard, supervisor or technician carries on
// a badge or a printed card. It names the card, the holder's role and a
// validity period, and carries an ed25519 signature by the operator's key
// (the key that signs provisioning files, firmware/provision). The text
// uses only QR alphanumeric characters (0–9, A–Z, space and $%*+-./:), so
// the printed code stays small:
//
//	VKSTAFF1:<ROLE>:<CARD ID>:<FROM>:<UNTIL>:<SIGNATURE>
//
//	ROLE       GUARD, SUPERVISOR or TECHNICIAN
//	CARD ID    1 to 24 of A–Z, 0–9 and '-', chosen by the operator
//	FROM       the first minute the card is valid, UTC, YYYYMMDDHHMM
//	UNTIL      the first minute it is no longer valid, UTC, YYYYMMDDHHMM
//	SIGNATURE  the 64-byte ed25519 signature, RFC 4648 base32 without
//	           padding (103 characters of A–Z and 2–7)
//
// The signature covers Context followed by every byte of the card before
// the last ':'. Context differs from the provisioning file's, so that a
// signature made for one kind of object can never pass as the other.
//
// Verify checks, in this order and before it reads any field: the size
// (MaxCard), the characters, the prefix, the signature's form and the
// signature itself with each operator key; only a card that verifies is
// parsed, then its validity is judged at the given time and its card id
// looked up in the synced staff-card revocations. Every failure wraps one
// of the Err values, which the kiosk shows on its panel; a refused card
// does nothing else.
//
// A category code is the unsigned printed code a guard scans after their
// card to record an exempt entry (Category): VKEXEMPT:UNDER12,
// VKEXEMPT:65PLUS, VKEXEMPT:DISABILITY and VKEXEMPT:OTHER. It is
// unsigned on purpose: it does nothing unless a valid guard card was
// scanned just before it.
package staff
