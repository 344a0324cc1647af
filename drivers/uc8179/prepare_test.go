package uc8179

import (
	"image"
	"testing"

	"github.com/venuekiosk/venuekiosk/internal/epd/epdemutest"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdtest"
)

// PreparePartial sends the wake-up (reset, registers) ahead of time; the
// partial refresh that follows starts with partial-in and its window;
// Halt puts a prepared controller back into deep sleep.
func TestPrepareSequence(t *testing.T) {
	e, d := epdemutest.Fixture(t, New, m75, nil, nil)
	if err := d.Full(epdtest.Solid(d.Bounds(), true)); err != nil {
		t.Fatal(err)
	}
	epdemutest.Log(e)
	if err := d.PreparePartial(); err != nil {
		t.Fatal(err)
	}
	epdemutest.DiffSeq(t, "prepare", epdemutest.Log(e), epdemutest.Join(initSeq("17 17 28 17", "a1"), []string{"e0 02", "e5 6e"}))
	if err := d.Partial(epdtest.Pattern(d.Bounds(), 1), image.Rect(100, 50, 300, 250)); err != nil {
		t.Fatal(err)
	}
	epdemutest.NoErrors(t, e)
	want := epdemutest.Join([]string{"91", "90 00 60 01 2f 00 32 00 f9 01", "10 <5200 bytes>", "13 <5200 bytes>", "04", "12", "92"}, sleepSeq)
	epdemutest.DiffSeq(t, "prepared partial", epdemutest.Log(e), want)
	if err := d.PreparePartial(); err != nil {
		t.Fatal(err)
	}
	epdemutest.Log(e)
	if err := d.Halt(); err != nil {
		t.Fatal(err)
	}
	epdemutest.DiffSeq(t, "halt after prepare", epdemutest.Log(e), []string{"reset", "07 a5"})
}
