package ssd1680

import (
	"fmt"
	"image"
	"testing"

	"github.com/venuekiosk/venuekiosk/drivers/epd"
	"github.com/venuekiosk/venuekiosk/drivers/epd/epdtest"
	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
)

var rotations = []epd.Rotation{epd.Rotate0, epd.Rotate90, epd.Rotate180, epd.Rotate270}

// window200 returns a window of up to 200×200 inside b, off its corner.
func window200(b image.Rectangle) image.Rectangle {
	return image.Rect(7, 13, 7+200, 13+200).Intersect(b.Inset(1))
}

func TestRoundTrip(t *testing.T) {
	for _, m := range models {
		for _, rot := range rotations {
			t.Run(fmt.Sprintf("%s/%d", m.Name, rot), func(t *testing.T) {
				e, d := newFixture(t, m, nil, func(_ *epdemu.Emu, o *Opts) { o.Rotation = rot })
				check := func(step string, want *image.Gray) {
					t.Helper()
					if n, first := epdtest.Diff(e.Image(), epdtest.Native(want, rot, m.Width, m.Height)); n != 0 {
						t.Fatalf("%s: %d pixels differ, first %s", step, n, first)
					}
				}
				p0, p1, p2 := epdtest.Pattern(d.Bounds(), 0), epdtest.Pattern(d.Bounds(), 1), epdtest.Pattern(d.Bounds(), 2)
				if err := d.Full(p0); err != nil {
					t.Fatal(err)
				}
				check("full", p0)
				if m.HasFast() {
					if err := d.Fast(p1); err != nil {
						t.Fatal(err)
					}
					check("fast", p1)
					if err := d.Full(p0); err != nil {
						t.Fatal(err)
					}
				}
				// Only the window changes, exactly.
				r := window200(d.Bounds())
				if err := d.Partial(p1, r); err != nil {
					t.Fatal(err)
				}
				shown := epdtest.Paste(p0, p1, r)
				check("partial", shown)
				if s := d.Stats(); s.Refresh != epd.Partial || !r.In(s.Window) {
					t.Errorf("Stats() = %v, want a partial refresh of a window holding %v", s, r)
				}
				// A second partial over part of the first, with other
				// content: RED RAM must hold the first's result.
				r2 := r.Add(image.Pt(r.Dx()/3, r.Dy()/4)).Intersect(d.Bounds())
				if err := d.Partial(p2, r2); err != nil {
					t.Fatal(err)
				}
				shown = epdtest.Paste(shown, p2, r2)
				check("second partial", shown)
				// And back to p0 in the first window.
				if err := d.Partial(p0, r); err != nil {
					t.Fatal(err)
				}
				check("third partial", epdtest.Paste(shown, p0, r))
				noErrors(t, e)
				if got := e.Refreshes().Partial; got != 3 {
					t.Errorf("emulator saw %d partial refreshes, want 3", got)
				}
			})
		}
	}
}

func TestBrokenSequenceGhosts(t *testing.T) {
	for _, skip := range []bool{false, true} {
		m := epd.Waveshare2in9V2
		e, d := newFixture(t, m, nil, nil)
		d.skipOldSync = skip
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
		noErrors(t, e)
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

func TestPartialFirstIsFull(t *testing.T) {
	m := epd.Waveshare2in13V4
	e, d := newFixture(t, m, nil, nil)
	r := image.Rect(8, 8, 64, 64)
	p := epdtest.Pattern(d.Bounds(), 1)
	if err := d.Partial(p, r); err != nil {
		t.Fatal(err)
	}
	if s := d.Stats(); s.Refresh != epd.Full || s.Window != d.Bounds() {
		t.Errorf("first Partial: Stats() = %v, want a full refresh of the panel", s)
	}
	if got := e.Refreshes(); got != (epdemu.Counts{Full: 1}) {
		t.Errorf("emulator saw %+v, want one full refresh", got)
	}
	// The unknown glass (noise in the emulator) is replaced: white around r.
	if n, first := epdtest.Diff(e.Image(), epdtest.Paste(epdtest.Solid(d.Bounds(), true), p, r)); n != 0 {
		t.Errorf("%d pixels differ, first %s", n, first)
	}
	if err := d.Partial(p, d.Bounds()); err != nil {
		t.Fatal(err)
	}
	if s := d.Stats(); s.Refresh != epd.Partial {
		t.Errorf("second Partial: %v, want partial", s.Refresh)
	}
	noErrors(t, e)
}

func TestPowerSwitchRoundTrip(t *testing.T) {
	for _, m := range models {
		e, d := newFixture(t, m, nil, func(e *epdemu.Emu, o *Opts) { o.Power = e.Power() })
		p0, p1 := epdtest.Pattern(d.Bounds(), 0), epdtest.Pattern(d.Bounds(), 1)
		if err := d.Full(p0); err != nil {
			t.Fatal(err)
		}
		r := window200(d.Bounds())
		if err := d.Partial(p1, r); err != nil {
			t.Fatal(err)
		}
		if n, first := epdtest.Diff(e.Image(), epdtest.Paste(p0, p1, r)); n != 0 {
			t.Errorf("%s: partial after power loss: %d pixels differ, first %s", m.Name, n, first)
		}
		if e.Powered() {
			t.Errorf("%s: power left on", m.Name)
		}
		if s := d.Stats(); s.Bytes < 2*m.FrameBytes() {
			t.Errorf("%s: partial after power loss sent %d bytes; it must rewrite both RAMs (%d)", m.Name, s.Bytes, 2*m.FrameBytes())
		}
		noErrors(t, e)
	}
}

func TestDrawer(t *testing.T) {
	m := epd.Waveshare4in2V2
	e, d := newFixture(t, m, nil, nil)
	p0 := epdtest.Pattern(d.Bounds(), 0)
	if err := d.Draw(d.Bounds(), p0, image.Point{}); err != nil {
		t.Fatal(err)
	}
	if s := d.Stats(); s.Refresh != epd.Full {
		t.Errorf("Draw of the whole panel: %v, want full", s.Refresh)
	}
	// A 30×20 source drawn at (50, 60), from its point (5, 5): 25×15 pixels.
	src := epdtest.Pattern(image.Rect(0, 0, 30, 20), 1)
	if err := d.Draw(image.Rect(50, 60, 400, 300), src, image.Pt(5, 5)); err != nil {
		t.Fatal(err)
	}
	want := epdtest.Solid(d.Bounds(), true)
	copy(want.Pix, p0.Pix)
	for y := 0; y < 15; y++ {
		for x := 0; x < 25; x++ {
			want.SetGray(50+x, 60+y, src.GrayAt(5+x, 5+y))
		}
	}
	if n, first := epdtest.Diff(e.Image(), want); n != 0 {
		t.Errorf("Draw of a part: %d pixels differ, first %s", n, first)
	}
	if s := d.Stats(); s.Refresh != epd.Partial {
		t.Errorf("Draw of a part: %v, want partial", s.Refresh)
	}
	before := e.Refreshes()
	if err := d.Draw(image.Rect(500, 0, 600, 10), src, image.Point{}); err != nil {
		t.Errorf("Draw outside the panel: %v", err)
	}
	if e.Refreshes() != before {
		t.Errorf("Draw outside the panel refreshed")
	}
	if err := d.Draw(d.Bounds(), nil, image.Point{}); err == nil {
		t.Errorf("Draw(nil) succeeded")
	}
	noErrors(t, e)
}
