// Package venueqr makes and checks the kiosk's rotating, signed venue
// check-in code, and turns it into a QR symbol.
//
// Every rotation period (120 s by default) the kiosk shows a new code: its
// venue id, the time slot (Unix time divided by the period) and an ed25519
// signature by the kiosk's own key. A phone app that knows the kiosk's
// public key accepts a code during its slot and the next one only, so a
// photograph of the code stops working within two periods.
//
// # Format
//
// The code is short ASCII text in the QR alphanumeric character set (upper
// case, digits and ':'), so it fits QR alphanumeric mode and every QR
// reader shows it as text:
//
//	VK1:<base32>
//
// <base32> is RFC 4648 base32, upper case, without padding, of
//
//	byte 0         header: 3 reserved bits (zero), then the venue id's
//	               length minus one (5 bits: 1–32 characters)
//	venue          the venue id, 6 bits a character, most significant
//	               first, zero-padded to a whole byte; the alphabet is
//	               A–Z a–z 0–9 - _ (values 0–63 in that order)
//	slot           4 bytes, big-endian: floor(Unix seconds / period)
//	signature      64 bytes: ed25519 over "venuekiosk venueqr v1" NUL,
//	               followed by every byte before the signature
//
// The longest code (a 32-character venue id) is 153 characters; it fits a
// version 5 symbol at error correction level L and a version 6 symbol at
// level M. The period is not in the code: the verifier is configured with
// it, like the public key.
//
// # QR symbols
//
// Spec fixes the QR version and error correction level, so the symbol
// keeps its size across rotations and the panel can refresh just its
// window. Symbols are drawn from go-qrcode's module bitmap at a whole
// number of pixels per module, never interpolated.
package venueqr
