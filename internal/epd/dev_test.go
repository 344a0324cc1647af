package epd_test

import (
	"errors"
	"fmt"
	"image"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"

	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
	"github.com/venuekiosk/venuekiosk/drivers/ssd1680"
	"github.com/venuekiosk/venuekiosk/drivers/uc8179"
	"github.com/venuekiosk/venuekiosk/internal/epd"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdemutest"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdtest"
)

// The behaviour every panel shares, run once for every model with its
// driver against the emulator. The controller packages test their own
// command sequences.

var opens = map[epd.Controller]epdemutest.Open{
	epd.SSD1680: ssd1680.New,
	epd.SSD1683: ssd1680.New,
	epd.UC8179:  uc8179.New,
}

func fixture(t testing.TB, m epd.Model, eo *epdemu.Opts, edit func(e *epdemu.Emu, o *epd.Opts)) (*epdemu.Emu, *epd.Dev) {
	t.Helper()
	return epdemutest.Fixture(t, opens[m.Controller], m, eo, edit)
}

var rotations = []epd.Rotation{epd.Rotate0, epd.Rotate90, epd.Rotate180, epd.Rotate270}

// window200 returns a window of up to 200×200 inside b, off its corner.
func window200(b image.Rectangle) image.Rectangle {
	return image.Rect(7, 13, 7+200, 13+200).Intersect(b.Inset(1))
}

// busyLevel is the level of m's BUSY line while its controller works.
func busyLevel(m epd.Model) gpio.Level { return gpio.Level(m.Controller != epd.UC8179) }

func TestRoundTrip(t *testing.T) {
	for _, m := range epd.Models {
		for _, rot := range rotations {
			t.Run(fmt.Sprintf("%s/%d", m.Name, rot), func(t *testing.T) {
				e, d := fixture(t, m, nil, func(_ *epdemu.Emu, o *epd.Opts) { o.Rotation = rot })
				check := func(step string, want *image.Gray) {
					t.Helper()
					if n, first := epdtest.Diff(e.Image(), epdtest.Native(want, rot, m.Width, m.Height)); n != 0 {
						t.Fatalf("%s: %d pixels differ, first %s", step, n, first)
					}
				}
				p0, p1, p2 := epdtest.Pattern(d.Bounds(), 0), epdtest.Pattern(d.Bounds(), 1), epdtest.Pattern(d.Bounds(), 2)
				if err := d.Full(p0); err != nil {
					t.Fatal(err)
				}
				check("full", p0)
				if m.HasFast() {
					if err := d.Fast(p1); err != nil {
						t.Fatal(err)
					}
					check("fast", p1)
					if err := d.Full(p0); err != nil {
						t.Fatal(err)
					}
				}
				// Only the window changes, exactly.
				r := window200(d.Bounds())
				if err := d.Partial(p1, r); err != nil {
					t.Fatal(err)
				}
				shown := epdtest.Paste(p0, p1, r)
				check("partial", shown)
				if s := d.Stats(); s.Refresh != epd.Partial || !r.In(s.Window) {
					t.Errorf("Stats() = %v, want a partial refresh of a window holding %v", s, r)
				}
				// A second partial over part of the first, with other
				// content: the controller's old image must hold the
				// first's result.
				r2 := r.Add(image.Pt(r.Dx()/3, r.Dy()/4)).Intersect(d.Bounds())
				if err := d.Partial(p2, r2); err != nil {
					t.Fatal(err)
				}
				shown = epdtest.Paste(shown, p2, r2)
				check("second partial", shown)
				if err := d.Partial(p0, r); err != nil {
					t.Fatal(err)
				}
				check("third partial", epdtest.Paste(shown, p0, r))
				epdemutest.NoErrors(t, e)
				want := epdemu.Counts{Full: 1, Partial: 3}
				if m.HasFast() {
					want = epdemu.Counts{Full: 2, Fast: 1, Partial: 3}
				}
				if got := e.Refreshes(); got != want {
					t.Errorf("emulator saw %+v, want %+v", got, want)
				}
			})
		}
	}
}

