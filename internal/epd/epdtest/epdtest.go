// Package epdtest has test images and comparisons for the e-paper drivers'
// and the emulator's tests.
package epdtest

import (
	"fmt"
	"image"

	"github.com/venuekiosk/venuekiosk/internal/epd"
)

// Pattern returns a black-and-white test image on b: checkerboards of
// cells that differ in size per quadrant, a diagonal line and a one-pixel
// frame, shifted by seed so that two seeds differ almost everywhere. No
// two adjacent byte columns look alike, so a misplaced byte shows.
func Pattern(b image.Rectangle, seed int) *image.Gray {
	g := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			cx, cy := 3, 5
			if x >= (b.Min.X+b.Max.X)/2 {
				cx = 7
			}
			if y >= (b.Min.Y+b.Max.Y)/2 {
				cy = 2
			}
			on := ((x+seed)/cx+(y+2*seed)/cy)%2 == 0
			if x-b.Min.X == y-b.Min.Y || x == b.Min.X || y == b.Min.Y || x == b.Max.X-1 || y == b.Max.Y-1 {
				on = seed%2 == 0
			}
			if on {
				g.Pix[g.PixOffset(x, y)] = 0xFF
			}
		}
	}
	return g
}

// Solid returns an all-white or all-black image on b.
func Solid(b image.Rectangle, white bool) *image.Gray {
	g := image.NewGray(b)
	if white {
		for i := range g.Pix {
			g.Pix[i] = 0xFF
		}
	}
	return g
}

// Native returns what a w×h panel shows when img, in the caller's
// coordinates, is drawn with rotation rot: for each native pixel the
// caller's pixel, by the inverse of the documented mapping.
func Native(img *image.Gray, rot epd.Rotation, w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for ny := 0; ny < h; ny++ {
		for nx := 0; nx < w; nx++ {
			var x, y int
			switch rot {
			case epd.Rotate0:
				x, y = nx, ny
			case epd.Rotate90: // nx = w-1-y, ny = x
				x, y = ny, w-1-nx
			case epd.Rotate180:
				x, y = w-1-nx, h-1-ny
			case epd.Rotate270: // nx = y, ny = h-1-x
				x, y = h-1-ny, nx
			}
			g.Pix[ny*g.Stride+nx] = img.GrayAt(x, y).Y
		}
	}
	return g
}

// Diff counts the pixels where got and want differ (both 0 or 255) and
// describes the first one; got and want must have the same bounds.
func Diff(got, want *image.Gray) (n int, first string) {
	if got.Bounds() != want.Bounds() {
		return -1, fmt.Sprintf("bounds %v, want %v", got.Bounds(), want.Bounds())
	}
	b := got.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if g, w := got.GrayAt(x, y).Y, want.GrayAt(x, y).Y; g != w {
				if n == 0 {
					first = fmt.Sprintf("(%d, %d) is %d, want %d", x, y, g, w)
				}
				n++
			}
		}
	}
	return n, first
}

// Paste returns a copy of dst with the pixels of src inside r.
func Paste(dst, src *image.Gray, r image.Rectangle) *image.Gray {
	g := image.NewGray(dst.Bounds())
	copy(g.Pix, dst.Pix)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			g.SetGray(x, y, src.GrayAt(x, y))
		}
	}
	return g
}
