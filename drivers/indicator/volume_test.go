package indicator

import (
	"strings"
	"testing"
	"time"
)

func TestParseVolume(t *testing.T) {
	v, err := ParseVolume([]string{"22:00-07:00 0%", "07:00-09:00 30%", "12:00-14:00 100%", "08:00-08:30 5%"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v.String(), "22:00-07:00 0%, 07:00-09:00 30%, 12:00-14:00 100%, 08:00-08:30 5%"; got != want {
		t.Errorf("String: got %q, want %q", got, want)
	}
	at := func(h, m int) time.Time { return time.Date(2026, 11, 23, h, m, 0, 0, time.UTC) }
	hkt := time.FixedZone("HKT", 8*3600)
	for _, tc := range []struct {
		t    time.Time
		want int
	}{
		{at(21, 59), 100}, {at(22, 0), 0}, {at(3, 0), 0}, {at(6, 59), 0},
		{at(7, 0), 30}, {at(8, 15), 30}, // the first listed span wins
		{at(9, 0), 100}, {at(13, 0), 100},
		{at(15, 0).In(hkt), 0}, // 23:00 in Hong Kong
	} {
		t.Run(tc.t.Format("15:04"), func(t *testing.T) {
			if got := v.At(tc.t); got != tc.want {
				t.Errorf("At(%v): got %d%%, want %d%%", tc.t, got, tc.want)
			}
		})
	}
	if z, err := ParseVolume(nil); err != nil || !z.IsZero() || z.At(at(3, 0)) != 100 {
		t.Errorf("no entries: got %v, %v", z, err)
	}
	for _, bad := range [][]string{
		{"22:00-07:00"}, {"22:00-07:00 0"}, {"22:00-07:00 101%"}, {"22:00-07:00 -1%"}, {"22:00-07:00 +5%"},
		{"22:00-22:00 0%"}, {"25:00-07:00 0%"}, {"22:00-07:00  0%"}, {"22:00-07:00 1000%"}, {""},
		{"quiet at night"}, {strings.Repeat("9", 500) + " 0%"},
		{"01:00-02:00 1%", "01:00-02:00 1%", "01:00-02:00 1%", "01:00-02:00 1%", "01:00-02:00 1%", "01:00-02:00 1%", "01:00-02:00 1%", "01:00-02:00 1%", "01:00-02:00 1%"},
	} {
		if _, err := ParseVolume(bad); err == nil {
			t.Errorf("%q: want an error", bad)
		} else if len(err.Error()) > 160 {
			t.Errorf("%q: error not bounded: %d bytes", bad, len(err.Error()))
		}
	}
}

// TestVolume plays green at several levels on each buzzer kind.
func TestVolume(t *testing.T) {
	v, err := ParseVolume([]string{"22:00-07:00 0%", "07:00-09:00 30%"})
	if err != nil {
		t.Fatal(err)
	}
	now := func(h int) func() time.Time {
		return func() time.Time { return time.Date(2026, 11, 23, h, 0, 0, 0, time.UTC) }
	}
	for _, tc := range []struct {
		name  string
		opts  Opts
		muted bool
		want  []string
	}{
		{"passive at 30%", Opts{Volume: v, Now: now(8), Buzzer: PassiveBuzzer}, false,
			[]string{"0s green High", "0s buzzer PWM 15% 2.700kHz", "250ms buzzer Low", "3s green Low"}},
		{"passive at 100%", Opts{Volume: v, Now: now(12), Buzzer: PassiveBuzzer}, false,
			[]string{"0s green High", "0s buzzer PWM 50% 2.700kHz", "250ms buzzer Low", "3s green Low"}},
		{"passive muted", Opts{Volume: v, Now: now(23), Buzzer: PassiveBuzzer}, true,
			[]string{"0s green High", "3s green Low"}},
		{"active at 30% sounds", Opts{Volume: v, Now: now(8)}, false,
			[]string{"0s green High", "0s buzzer High", "250ms buzzer Low", "3s green Low"}},
		{"active muted", Opts{Volume: v, Now: now(3)}, true,
			[]string{"0s green High", "3s green Low"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.opts, nil)
			h.show(Green)
			d := h.awaitArmed()
			if got := h.dev.State().Muted; got != tc.muted {
				t.Errorf("State().Muted: got %v, want %v", got, tc.muted)
			}
			h.clk.Advance(d)
			h.settle()
			diff(t, "timeline", h.tl.take(), tc.want)
		})
	}
}