func TestPartialFirstIsFull(t *testing.T) {
	for _, m := range epd.Models {
		e, d := fixture(t, m, nil, nil)
		r := image.Rect(8, 8, 64, 64)
		p := epdtest.Pattern(d.Bounds(), 1)
		if err := d.Partial(p, r); err != nil {
			t.Fatal(err)
		}
		if s := d.Stats(); s.Refresh != epd.Full || s.Window != d.Bounds() {
			t.Errorf("%s: first Partial: Stats() = %v, want a full refresh of the panel", m.Name, s)
		}
		if got := e.Refreshes(); got != (epdemu.Counts{Full: 1}) {
			t.Errorf("%s: emulator saw %+v, want one full refresh", m.Name, got)
		}
		// The unknown glass (noise in the emulator) is replaced: white around r.
		if n, first := epdtest.Diff(e.Image(), epdtest.Paste(epdtest.Solid(d.Bounds(), true), p, r)); n != 0 {
			t.Errorf("%s: %d pixels differ, first %s", m.Name, n, first)
		}
		if err := d.Partial(p, d.Bounds()); err != nil {
			t.Fatal(err)
		}
		if s := d.Stats(); s.Refresh != epd.Partial {
			t.Errorf("%s: second Partial: %v, want partial", m.Name, s.Refresh)
		}
		epdemutest.NoErrors(t, e)
	}
}

func TestDrawer(t *testing.T) {
	for _, m := range epd.Models {
		e, d := fixture(t, m, nil, nil)
		b := d.Bounds()
		p0 := epdtest.Pattern(b, 0)
		if err := d.Draw(b, p0, image.Point{}); err != nil {
			t.Fatal(err)
		}
		if s := d.Stats(); s.Refresh != epd.Full {
			t.Errorf("%s: Draw of the whole panel: %v, want full", m.Name, s.Refresh)
		}
		// A 30×20 source drawn at (50, 60), from its point (5, 5): 25×15 pixels.
		src := epdtest.Pattern(image.Rect(0, 0, 30, 20), 1)
		if err := d.Draw(image.Rect(50, 60, b.Max.X, b.Max.Y), src, image.Pt(5, 5)); err != nil {
			t.Fatal(err)
		}
		want := epdtest.Solid(b, true)
		copy(want.Pix, p0.Pix)
		for y := 0; y < 15; y++ {
			for x := 0; x < 25; x++ {
				want.SetGray(50+x, 60+y, src.GrayAt(5+x, 5+y))
			}
		}
		if n, first := epdtest.Diff(e.Image(), want); n != 0 {
			t.Errorf("%s: Draw of a part: %d pixels differ, first %s", m.Name, n, first)
		}
		if s := d.Stats(); s.Refresh != epd.Partial {
			t.Errorf("%s: Draw of a part: %v, want partial", m.Name, s.Refresh)
		}
		before := e.Refreshes()
		if err := d.Draw(image.Rect(b.Max.X+10, 0, b.Max.X+100, 10), src, image.Point{}); err != nil {
			t.Errorf("%s: Draw outside the panel: %v", m.Name, err)
		}
		if e.Refreshes() != before {
			t.Errorf("%s: Draw outside the panel refreshed", m.Name)
		}
		if err := d.Draw(b, nil, image.Point{}); err == nil {
			t.Errorf("%s: Draw(nil) succeeded", m.Name)
		}
		epdemutest.NoErrors(t, e)
	}
}

