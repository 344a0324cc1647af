package font

import (
	"bytes"
	"compress/zlib"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/venuekiosk/venuekiosk/internal/bounded"
)

//go:embed unifont.bin.z
var packed []byte

// maxData bounds the decompressed font (the BMP at 16×16 is 2 MiB).
const maxData = 4 << 20

const magic = "VKFONT1\n"

// run is a range of consecutive code points of one width.
type run struct {
	first rune
	n     int
	width int // 8 or 16
	off   int // offset of the first glyph in table.bits
}

// table is the decoded font.
type table struct {
	runs []run
	bits []byte
}

var loaded = sync.OnceValue(func() *table {
	t, err := decode(packed)
	if err != nil {
		panic("font: embedded unifont.bin.z: " + err.Error())
	}
	return t
})

// decode checks and decodes the format written by internal/gen.
func decode(z []byte) (*table, error) {
	zr, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, err
	}
	raw, err := bounded.ReadAll(zr, maxData, "font data")
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(raw, []byte(magic)) {
		return nil, errors.New("bad magic")
	}
	p := raw[len(magic):]
	if len(p) < 4 {
		return nil, errors.New("truncated run count")
	}
	nr := binary.BigEndian.Uint32(p)
	p = p[4:]
	if uint64(nr)*9 > uint64(len(p)) {
		return nil, fmt.Errorf("%d runs do not fit in %d bytes", nr, len(p))
	}
	t := &table{runs: make([]run, nr)}
	off := 0
	var next rune
	for i := range t.runs {
		first := rune(binary.BigEndian.Uint32(p))
		n := binary.BigEndian.Uint32(p[4:])
		w := int(p[8])
		p = p[9:]
		if w != 8 && w != 16 {
			return nil, fmt.Errorf("run %d: width %d", i, w)
		}
		if n == 0 || n > 0x10FFFF || first < next || first > 0x10FFFF-rune(n) {
			return nil, fmt.Errorf("run %d: U+%04X+%d out of order or range", i, first, n)
		}
		next = first + rune(n)
		t.runs[i] = run{first: first, n: int(n), width: w, off: off}
		off += int(n) * 2 * w
		if off > len(p) {
			return nil, fmt.Errorf("run %d: glyphs past the end of the data", i)
		}
	}
	if off != len(p) {
		return nil, fmt.Errorf("%d bytes of glyphs, want %d", len(p), off)
	}
	t.bits = p
	return t, nil
}

// glyph returns the rows of r (16 rows of width/8 bytes) and its width.
func (t *table) glyph(r rune) ([]byte, int, bool) {
	i := sort.Search(len(t.runs), func(i int) bool { return t.runs[i].first+rune(t.runs[i].n) > r })
	if i == len(t.runs) || r < t.runs[i].first {
		return nil, 0, false
	}
	rn := t.runs[i]
	size := 2 * rn.width
	o := rn.off + int(r-rn.first)*size
	return t.bits[o : o+size], rn.width, true
}
