package ssd1680

import (
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/epd"
	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
)

var models = []epd.Model{epd.Waveshare2in13V4, epd.Waveshare2in9V2, epd.Waveshare4in2V2}

// newFixture returns a driver for m on an emulator; edit adjusts the
// driver's options (e.Power() can be wired in there).
func newFixture(t testing.TB, m epd.Model, eo *epdemu.Opts, edit func(e *epdemu.Emu, o *Opts)) (*epdemu.Emu, *Dev) {
	t.Helper()
	e, err := epdemu.New(m, eo)
	if err != nil {
		t.Fatal(err)
	}
	o := &Opts{Model: m}
	if edit != nil {
		edit(e, o)
	}
	d, err := New(e.Port(), e.DC(), e.RST(), e.Busy(), o)
	if err != nil {
		t.Fatal(err)
	}
	d.sleep = func(time.Duration) {} // the emulator needs no settling
	return e, d
}

func noErrors(t testing.TB, e *epdemu.Emu) {
	t.Helper()
	if errs := e.Errors(); len(errs) != 0 {
		t.Fatalf("the emulated controller rejected: %v", errs)
	}
}

// logOf returns the emulator's log as strings, then clears it.
func logOf(e *epdemu.Emu) []string {
	var s []string
	for _, l := range e.Log() {
		s = append(s, l.String())
	}
	e.ClearLog()
	return s
}

func diffSeq(t *testing.T, name string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") == strings.Join(want, "\n") {
		return
	}
	for i := 0; i < max(len(got), len(want)); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("%s: entry %d is %q, want %q\ngot:  %q\nwant: %q", name, i, g, w, got, want)
			return
		}
	}
}

func join(parts ...[]string) []string {
	var s []string
	for _, p := range parts {
		s = append(s, p...)
	}
	return s
}