// PreparePartial does the wake-up ahead of time; the partial refresh that
// follows starts without the reset, and the glass shows exactly what a
// plain partial refresh shows. (The controller packages check the exact
// sequences.)
func TestPreparePartial(t *testing.T) {
	for _, m := range epd.Models {
		e, d := fixture(t, m, nil, nil)
		p0, p1 := epdtest.Solid(d.Bounds(), true), epdtest.Pattern(d.Bounds(), 1)
		if err := d.Full(p0); err != nil {
			t.Fatal(err)
		}
		if err := d.PreparePartial(); err != nil {
			t.Fatal(err)
		}
		if e.Sleeping() {
			t.Errorf("%s: controller asleep after PreparePartial", m.Name)
		}
		epdemutest.Log(e)
		if err := d.PreparePartial(); err != nil { // again: nothing more
			t.Fatal(err)
		}
		if got := epdemutest.Log(e); len(got) != 0 {
			t.Errorf("%s: a second PreparePartial sent %q", m.Name, got)
		}
		r := image.Rect(0, 16, 64, 48)
		if err := d.Partial(p1, r); err != nil {
			t.Fatal(err)
		}
		epdemutest.NoErrors(t, e)
		for _, l := range epdemutest.Log(e) {
			if l == "reset" {
				t.Errorf("%s: the prepared partial refresh reset the controller", m.Name)
			}
		}
		if !e.Sleeping() {
			t.Errorf("%s: controller awake after the prepared refresh", m.Name)
		}
		if n, first := epdtest.Diff(e.Image(), epdtest.Paste(p0, p1, r)); n != 0 {
			t.Errorf("%s: %d pixels differ after the prepared partial refresh, first %s", m.Name, n, first)
		}
		// The next partial refresh wakes the controller as usual.
		if err := d.Partial(p0, r); err != nil {
			t.Fatal(err)
		}
		if got := epdemutest.Log(e); len(got) == 0 || got[0] != "reset" {
			t.Errorf("%s: an unprepared partial refresh starts with %q; want the reset", m.Name, got)
		}
	}
}

// A full refresh after PreparePartial resets the controller for its own
// registers; Halt puts a prepared controller back to sleep, once.
func TestPreparedThenOther(t *testing.T) {
	for _, m := range epd.Models {
		e, d := fixture(t, m, nil, nil)
		if err := d.PreparePartial(); err != nil {
			t.Fatal(err)
		}
		epdemutest.Log(e)
		if err := d.Full(epdtest.Pattern(d.Bounds(), 2)); err != nil {
			t.Fatal(err)
		}
		epdemutest.NoErrors(t, e)
		if got := epdemutest.Log(e); len(got) < 3 || got[0] != "reset" || !e.Sleeping() {
			t.Errorf("%s: full refresh after PreparePartial: %q; want reset … deep sleep", m.Name, got)
		}
		if err := d.PreparePartial(); err != nil {
			t.Fatal(err)
		}
		if err := d.Halt(); err != nil {
			t.Fatal(err)
		}
		if !e.Sleeping() {
			t.Errorf("%s: Halt left a prepared controller awake", m.Name)
		}
		epdemutest.Log(e)
		if err := d.Halt(); err != nil {
			t.Fatal(err)
		}
		if got := epdemutest.Log(e); len(got) != 0 {
			t.Errorf("%s: a second Halt sent %q", m.Name, got)
		}
		epdemutest.NoErrors(t, e)
	}
}

func TestProbe(t *testing.T) {
	for _, m := range epd.Models {
		t.Run(m.Name, func(t *testing.T) {
			e, d := fixture(t, m, nil, nil)
			if err := d.Probe(); err != nil {
				t.Fatal(err)
			}
			epdemutest.NoErrors(t, e)
			if got := epdemutest.Log(e); len(got) < 2 || got[0] != "reset" {
				t.Errorf("probe sequence %q: want a reset first", got)
			}
			if !e.Sleeping() {
				t.Error("controller not in deep sleep after Probe")
			}
			// Probe draws nothing, and refreshes after it still work.
			if n := e.Refreshes(); n != (epdemu.Counts{}) {
				t.Errorf("Probe refreshed the panel: %+v", n)
			}
			if err := d.Full(epdtest.Pattern(d.Bounds(), 1)); err != nil {
				t.Fatal(err)
			}
			if err := d.Probe(); err != nil {
				t.Fatal(err)
			}
			if err := d.Partial(epdtest.Solid(d.Bounds(), true), d.Bounds()); err != nil {
				t.Fatal(err)
			}
			if n, first := epdtest.Diff(e.Image(), epdtest.Solid(d.Bounds(), true)); n != 0 {
				t.Errorf("after Probe, a partial refresh left %d pixels wrong, first %s", n, first)
			}
			epdemutest.NoErrors(t, e)
		})
	}
}

