package epd

import (
	"fmt"
	"image"
	"testing"
)

var rotations = []Rotation{Rotate0, Rotate90, Rotate180, Rotate270}

func TestRotationBijection(t *testing.T) {
	const w, h = 13, 7
	for _, r := range rotations {
		b := r.Bounds(w, h)
		seen := map[image.Point]bool{}
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				nx, ny := r.toNative(x, y, w, h)
				p := image.Pt(nx, ny)
				if !p.In(image.Rect(0, 0, w, h)) || seen[p] {
					t.Fatalf("rotation %d: (%d, %d) maps to %v: outside or twice", r, x, y, p)
				}
				seen[p] = true
			}
		}
		if len(seen) != w*h {
			t.Errorf("rotation %d covers %d native pixels, want %d", r, len(seen), w*h)
		}
	}
}

func TestRotationCorners(t *testing.T) {
	const w, h = 10, 4
	// The caller's origin lands on the native corner the doc names.
	for _, tt := range []struct {
		r      Rotation
		nx, ny int
		bw, bh int
	}{
		{Rotate0, 0, 0, 10, 4},
		{Rotate90, 9, 0, 4, 10},
		{Rotate180, 9, 3, 10, 4},
		{Rotate270, 0, 3, 4, 10},
	} {
		t.Run(fmt.Sprintf("%v %d,%d", tt.r, tt.nx, tt.ny), func(t *testing.T) {
			nx, ny := tt.r.toNative(0, 0, w, h)
			if nx != tt.nx || ny != tt.ny {
				t.Errorf("rotation %d: origin at native (%d, %d), want (%d, %d)", tt.r, nx, ny, tt.nx, tt.ny)
			}
			if got, want := tt.r.Bounds(w, h), image.Rect(0, 0, tt.bw, tt.bh); got != want {
				t.Errorf("rotation %d: Bounds = %v, want %v", tt.r, got, want)
			}
		})
	}
}

func TestRectMapping(t *testing.T) {
	const w, h = 16, 9
	for _, r := range rotations {
		b := r.Bounds(w, h)
		for _, q := range []image.Rectangle{image.Rect(0, 0, 1, 1), image.Rect(2, 3, 5, 7), b, image.Rect(1, 0, b.Dx(), 2)} {
			n := r.rectToNative(q, w, h)
			// The native rectangle holds exactly the images of q's points.
			var want image.Rectangle
			for y := q.Min.Y; y < q.Max.Y; y++ {
				for x := q.Min.X; x < q.Max.X; x++ {
					nx, ny := r.toNative(x, y, w, h)
					want = want.Union(image.Rect(nx, ny, nx+1, ny+1))
				}
			}
			if n != want {
				t.Errorf("rotation %d: rectToNative(%v) = %v, want %v", r, q, n, want)
			}
			if back := r.rectFromNative(n, w, h); back != q {
				t.Errorf("rotation %d: rectFromNative(rectToNative(%v)) = %v", r, q, back)
			}
		}
	}
}

func TestRotationValid(t *testing.T) {
	for _, r := range rotations {
		if err := r.Valid(); err != nil {
			t.Errorf("Rotation(%d).Valid() = %v", r, err)
		}
	}
	for _, r := range []Rotation{-90, 45, 360, 1} {
		if err := r.Valid(); err == nil {
			t.Errorf("Rotation(%d).Valid() = nil, want an error", r)
		}
	}
}
