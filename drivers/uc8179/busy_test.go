package uc8179

import (
	"errors"
	"image"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"

	"github.com/venuekiosk/venuekiosk/drivers/epd"
	"github.com/venuekiosk/venuekiosk/drivers/epd/epdtest"
	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
)

func TestBusyStuckLow(t *testing.T) {
	e, err := epdemu.New(m75, nil)
	if err != nil {
		t.Fatal(err)
	}
	stuck := &gpiotest.Pin{N: "BUSY", L: gpio.Low} // UC8179: low is busy
	d, err := New(e.Port(), e.DC(), e.RST(), stuck, &Opts{Model: m75, Timeouts: epd.Timeouts{Command: 30 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	d.sleep = func(time.Duration) {}
	err = d.Full(epdtest.Solid(d.Bounds(), true))
	if got, want := errString(err), "uc8179: busy timeout after 30ms waiting for hardware reset"; got != want {
		t.Fatalf("Full with BUSY stuck low = %q, want %q", got, want)
	}
	if !errors.Is(err, epd.ErrBusyTimeout) {
		t.Errorf("errors.Is(ErrBusyTimeout) = false")
	}
}

func TestBusyHighIsIdle(t *testing.T) {
	// The polarity is the UC8179's: a line held high never blocks.
	e, err := epdemu.New(m75, nil)
	if err != nil {
		t.Fatal(err)
	}
	idle := &gpiotest.Pin{N: "BUSY", L: gpio.High}
	d, err := New(e.Port(), e.DC(), e.RST(), idle, &Opts{Model: m75, Timeouts: epd.Timeouts{Command: 30 * time.Millisecond, Full: 30 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	d.sleep = func(time.Duration) {}
	if err := d.Full(epdtest.Solid(d.Bounds(), true)); err != nil {
		t.Errorf("Full with BUSY high (idle): %v", err)
	}
}

func TestBusyTimeoutDuringRefresh(t *testing.T) {
	e, d := newFixture(t, m75, &epdemu.Opts{Timing: epdemu.Timing{Reset: time.Microsecond, Command: time.Microsecond, Full: time.Hour, Fast: time.Hour, Partial: time.Hour}},
		func(_ *epdemu.Emu, o *Opts) { o.Timeouts.Full = 40 * time.Millisecond })
	err := d.Full(epdtest.Pattern(d.Bounds(), 0))
	if got, want := errString(err), "uc8179: busy timeout after 40ms waiting for display refresh"; got != want {
		t.Fatalf("Full = %q, want %q", got, want)
	}
	if !e.Sleeping() {
		t.Errorf("controller left awake after the timeout")
	}
	noErrors(t, e)
	err = d.Partial(epdtest.Pattern(d.Bounds(), 1), image.Rect(0, 0, 8, 8))
	if !errors.Is(err, epd.ErrBusyTimeout) || d.Stats().Refresh != epd.Full {
		t.Errorf("Partial after a failed refresh: %v, %v; want a full refresh (timing out again)", err, d.Stats().Refresh)
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
