package font

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestCoverage(t *testing.T) {
	for _, tc := range []struct {
		name      string
		from, to  rune
		wantWidth int
	}{
		{"ASCII", 0x21, 0x7E, 8},
		{"CJK Unified Ideographs", 0x4E00, 0x9FFF, 16},
		{"CJK Extension A", 0x3400, 0x4DBF, 16},
		{"CJK Symbols and Punctuation", 0x3001, 0x3029, 16},
		{"Fullwidth Forms", 0xFF01, 0xFF5E, 16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for r := tc.from; r <= tc.to; r++ {
				if !Has(r) {
					t.Errorf("%s: U+%04X %q missing", tc.name, r, r)
					break
				}
				if got := (Face{}).Measure(string(r)); got != tc.wantWidth {
					t.Errorf("%s: U+%04X width: got %d, want %d", tc.name, r, got, tc.wantWidth)
					break
				}
			}
		})
	}
}

func TestMissing(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []rune
	}{
		{"Scan to check in", nil},
		{"掃描登記 扫描登记", nil},
		{"Café e\u0301", nil}, // decomposed accent: NFC makes it é
		{"中環街市 Central Market", nil},
		{"𠀀", []rune{0x20000}}, // CJK Extension B: outside the BMP subset
		{"a😀b😀", []rune{0x1F600}},
		{"tab\there", []rune{'\t'}},
		{"한국", nil},
		{"\u200b", nil}, // zero width space: drawn as nothing
	} {
		t.Run(tc.in, func(t *testing.T) {
			got := Missing(tc.in)
			if tc.in == "한국" {
				// Hangul is outside the coverage policy: every syllable missing.
				if len(got) != 2 {
					t.Errorf("Missing(%q): got %q, want both syllables", tc.in, got)
				}
				return
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Missing(%q): got %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestMeasure(t *testing.T) {
	for _, tc := range []struct {
		s    string
		face Face
		want int
	}{
		{"", Face{}, 0},
		{"A", Face{}, 8},
		{"A", Face{Scale: 3}, 24},
		{"中", Face{}, 16},
		{"A中", Face{Scale: 2}, 48},
		{"AB", Face{Bold: true}, 17},
		{"AB", Face{Scale: 4, Bold: true}, 66},
		{"e\u0301", Face{}, 8},
		{"a\u200bb", Face{}, 16},
		{"x", Face{Scale: -1}, 8},
		{"x", Face{Scale: 99}, 8 * MaxScale},
	} {
		t.Run(tc.s, func(t *testing.T) {
			if got := tc.face.Measure(tc.s); got != tc.want {
				t.Errorf("%+v.Measure(%q): got %d, want %d", tc.face, tc.s, got, tc.want)
			}
		})
	}
}

// ink returns the set of dark pixels of img as strings "x,y".
func ink(img *image.Gray) map[image.Point]bool {
	m := map[image.Point]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if img.GrayAt(x, y).Y < 128 {
				m[image.Pt(x, y)] = true
			}
		}
	}
	return m
}

func white(w, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	return img
}

func TestDrawKnownGlyph(t *testing.T) {
	// U+4E00 "一" in Unifont: one stroke on row 7, columns 0–14.
	img := white(20, 20)
	end := Face{}.Draw(img, image.Pt(2, 1), "一", color.Black)
	if end != 18 {
		t.Errorf("end: got %d, want 18", end)
	}
	want := map[image.Point]bool{}
	for x := 0; x < 15; x++ {
		want[image.Pt(2+x, 1+7)] = true
	}
	got := ink(img)
	if len(got) != len(want) {
		t.Fatalf("got %d dark pixels, want %d", len(got), len(want))
	}
	for p := range want {
		if !got[p] {
			t.Errorf("pixel %v: got white, want black", p)
		}
	}
}

func TestDrawScaleIsNearestNeighbour(t *testing.T) {
	const s = "Aé中。"
	one := white(64, 16)
	Face{}.Draw(one, image.Pt(0, 0), s, color.Black)
	three := white(64*3, 16*3)
	Face{Scale: 3}.Draw(three, image.Pt(0, 0), s, color.Black)
	for y := 0; y < 48; y++ {
		for x := 0; x < 192; x++ {
			got, want := three.GrayAt(x, y).Y, one.GrayAt(x/3, y/3).Y
			if got != want {
				t.Fatalf("scale 3 pixel (%d,%d): got %d, want %d (scale 1 pixel)", x, y, got, want)
			}
			if got != 0 && got != 255 {
				t.Fatalf("pixel (%d,%d) = %d: not 1-bit", x, y, got)
			}
		}
	}
	if len(ink(one)) == 0 {
		t.Fatal("nothing drawn")
	}
}

func TestDrawStaysInMeasuredBox(t *testing.T) {
	for _, f := range []Face{{}, {Scale: 2}, {Scale: 2, Bold: true}} {
		s := "Entry OK 可以進入"
		img := white(400, 60)
		org := image.Pt(5, 7)
		end := f.Draw(img, org, s, color.Black)
		w := f.Measure(s)
		if end-org.X != w {
			t.Errorf("%+v: Draw advanced %d, Measure says %d", f, end-org.X, w)
		}
		box := image.Rect(org.X, org.Y, org.X+w, org.Y+f.Height())
		for p := range ink(img) {
			if !p.In(box) {
				t.Errorf("%+v: pixel %v outside the measured box %v", f, p, box)
				break
			}
		}
	}
}

func TestDrawGenericMatchesGray(t *testing.T) {
	g := white(80, 32)
	Face{Scale: 2}.Draw(g, image.Pt(0, 0), "B中", color.Black)
	p := image.NewPaletted(image.Rect(0, 0, 80, 32), color.Palette{color.White, color.Black})
	Face{Scale: 2}.Draw(p, image.Pt(0, 0), "B中", color.Black)
	for y := 0; y < 32; y++ {
		for x := 0; x < 80; x++ {
			gd := g.GrayAt(x, y).Y == 0
			pd := p.ColorIndexAt(x, y) == 1
			if gd != pd {
				t.Fatalf("pixel (%d,%d): Gray dark %v, Paletted dark %v", x, y, gd, pd)
			}
		}
	}
}

func TestDrawClips(t *testing.T) {
	img := white(10, 10)
	Face{Scale: 4}.Draw(img, image.Pt(-20, -30), "中文字", color.Black)
	Face{Scale: 4}.Draw(img, image.Pt(5, 5), "中文字", color.Black)
	if len(ink(img)) == 0 {
		t.Error("clipped draw drew nothing inside the image")
	}
}

func TestMissingDrawsReplacement(t *testing.T) {
	a, b := white(40, 16), white(40, 16)
	Face{}.Draw(a, image.Pt(0, 0), "\U0001F600", color.Black)
	Face{}.Draw(b, image.Pt(0, 0), "\uFFFD", color.Black)
	if !slices.Equal(a.Pix, b.Pix) {
		t.Error("a missing glyph is not drawn as U+FFFD")
	}
}

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		s     string
		width int
		want  []string
	}{
		{"Scan to check in", 200, []string{"Scan to check in"}},
		{"Scan to check in", 64, []string{"Scan to", "check in"}},
		{"Scan to check in", 40, []string{"Scan", "to", "check", "in"}},
		{"Supercalifragilistic", 64, []string{"Supercal", "ifragili", "stic"}},
		{"掃描登記入場", 48, []string{"掃描登", "記入場"}},
		{"請找職員，謝謝。", 48, []string{"請找職", "員，謝", "謝。"}},
		{"Entry OK 可以進入", 80, []string{"Entry OK", "可以進入"}},
		{"a\nb", 100, []string{"a", "b"}},
		{"", 100, []string{""}},
	} {
		t.Run(fmt.Sprintf("%s width %d", tc.s, tc.width), func(t *testing.T) {
			got := Face{}.Wrap(tc.s, tc.width)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Wrap(%q, %d): got %q, want %q", tc.s, tc.width, got, tc.want)
			}
			for _, l := range got {
				if w := (Face{}).Measure(l); w > tc.width {
					t.Errorf("Wrap(%q, %d): line %q is %d wide", tc.s, tc.width, l, w)
				}
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		s     string
		width int
		want  string
	}{
		{"Central Market", 200, "Central Market"},
		{"Central Market", 64, "Central…"},
		{"中環街市", 40, "中環…"},
		{"中環街市", 39, "中…"},
		{"中環街市", 4, ""},
	} {
		t.Run(fmt.Sprintf("%s width %d", tc.s, tc.width), func(t *testing.T) {
			if got := (Face{}).Truncate(tc.s, tc.width); got != tc.want {
				t.Errorf("Truncate(%q, %d): got %q, want %q", tc.s, tc.width, got, tc.want)
			}
		})
	}
}

// pack builds the uncompressed format with the given header fields.
func pack(runs [][3]uint32, glyphBytes int) []byte {
	var b bytes.Buffer
	b.WriteString(magic)
	binary.Write(&b, binary.BigEndian, uint32(len(runs)))
	for _, r := range runs {
		binary.Write(&b, binary.BigEndian, r[0])
		binary.Write(&b, binary.BigEndian, r[1])
		b.WriteByte(byte(r[2]))
	}
	b.Write(make([]byte, glyphBytes))
	return b.Bytes()
}

func zip(raw []byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(raw)
	w.Close()
	return z.Bytes()
}

func TestDecodeRejects(t *testing.T) {
	if _, err := decode(zip(pack([][3]uint32{{0x41, 2, 8}}, 32))); err != nil {
		t.Fatalf("a good table: %v", err)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"not zlib", []byte("VKFONT1\n")},
		{"bad magic", zip([]byte("NOTAFONT\x00\x00\x00\x00"))},
		{"no run count", zip([]byte(magic))},
		{"runs past the end", zip(pack([][3]uint32{{0x41, 1, 8}}, 0)[:len(magic)+8])},
		{"width 12", zip(pack([][3]uint32{{0x41, 1, 12}}, 24))},
		{"empty run", zip(pack([][3]uint32{{0x41, 0, 8}}, 0))},
		{"overlapping runs", zip(pack([][3]uint32{{0x41, 2, 8}, {0x42, 1, 8}}, 48))},
		{"glyphs short", zip(pack([][3]uint32{{0x41, 2, 8}}, 31))},
		{"glyphs long", zip(pack([][3]uint32{{0x41, 2, 8}}, 33))},
		{"rune past U+10FFFF", zip(pack([][3]uint32{{0x10FFFF, 2, 8}}, 32))},
		{"too large", zip(append(pack([][3]uint32{{0x41, 1, 8}}, 16), make([]byte, maxData)...))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := decode(tc.data); err == nil {
				t.Errorf("%s: decoded, want an error", tc.name)
			}
		})
	}
}

