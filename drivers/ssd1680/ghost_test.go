package ssd1680

import (
	"image"
	"testing"

	"github.com/venuekiosk/venuekiosk/internal/epd"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdemutest"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdtest"
)

// The emulator shows a ghost where RED RAM is left stale: the RED RAM
// update after a partial refresh is what keeps the next one right.
func TestBrokenSequenceGhosts(t *testing.T) {
	for _, skip := range []bool{false, true} {
		m := epd.Waveshare2in9V2
		e, d := epdemutest.Fixture(t, New, m, nil, nil)
		d.Commands().(*commands).skipOldSync = skip
		white, black := epdtest.Solid(d.Bounds(), true), epdtest.Solid(d.Bounds(), false)
		r := image.Rect(16, 40, 80, 120)
		for _, step := range []struct {
			img  *image.Gray
			full bool
		}{{white, true}, {black, false}, {white, false}} {
			var err error
			if step.full {
				err = d.Full(step.img)
			} else {
				err = d.Partial(step.img, r)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		epdemutest.NoErrors(t, e)
		// The driver believes the panel is white again.
		n, _ := epdtest.Diff(e.Image(), white)
		if skip && n != r.Dx()*r.Dy() {
			t.Errorf("without the RED RAM update the window should stay black (ghost): %d of %d pixels do", n, r.Dx()*r.Dy())
		}
		if !skip && n != 0 {
			t.Errorf("with the RED RAM update %d pixels are wrong", n)
		}
	}
}
