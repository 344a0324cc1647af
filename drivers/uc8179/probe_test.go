package uc8179

import (
	"errors"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"

	"github.com/venuekiosk/venuekiosk/drivers/epd"
	"github.com/venuekiosk/venuekiosk/drivers/epd/epdtest"
	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
)

func TestProbe(t *testing.T) {
	e, d := newFixture(t, epd.Waveshare7in5V2, nil, nil)
	if err := d.Probe(); err != nil {
		t.Fatal(err)
	}
	noErrors(t, e)
	got := logOf(e)
	if len(got) < 4 || got[0] != "reset" {
		t.Fatalf("probe sequence %q: want a reset first", got)
	}
	diffSeq(t, "probe tail", got[len(got)-3:], []string{"04", "02", "07 a5"})
	if !e.Sleeping() {
		t.Error("controller not in deep sleep after Probe")
	}
	if n := e.Refreshes(); n != (epdemu.Counts{}) {
		t.Errorf("Probe refreshed the panel: %+v", n)
	}
	want := epdtest.Pattern(d.Bounds(), 3)
	if err := d.Full(want); err != nil {
		t.Fatal(err)
	}
	if n, first := epdtest.Diff(e.Image(), want); n != 0 {
		t.Errorf("after Probe, a full refresh left %d pixels wrong, first %s", n, first)
	}
	noErrors(t, e)
}

func TestProbeNoPanel(t *testing.T) {
	e, err := epdemu.New(epd.Waveshare7in5V2, nil)
	if err != nil {
		t.Fatal(err)
	}
	// UC8179: BUSY is low while busy; pulled high with no panel, it never is.
	idle := &gpiotest.Pin{N: "BUSY", L: gpio.High}
	d, err := New(e.Port(), e.DC(), e.RST(), idle, &Opts{Model: epd.Waveshare7in5V2})
	if err != nil {
		t.Fatal(err)
	}
	d.sleep = func(time.Duration) {}
	if err := d.Probe(); !errors.Is(err, epd.ErrNoBusyPulse) {
		t.Fatalf("Probe with BUSY never busy: got %v, want ErrNoBusyPulse", err)
	}
}