// With nothing on the cable the BUSY line rests at its pull: it never
// shows busy, and Probe says so.
func TestProbeNoPanel(t *testing.T) {
	for _, m := range epd.Models {
		e, err := epdemu.New(m, nil)
		if err != nil {
			t.Fatal(err)
		}
		idle := &gpiotest.Pin{N: "BUSY", L: !busyLevel(m)}
		d, err := opens[m.Controller](e.Port(), e.DC(), e.RST(), idle, &epd.Opts{Model: m, Delay: func(time.Duration) {}})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Probe(); !errors.Is(err, epd.ErrNoBusyPulse) {
			t.Errorf("%s: Probe with BUSY never busy: got %v, want ErrNoBusyPulse", m.Name, err)
		}
	}
}

func TestBusyStuckAtReset(t *testing.T) {
	for _, m := range epd.Models {
		e, err := epdemu.New(m, nil)
		if err != nil {
			t.Fatal(err)
		}
		stuck := &gpiotest.Pin{N: "BUSY", L: busyLevel(m)}
		d, err := opens[m.Controller](e.Port(), e.DC(), e.RST(), stuck, &epd.Opts{Model: m, Timeouts: epd.Timeouts{Command: 30 * time.Millisecond}, Delay: func(time.Duration) {}})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		err = d.Full(epdtest.Solid(d.Bounds(), true))
		name := strings.TrimSuffix(d.String(), "("+m.Name+")")
		if got, want := epdemutest.ErrString(err), name+": busy timeout after 30ms waiting for hardware reset"; got != want {
			t.Fatalf("%s: Full with BUSY stuck = %q, want %q", m.Name, got, want)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("%s: gave up after %v", m.Name, took)
		}
		if !errors.Is(err, epd.ErrBusyTimeout) {
			t.Errorf("%s: errors.Is(ErrBusyTimeout) = false", m.Name)
		}
		// Nothing but resets reached the controller: no command while "busy".
		for _, l := range e.Log() {
			if l.Event != "reset" {
				t.Errorf("%s: sent %v with BUSY stuck", m.Name, l)
			}
		}
	}
}

// The polarity is the controller's: a line held at its idle level never
// blocks.
func TestBusyIdleLevel(t *testing.T) {
	for _, m := range epd.Models {
		e, err := epdemu.New(m, nil)
		if err != nil {
			t.Fatal(err)
		}
		idle := &gpiotest.Pin{N: "BUSY", L: !busyLevel(m)}
		d, err := opens[m.Controller](e.Port(), e.DC(), e.RST(), idle, &epd.Opts{Model: m, Timeouts: epd.Timeouts{Command: 30 * time.Millisecond, Full: 30 * time.Millisecond}, Delay: func(time.Duration) {}})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Full(epdtest.Solid(d.Bounds(), true)); err != nil {
			t.Errorf("%s: Full with BUSY idle: %v", m.Name, err)
		}
	}
}

