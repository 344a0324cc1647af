package ssd1680

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
	for _, m := range models {
		t.Run(m.Name, func(t *testing.T) {
			e, d := newFixture(t, m, nil, nil)
			if err := d.Probe(); err != nil {
				t.Fatal(err)
			}
			noErrors(t, e)
			got := logOf(e)
			want := []string{"reset", "12", "10 01"}
			diffSeq(t, "probe", got, want)
			if !e.Sleeping() {
				t.Error("controller not in deep sleep after Probe")
			}
			// Probe draws nothing, and a refresh after it still works.
			if n := e.Refreshes(); n != (epdemu.Counts{}) {
				t.Errorf("Probe refreshed the panel: %+v", n)
			}
			img := epdtest.Pattern(d.Bounds(), 1)
			if err := d.Full(img); err != nil {
				t.Fatal(err)
			}
			if err := d.Partial(epdtest.Solid(d.Bounds(), true), d.Bounds()); err != nil {
				t.Fatal(err)
			}
			if n, first := epdtest.Diff(e.Image(), epdtest.Solid(d.Bounds(), true)); n != 0 {
				t.Errorf("after Probe, a partial refresh left %d pixels wrong, first %s", n, first)
			}
			noErrors(t, e)
		})
	}
}

func TestProbeNoPanel(t *testing.T) {
	e, err := epdemu.New(epd.Waveshare2in13V4, nil)
	if err != nil {
		t.Fatal(err)
	}
	// BUSY pulled idle with nothing driving it: no panel on the cable.
	idle := &gpiotest.Pin{N: "BUSY", L: gpio.Low}
	d, err := New(e.Port(), e.DC(), e.RST(), idle, &Opts{Model: epd.Waveshare2in13V4})
	if err != nil {
		t.Fatal(err)
	}
	d.sleep = func(time.Duration) {}
	err = d.Probe()
	if !errors.Is(err, epd.ErrNoBusyPulse) {
		t.Fatalf("Probe with BUSY never busy: got %v, want ErrNoBusyPulse", err)
	}
}
