package visits

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

var t0 = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

// fakeTime is a settable trusted clock.
type fakeTime struct {
	mu      sync.Mutex
	t       time.Time
	trusted bool
}

func (f *fakeTime) Judge() (time.Time, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t, f.trusted
}

func (f *fakeTime) Set(t time.Time) {
	f.mu.Lock()
	f.t = t
	f.mu.Unlock()
}

type fixture struct {
	st   *store.Store
	path string
	key  *Key
	clk  *fakeTime
	log  *Log
}

func newFixture(t testing.TB, venue string) *fixture {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.db")
	st, err := store.Open(context.Background(), path, &store.Opts{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key, err := CreateKey(filepath.Join(dir, KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	clk := &fakeTime{t: t0, trusted: true}
	l, err := New(Opts{Store: st, Key: key, Venue: venue, Time: clk, Location: time.UTC, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{st: st, path: path, key: key, clk: clk, log: l}
}

// passID returns the ID of the n-th test pass.
func passID(n int) pass.ID { return pass.NewID("dcc", fmt.Sprintf("URN:UVCI:01:XA:VISIT%06d", n)) }

func result(id pass.ID, at time.Time, s verify.Status) scan.Result {
	return scan.Result{Verdict: &verify.Verdict{Status: s, PassID: id}, At: at, Trusted: true, Source: scan.Serial}
}

// visit records a scan of pass n at at and writes it.
func (f *fixture) visit(t testing.TB, n int, at time.Time) {
	t.Helper()
	f.log.Scanned(result(passID(n), at, verify.Green))
	f.log.flush(context.Background())
}

func (f *fixture) count(t testing.TB) int64 {
	t.Helper()
	st, err := f.st.VisitStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Visits
}

func TestRecordOnlyWhatIdentifiesAPass(t *testing.T) {
	f := newFixture(t, "V1")
	id := passID(1)
	for _, tc := range []struct {
		name string
		r    scan.Result
		want int64
	}{
		{"authenticated pass", result(id, t0, verify.Green), 1},
		{"red pass", result(passID(2), t0, verify.Red), 1},
		{"no pass ID (never authenticated)", result(pass.ID{}, t0, verify.Red), 0},
		{"repeat within the window", func() scan.Result { r := result(id, t0, verify.Green); r.Repeat = true; return r }(), 0},
		{"untrusted time", func() scan.Result { r := result(id, t0, verify.Green); r.Trusted = false; return r }(), 0},
		{"staff code", func() scan.Result { r := result(id, t0, verify.Green); r.Staff = true; return r }(), 0},
		{"no verdict", scan.Result{At: t0, Trusted: true}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.count(t)
			f.log.Scanned(tc.r)
			f.log.flush(context.Background())
			if got := f.count(t) - before; got != tc.want {
				t.Errorf("recorded %d visits, want %d", got, tc.want)
			}
		})
	}
	st, err := f.log.Stats(context.Background())
	if err != nil || st.Recorded != 2 || st.Logged != 2 {
		t.Errorf("stats: got %+v, %v", st, err)
	}
	// The store holds the keyed hash, never the pass ID, in any form.
	f.st.Close()
	for _, p := range []string{f.path, f.path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, needle := range [][]byte{id[:], []byte(hex.EncodeToString(id[:]))} {
			if bytes.Contains(b, needle) {
				t.Errorf("%s holds the pass ID", filepath.Base(p))
			}
		}
	}
}

func TestQueueBounded(t *testing.T) {
	f := newFixture(t, "")
	f.log.opts.QueueLen = 3
	for i := range 5 {
		f.log.Scanned(result(passID(i), t0, verify.Green))
	}
	f.log.flush(context.Background())
	st, _ := f.log.Stats(context.Background())
	if st.Logged != 3 || st.Dropped != 2 {
		t.Errorf("got %d logged, %d dropped; want 3 and 2", st.Logged, st.Dropped)
	}
}

// TestRetention is the retention test on a fake clock: visits of day 30
// stay, those of day 32 go — with their check-outs, every other one closed
// by an exit scan — and the database file shrinks.
func TestRetention(t *testing.T) {
	f := newFixture(t, "V1")
	const n = 2000
	var old, recent []store.Visit
	for i := range n {
		old = append(old, store.Visit{Hash: f.key.Hash(passID(i)), At: t0.Add(time.Duration(i) * time.Second)})
		recent = append(recent, store.Visit{Hash: f.key.Hash(passID(n + i)), At: t0.Add(2*day + time.Duration(i)*time.Second)})
	}
	for _, vs := range [][]store.Visit{old, recent} {
		if err := f.st.AddVisits(context.Background(), vs); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i < n; i += 2 {
		for _, p := range []int{i, n + i} {
			r := result(passID(p), t0.Add(time.Duration(i)*time.Second+40*time.Minute), verify.Green)
			if p >= n {
				r.At = r.At.Add(2 * day)
			}
			r.Exit = true
			f.log.Scanned(r)
		}
	}
	ctx := context.Background()
	f.log.flush(ctx)
	if st, err := f.log.Stats(ctx); err != nil || st.Logged != 2*n || st.CheckedOut != n {
		t.Fatalf("before retention: %+v, %v; want %d visits, %d checked out", st, err, 2*n, n)
	}

	// Day 31 for the old visits (a second short of the retention): kept.
	f.clk.Set(t0.Add(31 * day))
	if e, err := f.log.Expire(ctx); err != nil || e.Deleted != 0 {
		t.Fatalf("at day 31: got %+v, %v; want nothing erased", e, err)
	}
	// Untrusted time: nothing happens, whatever the clock says.
	f.clk.mu.Lock()
	f.clk.trusted, f.clk.t = false, t0.Add(400*day)
	f.clk.mu.Unlock()
	if _, err := f.log.Expire(ctx); err != nil || f.count(t) != 2*n {
		t.Fatalf("untrusted time: %v, %d visits left; want all %d", err, f.count(t), 2*n)
	}
	f.clk.mu.Lock()
	f.clk.trusted = true
	f.clk.mu.Unlock()

	// Day 32 for the old, day 30 for the recent.
	f.clk.Set(t0.Add(32*day + n*time.Second))
	e, err := f.log.Expire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if e.Deleted != n || e.Retention != 31*day {
		t.Errorf("erased %d with retention %v; want %d, 31 days", e.Deleted, e.Retention, n)
	}
	if e.SizeAfter >= e.SizeBefore {
		t.Errorf("database file: %d bytes before, %d after; want it smaller", e.SizeBefore, e.SizeAfter)
	}
	for _, tc := range []struct {
		name string
		v    store.Visit
		want int
	}{{"day 32", old[n/2], 0}, {"day 32, checked out", old[n/2+1], 0}, {"day 30", recent[n/2], 1}, {"day 30, checked out", recent[n/2+1], 1}} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.st.Stays(tc.v.Hash, t0.Add(-day), t0.Add(40*day))
			if err != nil || len(got) != tc.want {
				t.Errorf("%s: got %d visits, %v; want %d", tc.name, len(got), err, tc.want)
			}
		})
	}
	if st, _ := f.log.Stats(ctx); st.Last == nil || st.Last.Deleted != n || st.Logged != n || st.CheckedOut != n/2 {
		t.Errorf("stats after retention: %+v", st)
	}
}

func TestRetentionFollowsPolicy(t *testing.T) {
	f := newFixture(t, "")
	f.log.opts.Retention = func() time.Duration { return 7 * day }
	f.visit(t, 1, t0)
	f.visit(t, 2, t0.Add(2*day))
	f.visit(t, 3, t0.Add(30*day)) // a clock error: far in the future
	f.clk.Set(t0.Add(8 * day))
	if e, err := f.log.Expire(context.Background()); err != nil || e.Deleted != 2 {
		t.Errorf("got %+v, %v; want the 8-day-old and the future visit erased", e, err)
	}
	if got := f.count(t); got != 1 {
		t.Errorf("%d visits left, want 1", got)
	}
}

func TestRunExpiresAtStartAndWritesOnStop(t *testing.T) {
	f := newFixture(t, "")
	f.visit(t, 1, t0.Add(-40*day))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.log.Run(ctx); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for f.log.lastExp.Load() == nil && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := f.count(t); got != 0 {
		t.Errorf("a 40-day-old visit survived the start: %d left", got)
	}
	f.log.Scanned(result(passID(2), t0, verify.Green))
	cancel()
	<-done
	if got := f.count(t); got != 1 {
		t.Errorf("after stop: %d visits, want the pending one written", got)
	}
}

// exposures replaces the store's exposure data and rereads it.
func (f *fixture) exposures(t testing.TB, ex ...store.Exposure) {
	t.Helper()
	if err := f.st.Apply(context.Background(), func(tx *store.Tx) error { return tx.ReplaceExposures(ex) }); err != nil {
		t.Fatal(err)
	}
	if err := f.log.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestVenueNotice(t *testing.T) {
	f := newFixture(t, "V1")
	start, end, until := t0.Add(-3*day), t0.Add(-3*day+2*time.Hour), t0.Add(11*day)
	f.exposures(t,
		store.Exposure{Venue: "V2", Start: t0.Add(-day), End: t0.Add(-day + time.Hour), NoticeUntil: t0.Add(20 * day)},
		store.Exposure{Venue: "V1", Start: start, End: end, NoticeUntil: until},
	)
	for _, tc := range []struct {
		name string
		at   time.Time
		want bool
	}{
		{"before the window", start.Add(-time.Minute), false},
		{"during the window", start.Add(time.Hour), true},
		{"after the window", t0, true},
		{"last second of the notice", until.Add(-time.Second), true},
		{"notice ended", until, false},
		{"long after", until.Add(30 * day), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, ok := f.log.VenueNotice(tc.at)
			if ok != tc.want || (ok && (e.Venue != "V1" || !e.Start.Equal(start))) {
				t.Errorf("%s: got %+v, %v; want %v (this venue's only)", tc.name, e, ok, tc.want)
			}
		})
	}
	// A kiosk of another venue, or of none, shows no V1 notice.
	for _, venue := range []string{"V3", ""} {
		g := newFixture(t, venue)
		g.exposures(t, store.Exposure{Venue: "V1", Start: start, End: end, NoticeUntil: until})
		if _, ok := g.log.VenueNotice(t0); ok {
			t.Errorf("venue %q shows V1's notice", venue)
		}
	}
}

// TestExposureMatch: a pass whose stay overlapped an exposure window and
// is scanned again gets the notice; stays outside it, other passes, other
// venues' windows and scans after the notice period do not. Without a
// check-out a stay lasts the assumed 2 hours (the default policy's),
// counted from the end of the check-in's minute.
func TestExposureMatch(t *testing.T) {
	f := newFixture(t, "V1")
	start, end := t0.Add(-5*day), t0.Add(-5*day+2*time.Hour)
	until := t0.Add(9 * day)
	f.exposures(t,
		store.Exposure{Venue: "V1", Start: start, End: end, NoticeUntil: until},
		store.Exposure{Venue: "V2", Start: t0.Add(-4 * day), End: t0.Add(-4*day + time.Hour), NoticeUntil: until},
	)
	const m = time.Minute
	f.visit(t, 1, start.Add(30*m))                        // during the window
	f.visit(t, 2, start.Add(-30*m))                       // 30 min before: its 2 h reach into the window
	f.visit(t, 3, start.Add(-3*time.Hour))                // 3 h before: over before the window
	f.visit(t, 4, start.Add(-2*time.Hour))                // the minute 2 h before: may have lasted into it
	f.visit(t, 5, start.Add(-2*time.Hour-m))              // the minute before that: ends as the window starts
	f.visit(t, 6, start.Add(-2*time.Hour-30*time.Second)) // … whatever its second
	f.visit(t, 7, end)                                    // as the window ends: exclusive
	f.visit(t, 8, end.Add(-time.Second))                  // in its last minute
	f.visit(t, 9, t0.Add(-4*day+10*m))                    // during V2's window only
	f.visit(t, 10, start.Add(-day))                       // a day earlier
	f.visit(t, 10, start.Add(time.Hour+5*m))              // … and during the window
	f.visit(t, 11, start.Add(time.Hour))                  // during, then scanned after the notice
	for _, tc := range []struct {
		name string
		pass int
		at   time.Time
		want bool
	}{
		{"stayed during the window, back today", 1, t0, true},
		{"checked in 30 min before a 2 h window", 2, t0, true},
		{"checked in 3 h before", 3, t0, false},
		{"checked in exactly the assumed stay before", 4, t0, true},
		{"checked in a minute earlier still: touching", 5, t0, false},
		{"checked in within that minute", 6, t0, false},
		{"checked in as the window ended", 7, t0, false},
		{"checked in during its last second", 8, t0, true},
		{"stayed during another venue's window", 9, t0, false},
		{"two visits, one during", 10, t0, true},
		{"never visited", 99, t0, false},
		{"back after the notice ended", 11, until, false},
		{"back on the notice's last second", 11, until.Add(-time.Second), true},
		{"back during the window itself", 1, start.Add(time.Hour), true},
		{"scanned before its own visit", 1, start.Add(10 * m), false},
		{"back within the same minute", 1, start.Add(30*m + 30*time.Second), true},
		{"a minute before the visit", 1, start.Add(29*m + 59*time.Second), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, s := range []verify.Status{verify.Green, verify.Amber, verify.Red} {
				r := result(passID(tc.pass), tc.at, s)
				f.log.Annotate(&r)
				if got := r.Notice != nil; got != tc.want {
					t.Fatalf("%v: notice %v, want %v", s, r.Notice, tc.want)
				}
				if r.Verdict.Status != s || len(r.Verdict.Reasons) != 0 {
					t.Errorf("the verdict changed: %+v", r.Verdict)
				}
				if r.Notice != nil && (!r.Notice.Start.Equal(start) || !r.Notice.End.Equal(end)) {
					t.Errorf("notice %+v, want the window %v–%v", r.Notice, start, end)
				}
			}
		})
	}
	// Untrusted time: no match (the window cannot be judged).
	r := result(passID(1), t0, verify.Green)
	r.Trusted = false
	f.log.Annotate(&r)
	if r.Notice != nil {
		t.Error("matched on an untrusted clock")
	}
	st, err := f.log.Stats(context.Background())
	if err != nil || st.Exposed != 6 || st.Notices == 0 {
		// Visits 1, 2, 4, 8, 10 (second) and 11 overlap V1's window (9,
		// in V2's, is not this venue's).
		t.Errorf("stats: got %+v, %v; want 6 exposed visits and notices counted", st, err)
	}
}

// TestAssumedStayOverrides: the policy's assumed stay for the venue's
// category sets how long a stay without a check-out lasts, and an
// exposure's own assumed stay overrides it for that window.
func TestAssumedStayOverrides(t *testing.T) {
	const m = time.Minute
	start := t0.Add(-2 * day)
	for _, tc := range []struct {
		name     string
		category time.Duration // the policy's assumed stay for the venue
		exposure time.Duration // the exposure's own; 0: none
		before   time.Duration // check-in this long before the window
		want     bool
	}{
		{"restaurant (2 h), 90 min before", 2 * time.Hour, 0, 90 * m, true},
		{"market (1 h), 90 min before", time.Hour, 0, 90 * m, false},
		{"market (1 h), 45 min before", time.Hour, 0, 45 * m, true},
		{"market (1 h), exactly 1 h before", time.Hour, 0, time.Hour, true},
		{"market (1 h), 61 min before", time.Hour, 0, 61 * m, false},
		{"exposure says 3 h over the market's 1 h", time.Hour, 3 * time.Hour, 150 * m, true},
		{"exposure says 15 min over the restaurant's 2 h", 2 * time.Hour, 15 * m, 30 * m, false},
		{"exposure says 15 min, 10 min before", 2 * time.Hour, 15 * m, 10 * m, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, "V1")
			f.log.opts.AssumedStay = func() time.Duration { return tc.category }
			f.exposures(t, store.Exposure{Venue: "V1", Start: start, End: start.Add(time.Hour), NoticeUntil: t0.Add(day), AssumedStay: tc.exposure})
			f.visit(t, 1, start.Add(-tc.before))
			r := result(passID(1), t0, verify.Green)
			f.log.Annotate(&r)
			if got := r.Notice != nil; got != tc.want {
				t.Errorf("notice %v, want %v", r.Notice, tc.want)
			}
			// The technician's count agrees with the match.
			if st, err := f.log.Stats(context.Background()); err != nil || (st.Exposed == 1) != tc.want {
				t.Errorf("stats: %+v, %v; want exposed %v", st, err, tc.want)
			}
		})
	}
}

