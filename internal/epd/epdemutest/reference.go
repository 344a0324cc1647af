package epdemutest

import (
	"bytes"
	"fmt"
	"image"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
	"github.com/venuekiosk/venuekiosk/internal/epd"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdtest"
)

// Reference is what a panel vendor's reference driver writes before one
// refresh, as facts to hold a driver's recorded command stream to: the
// registers with their values, and the order the controller needs.
type Reference struct {
	Source string    // the vendor driver (and datasheet) the facts come from
	Regs   []epd.Reg // the registers, with the values in effect at the refresh; Data nil: any (image data)
	// Order lists pairs (a, b): command a must come before command b
	// (first occurrences).
	Order [][2]byte
	// Trigger is the command that starts the refresh: the last one in
	// the stream is the refresh (SSD168x 0x20, UC8179 0x12).
	Trigger byte
}

// Difference is something a driver keeps different from the vendor's
// sequence on purpose: a register value, a register left out, or (Added)
// a command the vendor does not send at all.
type Difference struct {
	Cmd  byte
	Ours []byte // what the driver sends instead; nil: it leaves it out (Added: any data)
	Why  string
	// Added: the driver sends Cmd and the vendor does not; anywhere in
	// the operation (some follow the refresh).
	Added bool
}

// Check holds the stream log, recorded from one operation, to ref: every
// register of ref is in effect when the refresh starts, with the vendor's
// value — or the one diffs gives, and why — and ref's order holds. The
// driver's additions (diffs with Added) must be there too.
func Check(t testing.TB, name string, log []epdemu.Entry, ref Reference, diffs []Difference) {
	t.Helper()
	trigger := -1
	for i, l := range log {
		if l.Event == "" && l.Cmd == ref.Trigger {
			trigger = i
		}
	}
	if trigger < 0 {
		t.Errorf("%s: no refresh (0x%02X) in the stream: %v", name, ref.Trigger, log)
		return
	}
	before := log[:trigger]
	last := func(cmd byte) (epdemu.Entry, bool) {
		for i := len(before) - 1; i >= 0; i-- {
			if before[i].Event == "" && before[i].Cmd == cmd {
				return before[i], true
			}
		}
		return epdemu.Entry{}, false
	}
	first := func(cmd byte) int {
		for i, l := range before {
			if l.Event == "" && l.Cmd == cmd {
				return i
			}
		}
		return -1
	}
	for _, d := range diffs {
		if !d.Added {
			continue
		}
		found := false
		for _, l := range log {
			found = found || l.Event == "" && l.Cmd == d.Cmd && (d.Ours == nil || bytes.Equal(l.Args, d.Ours))
		}
		if !found {
			t.Errorf("%s: the driver's own 0x%02X % X (%s) is not in the stream", name, d.Cmd, d.Ours, d.Why)
		}
	}
	count := map[byte]int{}
	for _, r := range ref.Regs {
		count[r.Cmd]++
	}
	next := 0 // for commands the vendor sends more than once: where to look on
	for _, r := range ref.Regs {
		want, why := r.Data, ""
		for _, d := range diffs {
			if d.Cmd == r.Cmd && !d.Added {
				want, why = d.Ours, d.Why
				if d.Ours == nil {
					if l, ok := last(r.Cmd); ok {
						t.Errorf("%s: sends %v, which it leaves out on purpose (%s)", name, l, d.Why)
					}
				}
			}
		}
		if why != "" && want == nil {
			continue
		}
		if count[r.Cmd] > 1 {
			// An action sent several times (an update sequence): each
			// value in turn.
			i := next
			for ; i < len(before); i++ {
				if before[i].Event == "" && before[i].Cmd == r.Cmd && (want == nil || bytes.Equal(before[i].Args, want)) {
					break
				}
			}
			if i == len(before) {
				t.Errorf("%s: no 0x%02X % X after entry %d before the refresh (%s); stream: %s", name, r.Cmd, want, next, ref.Source, short(before))
				continue
			}
			next = i + 1
			continue
		}
		l, ok := last(r.Cmd)
		switch {
		case !ok:
			t.Errorf("%s: 0x%02X (vendor: % X) is not sent before the refresh (%s)", name, r.Cmd, r.Data, ref.Source)
		case want != nil && !bytes.Equal(l.Args, want):
			if why == "" {
				why = ref.Source
			}
			t.Errorf("%s: 0x%02X is % X, want % X (%s)", name, r.Cmd, l.Args, want, why)
		}
	}
	for _, o := range ref.Order {
		a, b := first(o[0]), first(o[1])
		if a < 0 || b < 0 || a > b {
			t.Errorf("%s: 0x%02X must come before 0x%02X (%s); stream: %s", name, o[0], o[1], ref.Source, short(before))
		}
	}
}