func TestBusyTimeoutDuringRefresh(t *testing.T) {
	slow := &epdemu.Opts{Timing: epdemu.Timing{Reset: time.Microsecond, Command: time.Microsecond, Full: time.Hour, Fast: time.Hour, Partial: time.Hour}}
	for _, m := range epd.Models {
		// The emulated refresh takes an hour; the driver gives it 40 ms.
		e, d := fixture(t, m, slow, func(_ *epdemu.Emu, o *epd.Opts) { o.Timeouts.Full = 40 * time.Millisecond })
		err := d.Full(epdtest.Pattern(d.Bounds(), 0))
		if got := epdemutest.ErrString(err); !strings.Contains(got, ": busy timeout after 40ms waiting for display") {
			t.Fatalf("%s: Full = %q, want a busy timeout after 40ms waiting for the display", m.Name, got)
		}
		// The driver reset the controller and put it to sleep.
		if !e.Sleeping() {
			t.Errorf("%s: controller left awake after the timeout", m.Name)
		}
		epdemutest.NoErrors(t, e)
		if s := d.Stats(); s.Refresh != epd.Full || s.Busy < 40*time.Millisecond {
			t.Errorf("%s: Stats() = %v", m.Name, s)
		}
		// The glass is unknown now: a partial refresh becomes a full one.
		err = d.Partial(epdtest.Pattern(d.Bounds(), 1), image.Rect(0, 0, 8, 8))
		if !errors.Is(err, epd.ErrBusyTimeout) || d.Stats().Refresh != epd.Full {
			t.Errorf("%s: Partial after a failed refresh: %v, %v; want a full refresh (timing out again)", m.Name, err, d.Stats().Refresh)
		}
	}
}

func TestBusyStuckEmulator(t *testing.T) {
	for _, m := range epd.Models {
		e, d := fixture(t, m, nil, func(_ *epdemu.Emu, o *epd.Opts) { o.Timeouts.Command = 25 * time.Millisecond })
		if err := d.Full(epdtest.Solid(d.Bounds(), true)); err != nil {
			t.Fatal(err)
		}
		e.SetStuck(true)
		err := d.Partial(epdtest.Solid(d.Bounds(), false), image.Rect(0, 0, 8, 8))
		if got := epdemutest.ErrString(err); !strings.HasSuffix(got, ": busy timeout after 25ms waiting for hardware reset") {
			t.Errorf("%s: Partial with BUSY stuck = %q", m.Name, got)
		}
		epdemutest.NoErrors(t, e) // no command was sent into the busy controller
	}
}

// The power switch stays on between operations (the controller sleeps and
// keeps its memory); Halt cuts it, and a partial refresh after that
// rebuilds whatever memory it needs.
func TestPowerSwitchRoundTrip(t *testing.T) {
	for _, m := range epd.Models {
		e, d := fixture(t, m, nil, func(e *epdemu.Emu, o *epd.Opts) { o.Power = e.Power() })
		p0, p1 := epdtest.Pattern(d.Bounds(), 0), epdtest.Pattern(d.Bounds(), 1)
		if err := d.Full(p0); err != nil {
			t.Fatal(err)
		}
		if !e.Powered() || !e.Sleeping() {
			t.Errorf("%s: after a refresh: powered %v, asleep %v; want a sleeping controller with its supply on", m.Name, e.Powered(), e.Sleeping())
		}
		if err := d.Halt(); err != nil {
			t.Fatal(err)
		}
		if e.Powered() {
			t.Errorf("%s: Halt left the power on", m.Name)
		}
		r := window200(d.Bounds())
		if err := d.Partial(p1, r); err != nil {
			t.Fatal(err)
		}
		if n, first := epdtest.Diff(e.Image(), epdtest.Paste(p0, p1, r)); n != 0 {
			t.Errorf("%s: partial after power loss: %d pixels differ, first %s", m.Name, n, first)
		}
		if s := d.Stats(); s.Refresh != epd.Partial {
			t.Errorf("%s: after power loss: %v, want partial (the glass keeps its image)", m.Name, s.Refresh)
		}
		epdemutest.NoErrors(t, e)
	}
}

