package daemon

import (
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/drivers/indicator"
	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

var venueWindow = &scan.Notice{Start: time.Unix(1e9, 0), End: time.Unix(1e9+3600, 0)}

// TestLightsExitAndVenueNotice: a pass leaving gets Goodbye whatever its
// verdict (and while entry is open); the venue's notice follows every
// signal unless the holder's own notice does; neither follows a staff
// action.
func TestLightsExitAndVenueNotice(t *testing.T) {
	prof, _ := indicator.ProfileByName(indicator.ProfileDefault)
	for _, tc := range []struct {
		name      string
		r         scan.Result
		want      []indicator.Signal
		afterWait indicator.Signal // the signal whose pattern the second waits for
	}{
		{"expired pass leaving", func() scan.Result { r := res(verify.Red, false); r.Exit = true; return r }(),
			[]indicator.Signal{indicator.Goodbye}, 0},
		{"leaving while entry is open", func() scan.Result { r := res(verify.Green, false); r.Exit, r.Open = true, true; return r }(),
			[]indicator.Signal{indicator.Goodbye}, 0},
		{"leaving, with the venue's notice", func() scan.Result {
			r := res(verify.Red, false)
			r.Exit, r.VenueNotice = true, venueWindow
			return r
		}(), []indicator.Signal{indicator.Goodbye, indicator.VenueNotice}, indicator.Goodbye},
		{"leaving, with the holder's notice", func() scan.Result {
			r := res(verify.Green, true)
			r.Exit, r.VenueNotice = true, venueWindow
			return r
		}(), []indicator.Signal{indicator.Goodbye, indicator.Notice}, indicator.Goodbye},
		{"green with the venue's notice", func() scan.Result { r := res(verify.Green, false); r.VenueNotice = venueWindow; return r }(),
			[]indicator.Signal{indicator.Green, indicator.VenueNotice}, indicator.Green},
		{"red with the venue's notice", func() scan.Result { r := res(verify.Red, false); r.VenueNotice = venueWindow; return r }(),
			[]indicator.Signal{indicator.Red, indicator.VenueNotice}, indicator.Red},
		{"the holder's notice wins", func() scan.Result { r := res(verify.Amber, true); r.VenueNotice = venueWindow; return r }(),
			[]indicator.Signal{indicator.Amber, indicator.Notice}, indicator.Amber},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, rec, m := newTestLights(t)
			l.Scanned(tc.r)
			m.fire()
			if got := rec.Shown(); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if tc.afterWait != 0 {
				if want := []time.Duration{prof.Patterns[tc.afterWait].Duration()}; !slices.Equal(m.delays, want) {
					t.Errorf("the second signal waits %v, want %v", m.delays, want)
				}
			}
		})
	}
	l, rec, m := newTestLights(t)
	l.DoorChanged(scan.DoorEvent{Kind: scan.ExitArmed})
	m.fire()
	if got := rec.Shown(); !slices.Equal(got, []indicator.Signal{indicator.Info}) {
		t.Errorf("exit button: got %v, want the Info tick", got)
	}
}

// TestScreenGoodbye: a pass leaving shows the goodbye status — no
// verdict, no holder — with the holder's own notice when there is one;
// the exit button asks for the pass.
func TestScreenGoodbye(t *testing.T) {
	rec := &statusRecorder{}
	s := &screenSink{scr: rec, mode: layout.HolderName}
	r := res(verify.Red, true)
	r.Verdict.Holder = pass.Holder{Name: "MUSTER, Erika", DOB: "1964-08-12"}
	r.Exit = true
	s.Scanned(r)
	st := rec.got[len(rec.got)-1]
	if st.Symbol != layout.Leave || st.Headline != i18n.ExitGoodbye || st.Verdict || st.Name != "" || st.Initials != "" || st.Year != "" || st.Reason != "" {
		t.Errorf("goodbye: got %+v", st)
	}
	if !st.Exposure.Start.Equal(r.Notice.Start) {
		t.Errorf("goodbye without the holder's notice: %+v", st.Exposure)
	}
	s.DoorChanged(scan.DoorEvent{Kind: scan.ExitArmed, Until: time.Unix(1e9, 0)})
	if st := rec.got[len(rec.got)-1]; st.Symbol != layout.Leave || st.Headline != i18n.ExitArmed {
		t.Errorf("exit button: got %+v", st)
	}
}

// TestCountersLeaveExitsOut: a pass leaving is no entry, green or red.
func TestCountersLeaveExitsOut(t *testing.T) {
	c := newCounters(nil, time.UTC, slog.Default())
	r := res(verify.Red, false)
	r.At, r.Exit = time.Unix(2e9, 0), true
	c.Scanned(r)
	r.Exit = false
	c.Scanned(r)
	c.mu.Lock()
	defer c.mu.Unlock()
	var total int64
	for _, n := range c.pending {
		total += n.Red + n.Green + n.Amber + n.Entries
	}
	if total != 1 {
		t.Errorf("counted %d, want the entry scan only", total)
	}
}