func TestEmbeddedSize(t *testing.T) {
	if got, limit := len(packed), 2<<20; got > limit {
		t.Errorf("embedded font is %d bytes, want at most %d", got, limit)
	}
}

// TestMatchesUnifont checks the embedded glyphs against the installed
// Unifont: stale or corrupt generated data fails here.
func TestMatchesUnifont(t *testing.T) {
	const path = "/usr/share/unifont/unifont.hex"
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("%s absent (Debian package unifont): %v", path, err)
	}
	defer f.Close()
	tab := loaded()
	sc := bufio.NewScanner(f)
	checked := 0
	for sc.Scan() {
		cp, data, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		v, err := strconv.ParseUint(cp, 16, 32)
		if err != nil {
			t.Fatalf("%s: %q", path, sc.Text())
		}
		r := rune(v)
		got, w, ok := tab.glyph(r)
		inCJK := r >= 0x4E00 && r <= 0x9FFF
		if !ok {
			if inCJK {
				t.Errorf("U+%04X is in Unifont but not embedded", r)
			}
			continue
		}
		want, _ := hex.DecodeString(data)
		if !bytes.Equal(got, want) || w != len(want)/2 {
			t.Errorf("U+%04X: embedded glyph differs from %s (run go generate)", r, path)
		}
		checked++
	}
	if checked < 30000 {
		t.Errorf("checked %d glyphs, want the whole subset (> 30000)", checked)
	}
}

func BenchmarkDrawLine(b *testing.B) {
	img := white(400, 32)
	for b.Loop() {
		Face{Scale: 2}.Draw(img, image.Pt(0, 0), "可以進入 Entry OK", color.Black)
	}
}
