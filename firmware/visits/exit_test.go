package visits

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// leave records an exit scan of pass n at at and writes it.
func (f *fixture) leave(t testing.TB, n int, at time.Time) {
	t.Helper()
	r := result(passID(n), at, verify.Green)
	r.Exit = true
	f.log.Scanned(r)
	f.log.flush(context.Background())
}

// noticed reports whether pass n, scanned (for entry) at at, gets the
// personal notice.
func (f *fixture) noticed(n int, at time.Time) bool {
	r := result(passID(n), at, verify.Green)
	f.log.Annotate(&r)
	return r.Notice != nil
}

// TestExitScans on a fake clock: an exit scan makes the stay end when
// the holder left, not after the assumed 2 hours. The window is
// [12:00, 14:00) five days before t0.
func TestExitScans(t *testing.T) {
	day0 := t0.Truncate(day).Add(-5 * day)
	at := func(hhmm string) time.Time {
		d, err := time.ParseDuration(hhmm)
		if err != nil {
			t.Fatal(err)
		}
		return day0.Add(d)
	}
	start, end := at("12h"), at("14h")
	f := newFixture(t, "V1")
	f.exposures(t, store.Exposure{Venue: "V1", Start: start, End: end, NoticeUntil: t0.Add(9 * day)})
	for _, tc := range []struct {
		name    string
		in, out string // check-in and exit scan, "" for none
		want    bool
	}{
		{"09:00 without an exit: over by 11:01", "9h", "", false},
		{"09:00, left inside the window", "9h", "12h30m", true},
		{"11:00 without an exit: into the window", "11h", "", true},
		{"11:00, left before the window", "11h", "11h30m", false},
		{"11:00, left as the window started: touching", "11h", "12h", false},
		{"11:00, left a second into it", "11h", "12h0m1s", true},
		{"13:00, left after the window", "13h", "15h", true},
		{"14:00, as the window ended", "14h", "16h", false},
		{"left twice: the later counts", "9h", "10h,12h30m", true},
		{"left twice: an earlier second scan does not shorten it", "11h", "11h20m,11h10m", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.visit(t, 1, at(tc.in))
			if tc.out != "" {
				for _, o := range splitComma(tc.out) {
					f.leave(t, 1, at(o))
				}
			}
			if got := f.noticed(1, t0); got != tc.want {
				t.Errorf("notice %v, want %v", got, tc.want)
			}
			// The next case starts afresh.
			if _, err := f.st.ExpireVisits(context.Background(), t0.Add(time.Hour), time.Time{}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func splitComma(s string) []string {
	var out []string
	for s != "" {
		i := 0
		for i < len(s) && s[i] != ',' {
			i++
		}
		out = append(out, s[:i])
		if i < len(s) {
			i++
		}
		s = s[i:]
	}
	return out
}

// TestCheckOutWithoutCheckIn: an exit scan closes only a check-in of the
// same day (in the kiosk's time zone) at this kiosk; otherwise it is
// ignored — counted, never recorded.
func TestCheckOutWithoutCheckIn(t *testing.T) {
	hk := time.FixedZone("HKT", 8*3600)
	f := newFixture(t, "V1")
	f.log.opts.Location = hk
	day0 := time.Date(2026, 10, 30, 0, 0, 0, 0, hk)
	f.visit(t, 1, day0.Add(-30*time.Minute)) // 23:30 the day before (15:30Z)
	f.leave(t, 1, day0.Add(30*time.Minute))  // 00:30 (16:30Z: the same UTC day)
	f.leave(t, 2, day0.Add(10*time.Hour))    // never checked in
	f.visit(t, 3, day0.Add(11*time.Hour))    // 11:00 …
	f.leave(t, 3, day0.Add(10*time.Hour))    // … an exit scan before it
	f.visit(t, 4, day0.Add(9*time.Hour))     // 09:00, left 17:00
	f.leave(t, 4, day0.Add(17*time.Hour))
	st, err := f.log.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Logged != 3 || st.CheckedOut != 1 || st.Exits != 1 || st.ExitsIgnored != 3 || st.Recorded != 3 {
		t.Errorf("stats %+v: want 3 visits, 1 checked out, 3 exits ignored, no row added", st)
	}
	for _, tc := range []struct {
		pass int
		want []store.Stay
	}{
		{1, []store.Stay{{In: day0.Add(-30 * time.Minute).UTC()}}},
		{2, nil},
		{3, []store.Stay{{In: day0.Add(11 * time.Hour).UTC()}}},
		{4, []store.Stay{{In: day0.Add(9 * time.Hour).UTC(), Out: day0.Add(17 * time.Hour).UTC()}}},
	} {
		t.Run(fmt.Sprintf("pass %d", tc.pass), func(t *testing.T) {
			got, err := f.st.Stays(f.key.Hash(passID(tc.pass)), day0.Add(-day), day0.Add(day))
			if err != nil || len(got) != len(tc.want) || (len(got) == 1 && got[0] != tc.want[0]) {
				t.Errorf("pass %d: got %v, %v; want %v", tc.pass, got, err, tc.want)
			}
		})
	}
}

// TestExitScanMatchesItsOwnStay: the exit scan itself gets the personal
// notice when the stay it closes overlapped a window, though the stay
// without it (the assumed 2 hours) did not.
func TestExitScanMatchesItsOwnStay(t *testing.T) {
	f := newFixture(t, "V1")
	day0 := t0.Truncate(day).Add(-day)
	f.exposures(t, store.Exposure{Venue: "V1", Start: day0.Add(12 * time.Hour), End: day0.Add(14 * time.Hour), NoticeUntil: t0.Add(day)})
	f.visit(t, 1, day0.Add(9*time.Hour))
	out := day0.Add(15 * time.Hour)
	if f.noticed(1, out) {
		t.Fatal("an entry scan at 15:00 matched the 09:00 check-in's assumed stay")
	}
	r := result(passID(1), out, verify.Amber)
	r.Exit = true
	f.log.Annotate(&r)
	if r.Notice == nil {
		t.Error("the exit scan closing a 09:00–15:00 stay got no notice for a 12:00–14:00 window")
	}
	if r.VenueNotice == nil || r.Verdict.Status != verify.Amber {
		t.Errorf("venue notice %v, verdict %v: want the venue's notice and the verdict unchanged", r.VenueNotice, r.Verdict.Status)
	}
	// A pass leaving that checked in on another day: its own stay only.
	f.visit(t, 2, day0.Add(-day+9*time.Hour))
	r = result(passID(2), out, verify.Green)
	r.Exit = true
	if f.log.Annotate(&r); r.Notice != nil {
		t.Error("an exit scan closed yesterday's stay in the match")
	}
}

// TestVenueNoticeForEveryone: while the venue's notice runs, every pass
// scanned gets it — matched or not, red, unauthenticated, entering or
// leaving — and none gets it once it ends, on an untrusted clock or as a
// staff action.
func TestVenueNoticeForEveryone(t *testing.T) {
	f := newFixture(t, "V1")
	start, end, until := t0.Add(-3*day), t0.Add(-3*day+time.Hour), t0.Add(11*day)
	f.exposures(t, store.Exposure{Venue: "V1", Start: start, End: end, NoticeUntil: until})
	base := result(passID(1), t0, verify.Green)
	for _, tc := range []struct {
		name string
		mod  func(r *scan.Result)
		want bool
	}{
		{"a pass never seen", func(r *scan.Result) {}, true},
		{"a red pass", func(r *scan.Result) { r.Verdict = &verify.Verdict{Status: verify.Red, PassID: passID(2)} }, true},
		{"a pass that did not authenticate", func(r *scan.Result) { r.Verdict = &verify.Verdict{Status: verify.Red} }, true},
		{"leaving", func(r *scan.Result) { r.Exit = true }, true},
		{"after the notice", func(r *scan.Result) { r.At = until }, false},
		{"before the window", func(r *scan.Result) { r.At = start.Add(-time.Minute) }, false},
		{"untrusted time", func(r *scan.Result) { r.Trusted = false }, false},
		{"a staff action", func(r *scan.Result) { r.Staff = true }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := base
			r.Verdict = &verify.Verdict{Status: verify.Green, PassID: passID(1)}
			tc.mod(&r)
			f.log.Annotate(&r)
			if got := r.VenueNotice != nil; got != tc.want {
				t.Errorf("%s: venue notice %v, want %v", tc.name, r.VenueNotice, tc.want)
			}
			if r.VenueNotice != nil && (!r.VenueNotice.Start.Equal(start) || !r.VenueNotice.End.Equal(end)) {
				t.Errorf("%s: venue notice %+v, want the window", tc.name, r.VenueNotice)
			}
			if r.Notice != nil {
				t.Errorf("%s: a personal notice for a pass that never visited", tc.name)
			}
		})
	}
}
