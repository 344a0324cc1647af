package epd

import (
	"fmt"
	"image"
	"image/color"
)

// Frame is a native 1-bit frame: Stride bytes a row, the leftmost pixel in
// the most significant bit, a set bit white. Padding bits past Width are
// white and stay so.
type Frame struct {
	Width, Height, Stride int
	Pix                   []byte
}

// NewFrame returns an all-white w×h frame.
func NewFrame(w, h int) *Frame {
	f := &Frame{Width: w, Height: h, Stride: (w + 7) / 8}
	f.Pix = make([]byte, f.Stride*h)
	f.Fill(true)
	return f
}

// Fill sets every pixel white or black; padding stays white.
func (f *Frame) Fill(white bool) {
	v := byte(0x00)
	if white {
		v = 0xFF
	}
	for i := range f.Pix {
		f.Pix[i] = v
	}
	if pad := f.Stride*8 - f.Width; pad > 0 && !white {
		m := byte(1<<pad - 1)
		for y := 0; y < f.Height; y++ {
			f.Pix[y*f.Stride+f.Stride-1] |= m
		}
	}
}

// White reports whether the pixel at (x, y) is white.
func (f *Frame) White(x, y int) bool {
	return f.Pix[y*f.Stride+x>>3]&(0x80>>(x&7)) != 0
}

// Set makes the pixel at (x, y) white or black.
func (f *Frame) Set(x, y int, white bool) {
	i, m := y*f.Stride+x>>3, byte(0x80>>(x&7))
	if white {
		f.Pix[i] |= m
	} else {
		f.Pix[i] &^= m
	}
}

// copyFrom makes f a copy of g, which has f's size.
func (f *Frame) copyFrom(g *Frame) { copy(f.Pix, g.Pix) }

// Clone returns a copy of f.
func (f *Frame) Clone() *Frame {
	g := *f
	g.Pix = append([]byte(nil), f.Pix...)
	return &g
}

// Bounds returns the frame's native bounds.
func (f *Frame) Bounds() image.Rectangle { return image.Rect(0, 0, f.Width, f.Height) }

// alignX widens the native rectangle r to whole bytes: Min.X down and Max.X
// up to multiples of 8 (Max.X may reach Stride*8, past Width, into the
// padding).
func (f *Frame) alignX(r image.Rectangle) image.Rectangle {
	r.Min.X &^= 7
	r.Max.X = (r.Max.X + 7) &^ 7
	return r
}

// Window appends to dst the bytes of the byte-aligned native rectangle r,
// row by row, and returns the extended slice.
func (f *Frame) Window(dst []byte, r image.Rectangle) ([]byte, error) {
	if r.Min.X%8 != 0 || r.Max.X%8 != 0 || r.Empty() || r.Min.X < 0 || r.Min.Y < 0 || r.Max.X > f.Stride*8 || r.Max.Y > f.Height {
		return dst, fmt.Errorf("epd: window %v is not a byte-aligned part of %d×%d", r, f.Stride*8, f.Height)
	}
	x0, x1 := r.Min.X/8, r.Max.X/8
	for y := r.Min.Y; y < r.Max.Y; y++ {
		dst = append(dst, f.Pix[y*f.Stride+x0:y*f.Stride+x1]...)
	}
	return dst, nil
}

// Image returns f as a gray image (0 black, 255 white), one pixel a pixel.
func (f *Frame) Image() *image.Gray {
	g := image.NewGray(f.Bounds())
	for y := 0; y < f.Height; y++ {
		for x := 0; x < f.Width; x++ {
			if f.White(x, y) {
				g.Pix[y*g.Stride+x] = 0xFF
			}
		}
	}
	return g
}

// Render sets the native pixels of f under the caller's rectangle r (in
// rotated coordinates, already clipped to the panel and to src) from src,
// reading src at p.Add(off) for each caller point p.
func (f *Frame) Render(rot Rotation, r image.Rectangle, src image.Image, off image.Point) {
	white := whiteFunc(src)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			nx, ny := rot.toNative(x, y, f.Width, f.Height)
			f.Set(nx, ny, white(x+off.X, y+off.Y))
		}
	}
}

// whiteFunc returns a pixel test for src, fast for the common types.
func whiteFunc(src image.Image) func(x, y int) bool {
	switch s := src.(type) {
	case *image.Gray:
		return func(x, y int) bool { return s.Pix[s.PixOffset(x, y)] >= 0x80 }
	case *image.Paletted:
		var lut [256]bool
		for i, c := range s.Palette {
			lut[i] = IsWhite(c)
		}
		return func(x, y int) bool { return lut[s.Pix[s.PixOffset(x, y)]] }
	case *image.RGBA:
		return func(x, y int) bool {
			i := s.PixOffset(x, y)
			return IsWhite(color.RGBA{s.Pix[i], s.Pix[i+1], s.Pix[i+2], s.Pix[i+3]})
		}
	}
	return func(x, y int) bool { return IsWhite(src.At(x, y)) }
}