// A failed operation cycles the power switch: off, with RST and DC low
// first, and on again at the next operation.
func TestPowerCycleAfterError(t *testing.T) {
	for _, m := range epd.Models {
		e, d := fixture(t, m, nil, func(e *epdemu.Emu, o *epd.Opts) {
			o.Power = e.Power()
			o.Timeouts.Command = 25 * time.Millisecond
		})
		if err := d.Full(epdtest.Solid(d.Bounds(), true)); err != nil {
			t.Fatal(err)
		}
		e.SetStuck(true)
		if err := d.Full(epdtest.Solid(d.Bounds(), false)); !errors.Is(err, epd.ErrBusyTimeout) {
			t.Fatalf("%s: Full with BUSY stuck: %v", m.Name, err)
		}
		if e.Powered() {
			t.Errorf("%s: the power stayed on after a failed operation", m.Name)
		}
		e.SetStuck(false)
		epdemutest.Log(e)
		if err := d.Full(epdtest.Solid(d.Bounds(), false)); err != nil {
			t.Fatal(err)
		}
		if got := epdemutest.Log(e); len(got) < 2 || got[0] != "power on" || got[1] != "reset" {
			t.Errorf("%s: after a power cut the next operation starts %q; want power on, then the reset", m.Name, got)
		}
		epdemutest.NoErrors(t, e)
	}
}

// On a HAT with a power switch (rev 2.3) the driver powers the panel up
// before the reset and down with RST and DC low first; the emulated
// switched supply flags any other order.
func TestSwitchedHAT(t *testing.T) {
	for _, m := range epd.Models {
		e, d := fixture(t, m, &epdemu.Opts{Switched: true}, func(e *epdemu.Emu, o *epd.Opts) { o.Power = e.Power() })
		p0, p1 := epdtest.Pattern(d.Bounds(), 0), epdtest.Pattern(d.Bounds(), 1)
		if err := d.Full(p0); err != nil {
			t.Fatal(err)
		}
		if got := epdemutest.Log(e); len(got) < 2 || got[0] != "power on" || got[1] != "reset" {
			t.Errorf("%s: the first operation starts %q; want power on, then the reset", m.Name, got)
		}
		if err := d.PreparePartial(); err != nil {
			t.Fatal(err)
		}
		r := window200(d.Bounds())
		if err := d.Partial(p1, r); err != nil {
			t.Fatal(err)
		}
		if err := d.Probe(); err != nil {
			t.Fatal(err)
		}
		if err := d.Halt(); err != nil {
			t.Fatal(err)
		}
		if e.Powered() {
			t.Errorf("%s: powered after Halt", m.Name)
		}
		if n, first := epdtest.Diff(e.Image(), epdtest.Paste(p0, p1, r)); n != 0 {
			t.Errorf("%s: %d pixels differ, first %s", m.Name, n, first)
		}
		epdemutest.NoErrors(t, e)
	}
}

// On a rev 2.3 HAT driven without its power pin (panel.power = "") the
// panel never gets a supply: it takes no command, and Probe, which wants
// a BUSY pulse, says so — where a refresh would "succeed" on an
// SSD168x, whose BUSY reads idle without power.
func TestUnpoweredPanel(t *testing.T) {
	for _, m := range epd.Models {
		e, d := fixture(t, m, &epdemu.Opts{Switched: true}, func(_ *epdemu.Emu, o *epd.Opts) { o.Timeouts.Command = 30 * time.Millisecond })
		err := d.Probe()
		if !errors.Is(err, epd.ErrNoBusyPulse) && !errors.Is(err, epd.ErrBusyTimeout) {
			t.Errorf("%s: Probe of an unpowered panel: %v, want no BUSY pulse or a busy timeout", m.Name, err)
		}
		if len(e.Errors()) == 0 && e.Bytes() > 0 {
			t.Errorf("%s: the emulator took %d bytes without power and flagged nothing", m.Name, e.Bytes())
		}
		if e.Refreshes().Total() != 0 {
			t.Errorf("%s: an unpowered panel refreshed", m.Name)
		}
	}
}
