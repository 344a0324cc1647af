package uc8179

import (
	"image"
	"testing"

	"github.com/venuekiosk/venuekiosk/drivers/epd/epdtest"
)

// PreparePartial does the wake-up (reset, registers) ahead of time; the
// partial refresh that follows starts with partial-in and its window, and
// the glass shows exactly what a plain partial refresh shows.
func TestPreparePartial(t *testing.T) {
	e, d := newFixture(t, m75, nil, nil)
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
	diffSeq(t, "prepare", logOf(e), join(initSeq("17 17 28 17", "a1"), []string{"e0 02", "e5 6e"}))
	r := image.Rect(100, 50, 300, 250)
	if err := d.Partial(p1, r); err != nil {
		t.Fatal(err)
	}
	noErrors(t, e)
	want := join([]string{"91", "90 00 60 01 2f 00 32 00 f9 01", "10 <5200 bytes>", "13 <5200 bytes>", "04", "12", "92"}, sleepSeq)
	diffSeq(t, "prepared partial", logOf(e), want)
	if n, first := epdtest.Diff(e.Image(), epdtest.Native(epdtest.Paste(p0, p1, r), 0, m75.Width, m75.Height)); n != 0 {
		t.Errorf("%d pixels differ after the prepared partial refresh, first %s", n, first)
	}
	// The next one wakes the controller as usual.
	if err := d.Partial(p0, r); err != nil {
		t.Fatal(err)
	}
	if got := logOf(e); len(got) == 0 || got[0] != "reset" {
		t.Errorf("an unprepared partial refresh starts with %q; want the reset", got)
	}
	// Halt puts a prepared controller back to sleep, once.
	if err := d.PreparePartial(); err != nil {
		t.Fatal(err)
	}
	logOf(e)
	if err := d.Halt(); err != nil {
		t.Fatal(err)
	}
	diffSeq(t, "halt after prepare", logOf(e), []string{"07 a5"})
	if err := d.Halt(); err != nil {
		t.Fatal(err)
	}
	if got := logOf(e); len(got) != 0 {
		t.Errorf("a second Halt sent %q", got)
	}
	noErrors(t, e)
}
