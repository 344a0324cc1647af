package epd

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"strings"
	"testing"
)

func TestFrameSetWhite(t *testing.T) {
	f := NewFrame(122, 3)
	if f.Stride != 16 || len(f.Pix) != 48 {
		t.Fatalf("NewFrame(122, 3): stride %d, %d bytes, want 16, 48", f.Stride, len(f.Pix))
	}
	for _, b := range f.Pix {
		if b != 0xFF {
			t.Fatalf("new frame byte %#x, want 0xff (white)", b)
		}
	}
	f.Set(0, 0, false)
	f.Set(9, 1, false)
	f.Set(121, 2, false)
	for _, tt := range []struct {
		i    int
		want byte
	}{{0, 0x7F}, {16 + 1, 0xBF}, {32 + 15, 0xBF}} {
		t.Run(fmt.Sprint(tt.i), func(t *testing.T) {
			if f.Pix[tt.i] != tt.want {
				t.Errorf("byte %d = %#02x, want %#02x", tt.i, f.Pix[tt.i], tt.want)
			}
		})
	}
	if f.White(9, 1) || !f.White(8, 1) || !f.White(10, 1) {
		t.Errorf("White around (9, 1) = %v %v %v, want true false true", f.White(8, 1), f.White(9, 1), f.White(10, 1))
	}
	f.Set(9, 1, true)
	if !f.White(9, 1) {
		t.Errorf("Set(9, 1, white) did not stick")
	}
}

func TestFillKeepsPaddingWhite(t *testing.T) {
	f := NewFrame(122, 2)
	f.Fill(false)
	for y := 0; y < 2; y++ {
		if got, want := f.Pix[y*16+15], byte(0x3F); got != want {
			t.Errorf("row %d last byte = %#02x, want %#02x (122..127 padding white)", y, got, want)
		}
		if f.Pix[y*16] != 0 {
			t.Errorf("row %d first byte = %#02x, want 0", y, f.Pix[y*16])
		}
	}
}

func TestWindow(t *testing.T) {
	f := NewFrame(24, 4)
	for i := range f.Pix {
		f.Pix[i] = byte(i)
	}
	got, err := f.Window(nil, image.Rect(8, 1, 24, 3))
	if err != nil {
		t.Fatal(err)
	}
	if want := []byte{4, 5, 7, 8}; !bytes.Equal(got, want) {
		t.Errorf("Window = %v, want %v", got, want)
	}
	for _, r := range []image.Rectangle{
		image.Rect(4, 0, 16, 1), // start not aligned
		image.Rect(0, 0, 12, 1), // end not aligned
		image.Rect(0, 0, 32, 1), // past the row
		image.Rect(0, 3, 8, 5),  // past the rows
		image.Rect(8, 2, 8, 3),  // empty
		image.Rect(-8, 0, 8, 1), // negative
	} {
		if _, err := f.Window(nil, r); err == nil || !strings.Contains(err.Error(), "byte-aligned") {
			t.Errorf("Window(%v) error = %v, want byte-aligned", r, err)
		}
	}
}

