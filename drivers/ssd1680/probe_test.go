package ssd1680

import (
	"testing"

	"github.com/venuekiosk/venuekiosk/internal/epd/epdemutest"
)

// Probe: the wake-up reset, a software reset whose BUSY pulse proves the
// controller answers, deep sleep.
func TestProbeSequence(t *testing.T) {
	for _, m := range models {
		e, d := epdemutest.Fixture(t, New, m, nil, nil)
		if err := d.Probe(); err != nil {
			t.Fatal(err)
		}
		epdemutest.NoErrors(t, e)
		epdemutest.DiffSeq(t, m.Name+" probe", epdemutest.Log(e), []string{"reset", "12", "10 01"})
	}
}