// Refresh runs a refresh of kind k over the whole panel on d, after a
// full refresh (for a partial one), and returns what the emulator
// recorded of it alone.
func Refresh(t testing.TB, e *epdemu.Emu, d *epd.Dev, k epd.Refresh) []epdemu.Entry {
	t.Helper()
	img := epdtest.Pattern(d.Bounds(), 1)
	if k == epd.Partial {
		if err := d.Full(epdtest.Solid(d.Bounds(), true)); err != nil {
			t.Fatal(err)
		}
	}
	e.ClearLog()
	var err error
	switch k {
	case epd.Full:
		err = d.Full(img)
	case epd.Fast:
		err = d.Fast(img)
	case epd.Partial:
		err = d.Partial(img, d.Bounds())
	}
	if err != nil {
		t.Fatal(err)
	}
	NoErrors(t, e)
	return e.Log()
}

// PartialLog is the log of a partial refresh of r (a pattern over white),
// after a full refresh, as strings.
func PartialLog(t testing.TB, e *epdemu.Emu, d *epd.Dev, r image.Rectangle) []string {
	t.Helper()
	if err := d.Full(epdtest.Solid(d.Bounds(), true)); err != nil {
		t.Fatal(err)
	}
	Log(e)
	if err := d.Partial(epdtest.Pattern(d.Bounds(), 1), r); err != nil {
		t.Fatal(err)
	}
	NoErrors(t, e)
	return Log(e)
}

// short formats a log with long arguments cut.
func short(log []epdemu.Entry) string {
	var s []string
	for _, l := range log {
		x := l.String()
		if len(x) > 20 {
			x = x[:20] + "…"
		}
		s = append(s, x)
	}
	return fmt.Sprintf("%q", strings.Join(s, ", "))
}

// Hex parses bytes written as hex pairs separated by spaces ("0a 00 22"),
// as datasheets and vendor listings give register values; it panics on
// a malformed one (test data).
func Hex(s string) []byte {
	var b []byte
	for _, f := range strings.Fields(s) {
		var v byte
		if _, err := fmt.Sscanf(f, "%02x", &v); err != nil || len(f) != 2 {
			panic(fmt.Sprintf("epdemutest: bad hex byte %q", f))
		}
		b = append(b, v)
	}
	return b
}

// CheckModels runs a full and a partial refresh of each of models with
// the driver open makes, and checks each against refs[model][kind]
// with diffs[model][kind] (logged, with their reasons, under -v).
func CheckModels(t *testing.T, open Open, models []epd.Model, refs map[string]map[epd.Refresh]Reference, diffs map[string]map[epd.Refresh][]Difference) {
	t.Helper()
	for _, m := range models {
		for _, k := range []epd.Refresh{epd.Full, epd.Partial} {
			ref, ok := refs[m.Name][k]
			if !ok {
				t.Errorf("%s: no reference sequence for a %v refresh", m.Name, k)
				continue
			}
			e, d := Fixture(t, open, m, nil, nil)
			name := m.Name + " " + k.String()
			Check(t, name, Refresh(t, e, d, k), ref, diffs[m.Name][k])
			for _, diff := range diffs[m.Name][k] {
				t.Logf("%s: 0x%02X % X: %s", name, diff.Cmd, diff.Ours, diff.Why)
			}
		}
	}
}
