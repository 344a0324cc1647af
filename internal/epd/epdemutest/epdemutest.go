// Package epdemutest is the e-paper drivers' shared test harness: a
// driver on an emulated panel, the emulator's decoded command log as
// strings, and a diff of expected and recorded sequences.
package epdemutest

import (
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/spi"

	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
	"github.com/venuekiosk/venuekiosk/internal/epd"
)

// Open is a driver's constructor: ssd1680.New, uc8179.New.
type Open func(p spi.Port, dc, rst gpio.PinOut, busy gpio.PinIn, o *epd.Opts) (*epd.Dev, error)

// Fixture returns a driver made by open for m on a new emulator with
// options eo; edit adjusts the driver's options (e.Power() can be wired in
// there). The driver's delays are skipped: the emulator needs none.
func Fixture(t testing.TB, open Open, m epd.Model, eo *epdemu.Opts, edit func(e *epdemu.Emu, o *epd.Opts)) (*epdemu.Emu, *epd.Dev) {
	t.Helper()
	e, err := epdemu.New(m, eo)
	if err != nil {
		t.Fatal(err)
	}
	o := &epd.Opts{Model: m, Delay: func(time.Duration) {}}
	if edit != nil {
		edit(e, o)
	}
	d, err := open(e.Port(), e.DC(), e.RST(), e.Busy(), o)
	if err != nil {
		t.Fatal(err)
	}
	return e, d
}

// NoErrors fails t if the emulated controller rejected anything.
func NoErrors(t testing.TB, e *epdemu.Emu) {
	t.Helper()
	if errs := e.Errors(); len(errs) != 0 {
		t.Fatalf("the emulated controller rejected: %v", errs)
	}
}

// Log returns the emulator's log as strings ("reset", "44 00 0f",
// "24 <4000 bytes>"), then clears it.
func Log(e *epdemu.Emu) []string {
	var s []string
	for _, l := range e.Log() {
		s = append(s, l.String())
	}
	e.ClearLog()
	return s
}

// DiffSeq reports the first entry where got and want differ.
func DiffSeq(t testing.TB, name string, got, want []string) {
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

// Join concatenates sequences.
func Join(parts ...[]string) []string {
	var s []string
	for _, p := range parts {
		s = append(s, p...)
	}
	return s
}

// ErrString is err's message, or "<nil>".
func ErrString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
