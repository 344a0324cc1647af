package font

import (
	"image"
	"image/color"
	"image/draw"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Height is the height of a line at scale 1, in pixels.
const Height = 16

// MaxScale bounds the scale factor.
const MaxScale = 16

// Face is a size and weight of the font: Unifont scaled by a whole factor.
// The zero Face is scale 1, regular.
type Face struct {
	Scale int  // 1 (16 px) … MaxScale; 0 means 1
	Bold  bool // each glyph drawn twice, shifted right
}

func (f Face) scale() int {
	switch {
	case f.Scale < 1:
		return 1
	case f.Scale > MaxScale:
		return MaxScale
	}
	return f.Scale
}

// Height returns the line height in pixels.
func (f Face) Height() int { return Height * f.scale() }

// zeroWidth reports runes that take no space and draw nothing: format
// characters and variation selectors.
func zeroWidth(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E,
		r >= 0x2060 && r <= 0x2064, r >= 0xFE00 && r <= 0xFE0F, r == 0xFEFF:
		return true
	}
	return false
}

// combining reports marks drawn over the previous glyph.
func combining(r rune) bool { return unicode.Is(unicode.Mn, r) }

// glyphOf returns r's glyph, or U+FFFD's when the font has none.
func glyphOf(r rune) ([]byte, int) {
	t := loaded()
	if b, w, ok := t.glyph(r); ok && !unicode.IsControl(r) {
		return b, w
	}
	b, w, _ := t.glyph(0xFFFD)
	return b, w
}

// Has reports whether the font draws r (zero-width format characters
// count as drawn).
func Has(r rune) bool {
	if zeroWidth(r) {
		return true
	}
	if unicode.IsControl(r) {
		return false
	}
	_, _, ok := loaded().glyph(r)
	return ok
}

// Missing returns the distinct runes of s the font cannot draw, in order of
// first appearance (after NFC normalisation, so a letter with a separate
// combining accent counts as its precomposed form).
func Missing(s string) []rune {
	var out []rune
	seen := map[rune]bool{}
	for _, r := range norm.NFC.String(s) {
		if !Has(r) && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

// advance returns the horizontal advance of r at scale 1.
func advance(r rune) int {
	if zeroWidth(r) || combining(r) {
		return 0
	}
	_, w := glyphOf(r)
	return w
}

// Measure returns the width of s in pixels (a single line).
func (f Face) Measure(s string) int {
	sc := f.scale()
	w := 0
	for _, r := range norm.NFC.String(s) {
		w += advance(r) * sc
	}
	if f.Bold && w > 0 {
		w += max(1, sc/2)
	}
	return w
}

// Draw draws s as one line with its top-left corner at pt in colour c and
// returns the x just past it. Pixels outside dst's bounds are clipped.
func (f Face) Draw(dst draw.Image, pt image.Point, s string, c color.Color) int {
	sc := f.scale()
	x := pt.X
	prevW := 0
	for _, r := range norm.NFC.String(s) {
		if zeroWidth(r) {
			continue
		}
		bits, w := glyphOf(r)
		gx := x
		if combining(r) {
			gx = x - prevW*sc
		}
		f.glyph(dst, image.Pt(gx, pt.Y), bits, w, c)
		if f.Bold {
			f.glyph(dst, image.Pt(gx+max(1, sc/2), pt.Y), bits, w, c)
		}
		if !combining(r) {
			x += w * sc
			prevW = w
		}
	}
	if f.Bold && x > pt.X {
		x += max(1, sc/2)
	}
	return x
}

// glyph draws one glyph's set bits as sc×sc squares.
func (f Face) glyph(dst draw.Image, pt image.Point, bits []byte, w int, c color.Color) {
	sc := f.scale()
	bpr := w / 8
	clip := dst.Bounds()
	gray, isGray := dst.(*image.Gray)
	var gv uint8
	if isGray {
		gv = color.GrayModel.Convert(c).(color.Gray).Y
	}
	for row := 0; row < Height; row++ {
		y0 := pt.Y + row*sc
		if y0+sc <= clip.Min.Y || y0 >= clip.Max.Y {
			continue
		}
		for col := 0; col < w; col++ {
			if bits[row*bpr+col/8]&(0x80>>(col%8)) == 0 {
				continue
			}
			r := image.Rect(pt.X+col*sc, y0, pt.X+(col+1)*sc, y0+sc).Intersect(clip)
			if r.Empty() {
				continue
			}
			if isGray {
				for y := r.Min.Y; y < r.Max.Y; y++ {
					o := gray.PixOffset(r.Min.X, y)
					row := gray.Pix[o : o+r.Dx()]
					for i := range row {
						row[i] = gv
					}
				}
				continue
			}
			for y := r.Min.Y; y < r.Max.Y; y++ {
				for x := r.Min.X; x < r.Max.X; x++ {
					dst.Set(x, y, c)
				}
			}
		}
	}
}
