package venueqr

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"

	qrcode "github.com/skip2/go-qrcode"
)

// Spec fixes the QR symbol: a version and an error correction level that
// hold the longest code (MaxPayload characters), so every code of a kiosk
// has the same size.
type Spec struct {
	Version int // 1–40; 5 or 6 hold a venue code
	Level   qrcode.RecoveryLevel
}

// Symbol specs for the kiosk's panels: version 5 at level L (37 modules)
// fits the 2.13" and 2.9" panels at 3 pixels a module; version 6 at level
// M (41 modules) corrects more errors on the larger panels.
var (
	Compact = Spec{Version: 5, Level: qrcode.Low}
	Robust  = Spec{Version: 6, Level: qrcode.Medium}
)

// QuietZone is the standard quiet zone, in modules, on each side.
const QuietZone = 4

// Modules returns the symbol's width in modules, without the quiet zone.
func (s Spec) Modules() int { return 17 + 4*s.Version }

// Symbol is a QR symbol's modules, without the quiet zone.
type Symbol struct {
	size int
	dark []bool
}

// Encode makes the symbol of payload. It fails when payload does not fit
// the spec.
func (s Spec) Encode(payload string) (*Symbol, error) {
	q, err := qrcode.NewWithForcedVersion(payload, s.Version, s.Level)
	if err != nil {
		return nil, fmt.Errorf("venueqr: QR version %d: %v", s.Version, err)
	}
	q.DisableBorder = true
	bm := q.Bitmap()
	n := len(bm)
	if n != s.Modules() {
		return nil, fmt.Errorf("venueqr: QR symbol of %d modules, want %d", n, s.Modules())
	}
	sym := &Symbol{size: n, dark: make([]bool, n*n)}
	for y, row := range bm {
		if len(row) != n {
			return nil, fmt.Errorf("venueqr: QR row %d has %d modules, want %d", y, len(row), n)
		}
		copy(sym.dark[y*n:], row)
	}
	return sym, nil
}

// Size returns the width of the symbol in modules.
func (m *Symbol) Size() int { return m.size }

// Dark reports whether module (x, y) is dark.
func (m *Symbol) Dark(x, y int) bool { return m.dark[y*m.size+x] }

// Scale returns the largest whole number of pixels a module such that the
// symbol and a quiet zone of quiet modules on each side fit in side pixels,
// or 0.
func Scale(side, modules, quiet int) int {
	return side / (modules + 2*quiet)
}

// Draw draws the symbol with its top-left module at pt, px pixels a
// module, black on white, clipped to dst. It draws only the modules: the
// caller clears the quiet zone.
func (m *Symbol) Draw(dst draw.Image, pt image.Point, px int) {
	clip := dst.Bounds()
	gray, isGray := dst.(*image.Gray)
	for y := 0; y < m.size; y++ {
		for x := 0; x < m.size; x++ {
			c := uint8(255)
			if m.Dark(x, y) {
				c = 0
			}
			r := image.Rect(pt.X+x*px, pt.Y+y*px, pt.X+(x+1)*px, pt.Y+(y+1)*px).Intersect(clip)
			if isGray {
				for yy := r.Min.Y; yy < r.Max.Y; yy++ {
					o := gray.PixOffset(r.Min.X, yy)
					row := gray.Pix[o : o+r.Dx()]
					for i := range row {
						row[i] = c
					}
				}
				continue
			}
			for yy := r.Min.Y; yy < r.Max.Y; yy++ {
				for xx := r.Min.X; xx < r.Max.X; xx++ {
					dst.Set(xx, yy, color.Gray{Y: c})
				}
			}
		}
	}
}
