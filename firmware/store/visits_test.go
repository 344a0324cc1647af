package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// vhash returns a distinct visit hash for n.
func vhash(n int) VisitHash {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(n))
	return VisitHash(sha256.Sum256(append([]byte("visit"), b[:]...)))
}

const day = 24 * time.Hour

func addVisits(t testing.TB, s *Store, vs []Visit) {
	t.Helper()
	for len(vs) > 0 {
		n := min(len(vs), MaxVisitBatch)
		if err := s.AddVisits(context.Background(), vs[:n]); err != nil {
			t.Fatal(err)
		}
		vs = vs[n:]
	}
}

func TestAddVisitsRejects(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	good := Visit{Hash: vhash(1), At: t0, Verdict: VisitGreen}
	for _, tc := range []struct {
		name string
		vs   []Visit
		want string
	}{
		{"zero hash", []Visit{good, {At: t0, Verdict: VisitGreen}}, "visit 1: zero hash"},
		{"no time", []Visit{{Hash: vhash(1), Verdict: VisitGreen}}, "visit 0: no time"},
		{"before 1970", []Visit{{Hash: vhash(1), At: time.Unix(-5, 0), Verdict: VisitGreen}}, "before 1970"},
		{"bad verdict", []Visit{{Hash: vhash(1), At: t0, Verdict: "GREEN"}}, `verdict "GREEN"`},
		{"empty verdict", []Visit{{Hash: vhash(1), At: t0}}, `verdict ""`},
		{"too many", make([]Visit, MaxVisitBatch+1), "at most 10000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.AddVisits(context.Background(), tc.vs)
			var inv *InvalidError
			if !errors.As(err, &inv) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an InvalidError containing %q", err, tc.want)
			}
		})
	}
	// Nothing of a rejected batch was written, not even its good visit.
	if st, err := s.VisitStats(context.Background()); err != nil || st.Visits != 0 {
		t.Errorf("after rejected batches: got %+v, %v; want an empty log", st, err)
	}
}

