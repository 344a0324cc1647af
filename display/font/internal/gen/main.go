// Command gen derives the kiosk's embedded bitmap font from GNU Unifont.
//
// It reads a Unifont .hex file (one glyph a line: "XXXX:" followed by 32
// hex digits for an 8×16 glyph or 64 for a 16×16 one), keeps the code
// points of the ranges below, and writes the compact form that package font
// embeds:
//
//	"VKFONT1\n"
//	uint32 run count, then per run: uint32 first rune, uint32 glyph count,
//	uint8 width (8 or 16): runs of consecutive code points of one width,
//	in ascending order
//	the glyph rows, run by run: 16 rows of 1 byte (width 8) or 2 bytes
//	(width 16), most significant bit leftmost
//
// compressed with zlib. Run it through go generate in display/font
// (Debian package unifont provides /usr/share/unifont/unifont.hex).
package main

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

// ranges is the coverage policy: what venue names and messages may use.
var ranges = [][2]rune{
	{0x0020, 0x024F}, // Basic Latin, Latin-1 Supplement, Latin Extended-A/B
	{0x0370, 0x03FF}, // Greek
	{0x0400, 0x04FF}, // Cyrillic
	{0x1E00, 0x1EFF}, // Latin Extended Additional (Vietnamese)
	{0x2000, 0x206F}, // General Punctuation
	{0x20A0, 0x20CF}, // Currency Symbols
	{0x2100, 0x214F}, // Letterlike Symbols
	{0x2150, 0x218F}, // Number Forms
	{0x2190, 0x21FF}, // Arrows
	{0x2460, 0x24FF}, // Enclosed Alphanumerics
	{0x2500, 0x257F}, // Box Drawing
	{0x25A0, 0x25FF}, // Geometric Shapes
	{0x2600, 0x26FF}, // Miscellaneous Symbols
	{0x2700, 0x27BF}, // Dingbats
	{0x2E80, 0x2FDF}, // CJK Radicals Supplement, Kangxi Radicals
	{0x3000, 0x303F}, // CJK Symbols and Punctuation
	{0x3040, 0x30FF}, // Hiragana, Katakana
	{0x3100, 0x312F}, // Bopomofo
	{0x3200, 0x32FF}, // Enclosed CJK Letters and Months
	{0x3300, 0x33FF}, // CJK Compatibility
	{0x3400, 0x4DBF}, // CJK Unified Ideographs Extension A
	{0x4E00, 0x9FFF}, // CJK Unified Ideographs
	{0xF900, 0xFAFF}, // CJK Compatibility Ideographs
	{0xFE10, 0xFE1F}, // Vertical Forms
	{0xFE30, 0xFE4F}, // CJK Compatibility Forms
	{0xFE50, 0xFE6F}, // Small Form Variants
	{0xFF00, 0xFFEF}, // Halfwidth and Fullwidth Forms
	{0xFFFD, 0xFFFD}, // Replacement Character: drawn for missing glyphs
}

// maxLine bounds one line of the .hex file.
const maxLine = 200

type glyph struct {
	r    rune
	bits []byte // 16 or 32 bytes
}

func wanted(r rune) bool {
	for _, rg := range ranges {
		if r >= rg[0] && r <= rg[1] {
			return true
		}
	}
	return false
}

// parse reads a .hex file and returns the wanted glyphs in rune order.
func parse(rd io.Reader) ([]glyph, error) {
	var gs []glyph
	seen := map[rune]bool{}
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, maxLine), maxLine)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cp, data, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("line %d: no ':'", n)
		}
		v, err := strconv.ParseUint(cp, 16, 32)
		if err != nil || v > 0x10FFFF {
			return nil, fmt.Errorf("line %d: code point %q", n, cp)
		}
		r := rune(v)
		if !wanted(r) {
			continue
		}
		if len(data) != 32 && len(data) != 64 {
			return nil, fmt.Errorf("line %d: U+%04X: %d hex digits, want 32 or 64", n, r, len(data))
		}
		b, err := hex.DecodeString(data)
		if err != nil {
			return nil, fmt.Errorf("line %d: U+%04X: %v", n, r, err)
		}
		if seen[r] {
			return nil, fmt.Errorf("line %d: U+%04X twice", n, r)
		}
		seen[r] = true
		gs = append(gs, glyph{r: r, bits: b})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %v", n+1, err)
	}
	sort.Slice(gs, func(i, j int) bool { return gs[i].r < gs[j].r })
	return gs, nil
}

// encode writes the uncompressed form described in the package comment.
func encode(gs []glyph) []byte {
	type run struct {
		first rune
		n     uint32
		width uint8
	}
	var runs []run
	for i, g := range gs {
		w := uint8(len(g.bits) / 2)
		if i > 0 {
			last := &runs[len(runs)-1]
			if g.r == gs[i-1].r+1 && w == last.width {
				last.n++
				continue
			}
		}
		runs = append(runs, run{first: g.r, n: 1, width: w})
	}
	var b bytes.Buffer
	b.WriteString("VKFONT1\n")
	binary.Write(&b, binary.BigEndian, uint32(len(runs)))
	for _, r := range runs {
		binary.Write(&b, binary.BigEndian, uint32(r.first))
		binary.Write(&b, binary.BigEndian, r.n)
		b.WriteByte(r.width)
	}
	for _, g := range gs {
		b.Write(g.bits)
	}
	return b.Bytes()
}

func main() {
	in := flag.String("hex", "/usr/share/unifont/unifont.hex", "Unifont .hex `FILE` (Debian package unifont)")
	out := flag.String("o", "unifont.bin.z", "output `FILE`")
	flag.Parse()
	f, err := os.Open(*in)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v (apt-get install unifont)\n", err)
		os.Exit(1)
	}
	defer f.Close()
	gs, err := parse(f)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gen: %s: %v\n", *in, err)
		os.Exit(1)
	}
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	zw.Write(encode(gs))
	if err := zw.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v\n", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, z.Bytes(), 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("gen: %d glyphs, %d bytes compressed\n", len(gs), z.Len())
}
