// Package font draws text for the kiosk's 1-bit e-ink panels.
//
// The glyphs are a subset of GNU Unifont 15.0.01 (a 16-pixel bitmap font:
// 8×16 for most Latin and punctuation, 16×16 for CJK), covering Latin,
// Greek, Cyrillic, general punctuation, symbols, CJK symbols and
// punctuation, kana, Bopomofo, CJK Unified Ideographs (U+4E00–U+9FFF and
// Extension A, U+3400–U+4DBF), CJK compatibility ideographs and the
// halfwidth and fullwidth forms: any Traditional or Simplified Chinese
// venue name in the Basic Multilingual Plane. Characters outside it
// (Extension B and later, emoji) are reported by Missing and drawn as
// U+FFFD.
//
// Larger text is the same bitmap scaled by a whole factor, nearest
// neighbour: no grey pixels ever reach the panel.
//
// The data (unifont.bin.z) is made by internal/gen from the Debian package
// unifont's /usr/share/unifont/unifont.hex: run `go generate` here after
// changing the coverage. GNU Unifont is dual-licensed; the kiosk uses it
// under the SIL Open Font License 1.1 (see LICENSE-unifont.txt), which
// allows the font to be embedded and distributed with any software.
//
// Unifont: https://unifoundry.com/unifont/
package font

//go:generate go run ./internal/gen -hex /usr/share/unifont/unifont.hex -o unifont.bin.z
