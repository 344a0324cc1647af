package ssd1680

import (
	"image"
	"testing"

	"github.com/venuekiosk/venuekiosk/internal/epd/epdemutest"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdtest"
)

// PreparePartial sends the wake-up (reset, software reset, registers)
// ahead of time; the partial refresh that follows starts with its window
// and RAM writes; Halt puts a prepared controller back into deep sleep.
func TestPrepareSequence(t *testing.T) {
	for _, m := range models {
		e, d := epdemutest.Fixture(t, New, m, nil, nil)
		if err := d.Full(epdtest.Solid(d.Bounds(), true)); err != nil {
			t.Fatal(err)
		}
		epdemutest.Log(e)
		if err := d.PreparePartial(); err != nil {
			t.Fatal(err)
		}
		epdemutest.DiffSeq(t, m.Name+" prepare", epdemutest.Log(e), partInit(m))
		if err := d.Partial(epdtest.Pattern(d.Bounds(), 1), image.Rect(0, 16, 64, 48)); err != nil {
			t.Fatal(err)
		}
		epdemutest.NoErrors(t, e)
		got := epdemutest.Log(e)
		epdemutest.DiffSeq(t, m.Name+" prepared partial", got, []string{"44 00 07", "45 10 00 2f 00", "4e 00", "4f 10 00", "24 <256 bytes>",
			partUpdate(m), "20", "4e 00", "4f 10 00", "26 <256 bytes>", "10 01"})
		if err := d.PreparePartial(); err != nil {
			t.Fatal(err)
		}
		epdemutest.Log(e)
		if err := d.Halt(); err != nil {
			t.Fatal(err)
		}
		epdemutest.DiffSeq(t, m.Name+" halt after prepare", epdemutest.Log(e), []string{"reset", "10 01"})
	}
}