func TestAlignX(t *testing.T) {
	f := NewFrame(122, 10)
	for _, tt := range []struct{ in, want image.Rectangle }{
		{image.Rect(0, 0, 8, 1), image.Rect(0, 0, 8, 1)},
		{image.Rect(3, 2, 9, 5), image.Rect(0, 2, 16, 5)},
		{image.Rect(100, 0, 122, 10), image.Rect(96, 0, 128, 10)},
	} {
		t.Run(fmt.Sprint(tt.in), func(t *testing.T) {
			if got := f.alignX(tt.in); got != tt.want {
				t.Errorf("alignX(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestRenderTypes(t *testing.T) {
	b := image.Rect(0, 0, 19, 11)
	gray := image.NewGray(b)
	pal := image.NewPaletted(b, color.Palette{color.Black, color.White, color.Gray{0x7F}, color.Gray{0x80}})
	rgba := image.NewRGBA(b)
	nrgba := image.NewNRGBA(b)
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			white := (x*7+y*3)%5 < 2
			v := uint8(0x7F)
			idx := uint8(2)
			if white {
				v, idx = 0x80, 3
			}
			gray.SetGray(x, y, color.Gray{v})
			pal.SetColorIndex(x, y, idx)
			rgba.Set(x, y, color.RGBA{v, v, v, 0xFF})
			nrgba.Set(x, y, color.NRGBA{v, v, v, 0xFF})
		}
	}
	want := NewFrame(19, 11)
	want.Render(Rotate0, b, gray, image.Point{})
	n := 0
	for y := 0; y < 11; y++ {
		for x := 0; x < 19; x++ {
			if got, exp := want.White(x, y), (x*7+y*3)%5 < 2; got != exp {
				t.Fatalf("gray (%d, %d) white = %v, want %v (threshold 0x80)", x, y, got, exp)
			}
			if want.White(x, y) {
				n++
			}
		}
	}
	if n == 0 || n == 19*11 {
		t.Fatalf("test image is uniform (%d white)", n)
	}
	for name, img := range map[string]image.Image{"paletted": pal, "rgba": rgba, "nrgba": nrgba} {
		f := NewFrame(19, 11)
		f.Render(Rotate0, b, img, image.Point{})
		if !bytes.Equal(f.Pix, want.Pix) {
			t.Errorf("%s renders differently from gray", name)
		}
	}
}

func TestRenderOffsetAndRotation(t *testing.T) {
	// A 4×2 caller image with one black pixel at (3, 0), read from a source
	// offset by (10, 20).
	src := image.NewGray(image.Rect(10, 20, 14, 22))
	for i := range src.Pix {
		src.Pix[i] = 0xFF
	}
	src.SetGray(13, 20, color.Gray{0})
	for _, tt := range []struct {
		r      Rotation
		w, h   int // native
		nx, ny int
	}{
		{Rotate0, 4, 2, 3, 0},
		{Rotate90, 2, 4, 1, 3},
		{Rotate180, 4, 2, 0, 1},
		{Rotate270, 2, 4, 0, 0},
	} {
		t.Run(fmt.Sprintf("%v %dx%d", tt.r, tt.w, tt.h), func(t *testing.T) {
			f := NewFrame(tt.w, tt.h)
			f.Render(tt.r, tt.r.Bounds(tt.w, tt.h), src, image.Pt(10, 20))
			for y := 0; y < tt.h; y++ {
				for x := 0; x < tt.w; x++ {
					if got, want := f.White(x, y), !(x == tt.nx && y == tt.ny); got != want {
						t.Errorf("rotation %d: native (%d, %d) white = %v, want %v", tt.r, x, y, got, want)
					}
				}
			}
		})
	}
}

func TestImage(t *testing.T) {
	f := NewFrame(10, 2)
	f.Set(3, 1, false)
	g := f.Image()
	if g.Bounds() != image.Rect(0, 0, 10, 2) {
		t.Fatalf("Image bounds %v", g.Bounds())
	}
	if g.GrayAt(3, 1).Y != 0 || g.GrayAt(4, 1).Y != 0xFF {
		t.Errorf("Image (3,1)=%d (4,1)=%d, want 0 and 255", g.GrayAt(3, 1).Y, g.GrayAt(4, 1).Y)
	}
}

func TestIsWhite(t *testing.T) {
	for _, tt := range []struct {
		c    color.Color
		want bool
	}{
		{color.White, true}, {color.Black, false}, {color.Gray{0x80}, true}, {color.Gray{0x7F}, false},
		{color.RGBA{0xFF, 0, 0, 0xFF}, false}, {color.RGBA{0xFF, 0xFF, 0, 0xFF}, true}, {color.Transparent, false},
	} {
		t.Run(fmt.Sprint(tt.c), func(t *testing.T) {
			if got := IsWhite(tt.c); got != tt.want {
				t.Errorf("IsWhite(%v) = %v, want %v", tt.c, got, tt.want)
			}
		})
	}
	if got := BW.Convert(color.Gray{0xC0}); got != color.White {
		t.Errorf("BW.Convert(light gray) = %v, want white", got)
	}
}
