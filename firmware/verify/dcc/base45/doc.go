// Package base45 implements the Base45 data encoding of RFC 9285, the
// alphanumeric-mode-friendly encoding EU Digital COVID Certificates use
// inside their QR codes.
//
// Every two bytes become three characters of a 45-symbol alphabet (digits,
// upper-case letters, space and $%*+-./:); a trailing single byte becomes two
// characters. Decoding rejects characters outside the alphabet, a final
// group of one character, and groups whose value exceeds what the group can
// hold (0xFFFF for three characters, 0xFF for a final two).
//
// Specification: https://www.rfc-editor.org/rfc/rfc9285
package base45
