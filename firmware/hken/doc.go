// Package hken reads and writes LeaveHomeSafe ("安心出行") venue poster
// codes, the QR codes Hong Kong venues displayed for check-in from
// November 2020:
//
//	"HKEN:" + one character + an 8-character venue id + base64(JSON)
//
// The JSON object holds "metadata" ({"typeEn", "typeZh"} or null),
// "nameZh", "nameEn", "type" (all strings) and "hash": the lower-case hex
// SHA-256 of "HKEN" + venue id + "2020". The code carries no signature:
// the hash only shows the code was made by software that knows the
// scheme, not that the Government issued it. The kiosk uses this package
// for an optional compatibility display and in tests, never to admit
// anyone.
//
// Decode bounds the code (MaxCode) and every name (MaxText), accepts only
// standard padded base64 (what a browser's btoa and the Government's
// posters print), requires the venue character and id to be ASCII letters
// or digits, rejects members of the wrong JSON type, and reports whether
// the hash matches rather than failing on a mismatch. Members it does not
// know are ignored. Encode prints what Decode reads, serialising the JSON
// in the same member order and escaping as JavaScript's JSON.stringify.
//
// Sources (facts only, no code copied): codogob/back-home-safe
// (src/utils/qr.ts: offsets 6–14 for the id, the hash input, btoa of the
// UTF-8 JSON; src/containers/QRGenerator: a one-character venue code such
// as "0" and an 8-character id such as "WHBvLDSa", type "IMPORT"), which
// credits headuck's 2020 analysis of the app (blog.headuck.com).
//
// Unknown: what the venue character means (every published sample is
// "0"), the full set of "type" values, and whether real posters carry
// members beyond these five.
package hken
