package epd

import (
	"fmt"
	"image"
	"image/color"
	"strings"
	"testing"
)

func black(b image.Rectangle) *image.Gray { return image.NewGray(b) }

func TestComposeFullBounds(t *testing.T) {
	c := newCanvas("ssd1680", Waveshare2in13V4, Rotate90)
	if got, want := c.Bounds(), image.Rect(0, 0, 250, 122); got != want {
		t.Fatalf("Bounds = %v, want %v", got, want)
	}
	for _, b := range []image.Rectangle{image.Rect(0, 0, 122, 250), image.Rect(1, 0, 251, 122), image.Rect(0, 0, 250, 121)} {
		if err := c.composeFull(black(b)); err == nil || !strings.Contains(err.Error(), "image bounds") {
			t.Errorf("composeFull(%v) error = %v, want image bounds", b, err)
		}
	}
	if err := c.composeFull(nil); err == nil {
		t.Errorf("composeFull(nil): no error")
	}
	if err := c.composeFull(black(c.Bounds())); err != nil {
		t.Errorf("composeFull: %v", err)
	}
	if c.Next.White(0, 0) || c.Next.White(121, 249) {
		t.Errorf("black image rendered white")
	}
}

func TestComposePartial(t *testing.T) {
	c := newCanvas("ssd1680", Waveshare2in13V4, Rotate0)
	img := black(c.Bounds())
	r := image.Rect(3, 10, 13, 12)
	native, window, err := c.composePartial(img, r, image.Point{})
	if err != nil {
		t.Fatal(err)
	}
	if want := image.Rect(0, 10, 16, 12); native != want || window != want {
		t.Errorf("composePartial windows = %v, %v, want %v", native, window, want)
	}
	for y := 0; y < 250; y++ {
		for x := 0; x < 122; x++ {
			if got, want := c.Next.White(x, y), !image.Pt(x, y).In(r); got != want {
				t.Fatalf("(%d, %d) white = %v, want %v: only r changes", x, y, got, want)
			}
		}
	}
	// At the right edge the window reaches into the padding; the caller's
	// window stops at the panel.
	native, window, err = c.composePartial(img, image.Rect(120, 0, 122, 1), image.Point{})
	if err != nil || native != image.Rect(120, 0, 128, 1) || window != image.Rect(120, 0, 122, 1) {
		t.Errorf("right edge: %v %v %v", native, window, err)
	}
}

func TestComposePartialRotated(t *testing.T) {
	// Rotate90: the caller's Y is the native X, so alignment widens Y.
	c := newCanvas("ssd1683", Waveshare4in2V2, Rotate90)
	img := black(c.Bounds())
	_, window, err := c.composePartial(img, image.Rect(10, 5, 20, 9), image.Point{})
	if err != nil {
		t.Fatal(err)
	}
	// Native X 391..395 widens to 384..400: the caller's Y 0..16.
	if want := image.Rect(10, 0, 20, 16); window != want {
		t.Errorf("rotated window = %v, want %v", window, want)
	}
}

func TestComposePartialErrors(t *testing.T) {
	c := newCanvas("uc8179", Waveshare7in5V2, Rotate0)
	full := black(c.Bounds())
	small := black(image.Rect(100, 100, 200, 200))
	for _, tt := range []struct {
		name string
		img  image.Image
		r    image.Rectangle
		want string
	}{
		{"nil image", nil, image.Rect(0, 0, 8, 8), "nil image"},
		{"empty", full, image.Rect(5, 5, 5, 9), "empty window"},
		{"outside panel", full, image.Rect(790, 0, 810, 8), "not inside the panel"},
		{"negative", full, image.Rect(-8, 0, 8, 8), "not inside the panel"},
		{"outside image", small, image.Rect(90, 100, 150, 150), "not inside the image"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := c.composePartial(tt.img, tt.r, image.Point{}); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: composePartial error = %v, want %q", tt.name, err, tt.want)
			}
		})
	}
	// A window-sized image at the window's place is enough.
	if _, _, err := c.composePartial(small, image.Rect(100, 100, 200, 200), image.Point{}); err != nil {
		t.Errorf("window-sized image: %v", err)
	}
}

func TestDrawArea(t *testing.T) {
	c := newCanvas("ssd1680", Waveshare2in9V2, Rotate0) // 128×296
	src := black(image.Rect(0, 0, 50, 50))
	for _, tt := range []struct {
		dst image.Rectangle
		sp  image.Point
		r   image.Rectangle
		off image.Point
	}{
		{image.Rect(0, 0, 128, 296), image.Point{}, image.Rect(0, 0, 50, 50), image.Point{}},
		{image.Rect(100, 10, 200, 60), image.Point{}, image.Rect(100, 10, 128, 60), image.Pt(-100, -10)},
		{image.Rect(0, 0, 10, 10), image.Pt(45, 45), image.Rect(0, 0, 5, 5), image.Pt(45, 45)},
		{image.Rect(200, 0, 210, 10), image.Point{}, image.Rectangle{}, image.Pt(-200, 0)},
	} {
		t.Run(fmt.Sprintf("%v from %v", tt.dst, tt.sp), func(t *testing.T) {
			r, off := c.drawArea(tt.dst, src, tt.sp)
			if (r.Empty() != tt.r.Empty()) || (!r.Empty() && r != tt.r) || off != tt.off {
				t.Errorf("drawArea(%v, %v) = %v %v, want %v %v", tt.dst, tt.sp, r, off, tt.r, tt.off)
			}
		})
	}
}

func TestCommit(t *testing.T) {
	c := newCanvas("ssd1680", Waveshare2in9V2, Rotate0)
	if c.Known {
		t.Fatalf("a new canvas knows the glass")
	}
	img := image.NewGray(c.Bounds())
	img.SetGray(5, 5, color.Gray{0xFF})
	if err := c.composeFull(img); err != nil {
		t.Fatal(err)
	}
	if !c.Shown.White(5, 6) {
		t.Fatalf("Shown changed before Commit")
	}
	c.Commit()
	if !c.Known || c.Shown.White(5, 6) || !c.Shown.White(5, 5) {
		t.Errorf("after Commit: known %v, (5,6) white %v, (5,5) white %v", c.Known, c.Shown.White(5, 6), c.Shown.White(5, 5))
	}
}
