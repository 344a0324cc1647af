package ssd1680

import (
	"image"
	"testing"

	"github.com/venuekiosk/venuekiosk/drivers/epd"
	"github.com/venuekiosk/venuekiosk/drivers/epd/epdtest"
)

// PreparePartial does the wake-up (reset, software reset, registers) ahead
// of time; the partial refresh that follows starts with its window and RAM
// writes, and the glass shows exactly what a plain partial refresh shows.
func TestPreparePartial(t *testing.T) {
	for _, m := range models {
		e, d := newFixture(t, m, nil, nil)
		p0, p1 := epdtest.Solid(d.Bounds(), true), epdtest.Pattern(d.Bounds(), 1)
		if err := d.Full(p0); err != nil {
			t.Fatal(err)
		}
		logOf(e)
		if err := d.PreparePartial(); err != nil {
			t.Fatal(err)
		}
		if err := d.PreparePartial(); err != nil { // again: nothing more
			t.Fatal(err)
		}
		diffSeq(t, m.Name+" prepare", logOf(e), initSeq[m.Name]("80", partRAMOpt[m.Name]))
		r := image.Rect(0, 16, 64, 48)
		if err := d.Partial(p1, r); err != nil {
			t.Fatal(err)
		}
		noErrors(t, e)
		got := logOf(e)
		if len(got) == 0 || got[0] != "44 00 07" {
			t.Errorf("%s: the prepared partial refresh starts with %q; want its window (44 00 07), no reset", m.Name, got)
		}
		for _, l := range got {
			if l == "reset" || l == "12" {
				t.Errorf("%s: the prepared partial refresh sent %q", m.Name, l)
			}
		}
		if got[len(got)-1] != "10 01" {
			t.Errorf("%s: after the prepared refresh: last %q, want deep sleep (10 01)", m.Name, got[len(got)-1])
		}
		if n, first := epdtest.Diff(e.Image(), epdtest.Native(epdtest.Paste(p0, p1, r), 0, m.Width, m.Height)); n != 0 {
			t.Errorf("%s: %d pixels differ after the prepared partial refresh, first %s", m.Name, n, first)
		}
		// The next partial refresh wakes the controller as usual.
		if err := d.Partial(p0, r); err != nil {
			t.Fatal(err)
		}
		if got := logOf(e); len(got) == 0 || got[0] != "reset" {
			t.Errorf("%s: an unprepared partial refresh starts with %q; want the reset", m.Name, got)
		}
	}
}

// A full refresh after PreparePartial resets the controller for its own
// registers; Halt puts a prepared controller back to sleep.
func TestPreparedThenOther(t *testing.T) {
	m := epd.Waveshare2in13V4
	e, d := newFixture(t, m, nil, nil)
	if err := d.PreparePartial(); err != nil {
		t.Fatal(err)
	}
	logOf(e)
	if err := d.Full(epdtest.Pattern(d.Bounds(), 2)); err != nil {
		t.Fatal(err)
	}
	noErrors(t, e)
	if got := logOf(e); len(got) < 3 || got[0] != "reset" || got[len(got)-1] != "10 01" {
		t.Errorf("full refresh after PreparePartial: %q; want reset … deep sleep", got)
	}
	if err := d.PreparePartial(); err != nil {
		t.Fatal(err)
	}
	logOf(e)
	if err := d.Halt(); err != nil {
		t.Fatal(err)
	}
	diffSeq(t, "halt after prepare", logOf(e), []string{"10 01"})
	if err := d.Halt(); err != nil {
		t.Fatal(err)
	}
	if got := logOf(e); len(got) != 0 {
		t.Errorf("a second Halt sent %q", got)
	}
}