func TestExposureMatchLatestWindow(t *testing.T) {
	f := newFixture(t, "V1")
	a := store.Exposure{Venue: "V1", Start: t0.Add(-6 * day), End: t0.Add(-6*day + time.Hour), NoticeUntil: t0.Add(8 * day)}
	b := store.Exposure{Venue: "V1", Start: t0.Add(-2 * day), End: t0.Add(-2*day + time.Hour), NoticeUntil: t0.Add(12 * day)}
	f.exposures(t, b, a)
	f.visit(t, 1, a.Start.Add(time.Minute))
	f.visit(t, 1, b.Start.Add(time.Minute))
	r := result(passID(1), t0, verify.Green)
	f.log.Annotate(&r)
	if r.Notice == nil || !r.Notice.Start.Equal(b.Start) {
		t.Errorf("got %+v, want the latest window %v", r.Notice, b.Start)
	}
	// Once a's notice is over, b still matches; once both are, nothing.
	for at, want := range map[time.Time]bool{t0.Add(9 * day): true, t0.Add(13 * day): false} {
		r := result(passID(1), at, verify.Green)
		f.log.Annotate(&r)
		if (r.Notice != nil) != want {
			t.Errorf("at %v: notice %v, want %v", at, r.Notice, want)
		}
	}
}

func TestNewRejects(t *testing.T) {
	f := newFixture(t, "")
	for _, o := range []Opts{{Key: f.key, Time: f.clk}, {Store: f.st, Time: f.clk}, {Store: f.st, Key: f.key}} {
		if _, err := New(o); err == nil {
			t.Errorf("%+v: want an error", o)
		}
	}
}

// TestRunExpiresPeriodically: retention runs again every Opts.Expire, not
// only at start.
func TestRunExpiresPeriodically(t *testing.T) {
	f := newFixture(t, "")
	f.log.opts.Expire = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.log.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(10 * time.Second)
	for f.log.lastExp.Load() == nil && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond) // the pass at start
	}
	f.visit(t, 1, t0)
	f.clk.Set(t0.Add(40 * day)) // the visit is now beyond the retention
	for f.count(t) != 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := f.count(t); got != 0 {
		t.Errorf("%d visits left: retention did not run again", got)
	}
}
