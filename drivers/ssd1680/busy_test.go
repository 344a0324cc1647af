package ssd1680

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

func TestBusyStuckAtReset(t *testing.T) {
	e, err := epdemu.New(epd.Waveshare2in13V4, nil)
	if err != nil {
		t.Fatal(err)
	}
	stuck := &gpiotest.Pin{N: "BUSY", L: gpio.High} // SSD168x: high is busy
	d, err := New(e.Port(), e.DC(), e.RST(), stuck, &Opts{Model: epd.Waveshare2in13V4, Timeouts: epd.Timeouts{Command: 30 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	d.sleep = func(time.Duration) {}
	start := time.Now()
	err = d.Full(epdtest.Solid(d.Bounds(), true))
	if got, want := errString(err), "ssd1680: busy timeout after 30ms waiting for hardware reset"; got != want {
		t.Fatalf("Full with BUSY stuck high = %q, want %q", got, want)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("gave up after %v", took)
	}
	if !errors.Is(err, epd.ErrBusyTimeout) {
		t.Errorf("errors.Is(ErrBusyTimeout) = false")
	}
	// Nothing but resets reached the controller: no command while "busy".
	for _, l := range e.Log() {
		if l.Event != "reset" {
			t.Errorf("sent %v with BUSY stuck", l)
		}
	}
}

func TestBusyTimeoutDuringUpdate(t *testing.T) {
	// The emulated update takes an hour; the driver gives it 40 ms.
	e, d := newFixture(t, epd.Waveshare2in9V2, &epdemu.Opts{Timing: epdemu.Timing{Reset: time.Microsecond, Command: time.Microsecond, Full: time.Hour, Fast: time.Hour, Partial: time.Hour}},
		func(_ *epdemu.Emu, o *Opts) { o.Timeouts.Full = 40 * time.Millisecond })
	err := d.Full(epdtest.Pattern(d.Bounds(), 0))
	if got, want := errString(err), "ssd1680: busy timeout after 40ms waiting for display update"; got != want {
		t.Fatalf("Full = %q, want %q", got, want)
	}
	// The driver reset the controller and put it to sleep.
	if !e.Sleeping() {
		t.Errorf("controller left awake after the timeout")
	}
	noErrors(t, e)
	if s := d.Stats(); s.Refresh != epd.Full || s.Busy < 40*time.Millisecond {
		t.Errorf("Stats() = %v", s)
	}
	// The glass is unknown now: a partial refresh becomes a full one.
	err = d.Partial(epdtest.Pattern(d.Bounds(), 1), image.Rect(0, 0, 8, 8))
	if !errors.Is(err, epd.ErrBusyTimeout) || d.Stats().Refresh != epd.Full {
		t.Errorf("Partial after a failed refresh: %v, %v; want a full refresh (timing out again)", err, d.Stats().Refresh)
	}
}

func TestBusyStuckEmulator(t *testing.T) {
	e, d := newFixture(t, epd.Waveshare4in2V2, nil, func(_ *epdemu.Emu, o *Opts) { o.Timeouts.Command = 25 * time.Millisecond })
	if err := d.Full(epdtest.Solid(d.Bounds(), true)); err != nil {
		t.Fatal(err)
	}
	e.SetStuck(true)
	err := d.Partial(epdtest.Solid(d.Bounds(), false), image.Rect(0, 0, 8, 8))
	if got, want := errString(err), "ssd1680: busy timeout after 25ms waiting for hardware reset"; got != want {
		t.Errorf("Partial with BUSY stuck = %q, want %q", got, want)
	}
	noErrors(t, e) // no command was sent into the busy controller
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
