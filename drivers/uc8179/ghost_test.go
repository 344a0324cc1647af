package uc8179

import (
	"image"
	"testing"

	"github.com/venuekiosk/venuekiosk/internal/epd/epdemutest"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdtest"
)

// The emulator shows a ghost where OLD is left out: the OLD data of a
// partial refresh is what keeps it right.
func TestBrokenSequenceGhosts(t *testing.T) {
	for _, skip := range []bool{false, true} {
		e, d := epdemutest.Fixture(t, New, m75, nil, nil)
		d.Commands().(*commands).skipOld = skip
		white, black := epdtest.Solid(d.Bounds(), true), epdtest.Solid(d.Bounds(), false)
		r := image.Rect(16, 40, 80, 120)
		if err := d.Full(white); err != nil {
			t.Fatal(err)
		}
		if err := d.Partial(black, r); err != nil {
			t.Fatal(err)
		}
		if err := d.Partial(white, r); err != nil {
			t.Fatal(err)
		}
		epdemutest.NoErrors(t, e)
		// Without OLD data the controller compares with whatever OLD holds
		// (lost in deep sleep): where that equals NEW nothing is driven.
		n, _ := epdtest.Diff(e.Image(), white)
		if skip && n == 0 {
			t.Errorf("without OLD data the window came out right: ghosting not shown")
		}
		if !skip && n != 0 {
			t.Errorf("with OLD data %d pixels are wrong", n)
		}
	}
}
