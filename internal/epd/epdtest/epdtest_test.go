package epdtest

import (
	"fmt"
	"image"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/internal/epd"
)

func TestPatternDiffers(t *testing.T) {
	b := image.Rect(0, 0, 64, 40)
	a, c := Pattern(b, 0), Pattern(b, 1)
	n, _ := Diff(a, c)
	if n < b.Dx()*b.Dy()/4 {
		t.Errorf("seeds 0 and 1 differ in %d pixels, want at least a quarter", n)
	}
	if n, first := Diff(a, Pattern(b, 0)); n != 0 {
		t.Errorf("Pattern is not deterministic: %d differ, %s", n, first)
	}
	whites := 0
	for _, v := range a.Pix {
		if v != 0 && v != 0xFF {
			t.Fatalf("Pattern has gray %d", v)
		}
		if v == 0xFF {
			whites++
		}
	}
	if whites == 0 || whites == len(a.Pix) {
		t.Errorf("Pattern is uniform")
	}
	// Byte columns differ: a whole-byte shift shows.
	if a.GrayAt(1, 7) == a.GrayAt(9, 7) && a.GrayAt(2, 7) == a.GrayAt(10, 7) && a.GrayAt(3, 8) == a.GrayAt(11, 8) {
		t.Errorf("adjacent byte columns look alike")
	}
}

func TestDiff(t *testing.T) {
	a := Solid(image.Rect(0, 0, 4, 4), true)
	b := Solid(image.Rect(0, 0, 4, 4), true)
	b.Pix[6] = 0
	if n, first := Diff(a, b); n != 1 || first != "(2, 1) is 255, want 0" {
		t.Errorf("Diff = %d %q", n, first)
	}
	if n, first := Diff(a, Solid(image.Rect(0, 0, 4, 5), true)); n != -1 || !strings.Contains(first, "bounds") {
		t.Errorf("Diff of different bounds = %d %q", n, first)
	}
}

func TestNative(t *testing.T) {
	// A caller image with one black pixel at its origin lands on the
	// corner epd.Rotation documents, on a 6×3 panel.
	for _, tt := range []struct {
		r      epd.Rotation
		nx, ny int
	}{{epd.Rotate0, 0, 0}, {epd.Rotate90, 5, 0}, {epd.Rotate180, 5, 2}, {epd.Rotate270, 0, 2}} {
		t.Run(fmt.Sprintf("%v %d,%d", tt.r, tt.nx, tt.ny), func(t *testing.T) {
			img := Solid(tt.r.Bounds(6, 3), true)
			img.Pix[0] = 0
			g := Native(img, tt.r, 6, 3)
			if n, _ := Diff(g, Paste(Solid(g.Bounds(), true), Solid(g.Bounds(), false), image.Rect(tt.nx, tt.ny, tt.nx+1, tt.ny+1))); n != 0 {
				t.Errorf("rotation %d: black pixel not only at (%d, %d)", tt.r, tt.nx, tt.ny)
			}
		})
	}
}
