package uc8179

import (
	"testing"

	"github.com/venuekiosk/venuekiosk/internal/epd/epdemutest"
)

// Probe: the wake-up reset, the registers, the charge pump on (its BUSY
// pulse proves the controller answers) and off, deep sleep.
func TestProbeSequence(t *testing.T) {
	e, d := epdemutest.Fixture(t, New, m75, nil, nil)
	if err := d.Probe(); err != nil {
		t.Fatal(err)
	}
	epdemutest.NoErrors(t, e)
	epdemutest.DiffSeq(t, "probe", epdemutest.Log(e), epdemutest.Join(initSeq("17 17 28 17", "21"), []string{"04"}, sleepSeq))
}