func TestVisitTimes(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	var vs []Visit
	for i, off := range []time.Duration{-3 * time.Hour, -2 * time.Hour, -time.Hour, 0} {
		vs = append(vs, Visit{Hash: vhash(7), At: t0.Add(off), Verdict: []string{VisitGreen, VisitAmber, VisitRed, VisitGreen}[i]})
		vs = append(vs, Visit{Hash: vhash(8), At: t0.Add(off).Add(time.Minute), Verdict: VisitGreen})
	}
	addVisits(t, s, vs)
	for _, tc := range []struct {
		name     string
		h        VisitHash
		from, to time.Time
		want     []time.Time
	}{
		{"all", vhash(7), t0.Add(-day), t0.Add(day), []time.Time{t0.Add(-3 * time.Hour), t0.Add(-2 * time.Hour), t0.Add(-time.Hour), t0}},
		{"from inclusive, to exclusive", vhash(7), t0.Add(-2 * time.Hour), t0, []time.Time{t0.Add(-2 * time.Hour), t0.Add(-time.Hour)}},
		{"another pass", vhash(8), t0.Add(-90 * time.Minute), t0.Add(day), []time.Time{t0.Add(-59 * time.Minute), t0.Add(time.Minute)}},
		{"unknown pass", vhash(9), t0.Add(-day), t0.Add(day), nil},
		{"empty range", vhash(7), t0, t0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.VisitTimes(tc.h, tc.from, tc.to)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, tc.want, time.Time.Equal) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	st, err := s.VisitStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Visits != 8 || !st.Oldest.Equal(t0.Add(-3*time.Hour)) || !st.Newest.Equal(t0.Add(time.Minute)) {
		t.Errorf("stats: got %+v", st)
	}
}

func TestVisitTimesBounded(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	vs := make([]Visit, MaxVisitTimes+50)
	for i := range vs {
		vs[i] = Visit{Hash: vhash(1), At: t0.Add(time.Duration(i) * time.Minute), Verdict: VisitGreen}
	}
	addVisits(t, s, vs)
	got, err := s.VisitTimes(vhash(1), t0.Add(-day), t0.Add(30*day))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != MaxVisitTimes {
		t.Fatalf("got %d times, want at most %d", len(got), MaxVisitTimes)
	}
	// The latest ones, oldest first.
	if want := vs[len(vs)-1].At; !got[len(got)-1].Equal(want) || !got[0].Before(got[1]) {
		t.Errorf("got %v … %v, want the latest ending at %v in order", got[0], got[len(got)-1], want)
	}
}

func TestExposedVisits(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	addVisits(t, s, []Visit{
		{Hash: vhash(1), At: t0.Add(-5 * time.Hour), Verdict: VisitGreen},    // before both windows
		{Hash: vhash(2), At: t0.Add(-4 * time.Hour), Verdict: VisitGreen},    // window A
		{Hash: vhash(3), At: t0.Add(-150 * time.Minute), Verdict: VisitRed},  // A and B overlap: once
		{Hash: vhash(2), At: t0.Add(-90 * time.Minute), Verdict: VisitAmber}, // window B
		{Hash: vhash(4), At: t0.Add(-time.Hour), Verdict: VisitGreen},        // B's end: exclusive
		{Hash: vhash(5), At: t0.Add(-30 * time.Minute), Verdict: VisitGreen}, // only the other venue's window
	})
	err := s.Apply(context.Background(), func(tx *Tx) error {
		return tx.ReplaceExposures([]Exposure{
			{Venue: "V1", Start: t0.Add(-4 * time.Hour), End: t0.Add(-2 * time.Hour), NoticeUntil: t0.Add(14 * day)},
			{Venue: "V1", Start: t0.Add(-3 * time.Hour), End: t0.Add(-time.Hour), NoticeUntil: t0.Add(14 * day)},
			{Venue: "V2", Start: t0.Add(-time.Hour), End: t0, NoticeUntil: t0.Add(14 * day)},
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	for venue, want := range map[string]int64{"V1": 3, "V2": 2, "V3": 0} {
		got, err := s.ExposedVisits(context.Background(), venue)
		if err != nil || got != want {
			t.Errorf("%s: got %d, %v; want %d", venue, got, err, want)
		}
	}
}

// TestExpireVisits is the retention test on the store's side: with a
// cut-off 31 days before "now", the visits of day 30 stay, those of day 32
// go, as do visits dated in the future; the file shrinks, and no byte of
// an erased hash is left in the database or its WAL.
func TestExpireVisits(t *testing.T) {
	t.Parallel()
	path := dbPath(t)
	s := openT(t, path, nil)
	now := t0
	const perDay = 3000
	var old, kept []Visit
	for i := range perDay {
		old = append(old, Visit{Hash: vhash(i), At: now.Add(-32*day + time.Duration(i)*time.Second), Verdict: VisitGreen})
	}
	for i := range perDay {
		kept = append(kept, Visit{Hash: vhash(perDay + i), At: now.Add(-30*day + time.Duration(i)*time.Second), Verdict: VisitAmber})
	}
	future := Visit{Hash: vhash(3 * perDay), At: now.Add(3 * day), Verdict: VisitRed}
	addVisits(t, s, old)
	addVisits(t, s, kept)
	addVisits(t, s, []Visit{future})
	// Settle the WAL so that the sizes compare the database alone.
	if _, err := s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}

	e, err := s.ExpireVisits(context.Background(), now.Add(-31*day), now.Add(day))
	if err != nil {
		t.Fatal(err)
	}
	if e.Deleted != perDay+1 {
		t.Errorf("deleted %d, want %d (day 32 and the future visit)", e.Deleted, perDay+1)
	}
	if !e.Converted {
		t.Error("a database created before incremental auto-vacuum was not converted")
	}
	if e.Freed <= 0 || e.SizeAfter >= e.SizeBefore || !e.Checkpointed {
		t.Errorf("space not reclaimed: %+v", e)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() != 0 {
		t.Errorf("WAL holds %d bytes after the truncating checkpoint", fi.Size())
	}
	for _, tc := range []struct {
		name string
		v    Visit
		want int
	}{
		{"day 32", old[perDay/2], 0},
		{"day 30", kept[perDay/2], 1},
		{"future", future, 0},
	} {
		got, err := s.VisitTimes(tc.v.Hash, now.Add(-60*day), now.Add(60*day))
		if err != nil || len(got) != tc.want {
			t.Errorf("%s: got %v, %v; want %d visits", tc.name, got, err, tc.want)
		}
	}
	var mode int
	if err := s.w.QueryRow("PRAGMA auto_vacuum").Scan(&mode); err != nil || mode != 2 {
		t.Errorf("auto_vacuum: got %d, %v; want 2 (incremental)", mode, err)
	}

	// A second pass has nothing to erase and converts nothing.
	e2, err := s.ExpireVisits(context.Background(), now.Add(-31*day), time.Time{})
	if err != nil || e2.Deleted != 0 || e2.Converted {
		t.Errorf("second pass: got %+v, %v", e2, err)
	}

	// Erased means erased: the hashes' bytes are nowhere in the files.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	var files [][]byte
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		b, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		files = append(files, b)
	}
	found := 0
	for _, v := range append(append([]Visit{}, old...), future) {
		for _, b := range files {
			if bytes.Contains(b, v.Hash[:]) {
				found++
			}
		}
	}
	if found > 0 {
		t.Errorf("%d erased hashes still readable in the database files", found)
	}
	// The kept ones are there (the search above can find a hash).
	if b := files[0]; !bytes.Contains(b, kept[0].Hash[:]) {
		t.Error("a kept hash is not found in the database file: the search proves nothing")
	}
}

func TestExpireVisitsRejects(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name             string
		before, notAfter time.Time
		want             string
	}{
		{"no cut-off", time.Time{}, time.Time{}, "no cut-off"},
		{"before 1970", time.Unix(-1, 0), time.Time{}, "no cut-off"},
		{"upper bound before cut-off", t0, t0.Add(-time.Hour), "not after the cut-off"},
		{"upper bound at cut-off", t0, t0, "not after the cut-off"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.ExpireVisits(ctx, tc.before, tc.notAfter)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	s.writing <- struct{}{} // a write in progress
	_, err := s.ExpireVisits(cctx, t0, time.Time{})
	<-s.writing
	if !errors.Is(err, context.Canceled) {
		t.Errorf("while another write runs, with a cancelled context: got %v", err)
	}
}

func TestVisitsReadOnly(t *testing.T) {
	t.Parallel()
	path := dbPath(t)
	s := openT(t, path, nil)
	addVisits(t, s, []Visit{{Hash: vhash(1), At: t0, Verdict: VisitGreen}})
	ro, err := OpenReadOnly(context.Background(), path, testOpts(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if st, err := ro.VisitStats(context.Background()); err != nil || st.Visits != 1 {
		t.Errorf("read-only stats: got %+v, %v", st, err)
	}
	if _, err := ro.ExpireVisits(context.Background(), t0, time.Time{}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only expire: got %v, want ErrReadOnly", err)
	}
	if err := ro.AddVisits(context.Background(), []Visit{{Hash: vhash(2), At: t0, Verdict: VisitGreen}}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only add: got %v, want ErrReadOnly", err)
	}
	s.Close()
	if _, err := s.VisitTimes(vhash(1), t0, t0.Add(time.Hour)); !errors.Is(err, ErrClosed) {
		t.Errorf("closed: got %v, want ErrClosed", err)
	}
}
