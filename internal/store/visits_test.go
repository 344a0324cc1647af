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
	good := Visit{Hash: vhash(1), At: t0}
	for _, tc := range []struct {
		name string
		vs   []Visit
		want string
	}{
		{"zero hash", []Visit{good, {At: t0}}, "visit 1: zero hash"},
		{"no time", []Visit{{Hash: vhash(1)}}, "visit 0: no time"},
		{"before 1970", []Visit{{Hash: vhash(1), At: time.Unix(-5, 0)}}, "before 1970"},
		{"check-out before check-in", []Visit{{Hash: vhash(1), At: t0, Out: t0.Add(-time.Minute)}}, "is not after the check-in"},
		{"check-out at check-in", []Visit{{Hash: vhash(1), At: t0, Out: t0}}, "is not after the check-in"},
		{"a stay longer than a day", []Visit{{Hash: vhash(1), At: t0, Out: t0.Add(MaxStay + time.Second)}}, "at most 25h"},
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

// stays returns Stays of h over all time, failing the test on an error.
func stays(t testing.TB, s *Store, h VisitHash) []Stay {
	t.Helper()
	got, err := s.Stays(h, time.Unix(0, 0), t0.Add(400*day))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestStays(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	var vs []Visit
	for _, off := range []time.Duration{-3 * time.Hour, -2 * time.Hour, -time.Hour, 0} {
		vs = append(vs, Visit{Hash: vhash(7), At: t0.Add(off)})
		vs = append(vs, Visit{Hash: vhash(8), At: t0.Add(off).Add(time.Minute)})
	}
	addVisits(t, s, vs)
	in := func(ts ...time.Time) []Stay {
		var out []Stay
		for _, t := range ts {
			out = append(out, Stay{In: t})
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		h        VisitHash
		from, to time.Time
		want     []Stay
	}{
		{"all", vhash(7), t0.Add(-day), t0.Add(day), in(t0.Add(-3*time.Hour), t0.Add(-2*time.Hour), t0.Add(-time.Hour), t0)},
		{"from inclusive, to exclusive", vhash(7), t0.Add(-2 * time.Hour), t0, in(t0.Add(-2*time.Hour), t0.Add(-time.Hour))},
		{"another pass", vhash(8), t0.Add(-90 * time.Minute), t0.Add(day), in(t0.Add(-59*time.Minute), t0.Add(time.Minute))},
		{"unknown pass", vhash(9), t0.Add(-day), t0.Add(day), nil},
		{"empty range", vhash(7), t0, t0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Stays(tc.h, tc.from, tc.to)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	st, err := s.VisitStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Visits != 8 || st.CheckedOut != 0 || !st.Oldest.Equal(t0.Add(-3*time.Hour)) || !st.Newest.Equal(t0.Add(time.Minute)) {
		t.Errorf("stats: got %+v", st)
	}
}

// TestVisitsToTheMinute: the store keeps check-ins rounded down to the
// minute and check-outs rounded up, so that a stay never shrinks, and
// nothing finer.
func TestVisitsToTheMinute(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	at := t0.Add(10*time.Minute + 59*time.Second + 999*time.Millisecond)
	addVisits(t, s, []Visit{
		{Hash: vhash(1), At: at},
		{Hash: vhash(2), At: at, Out: at.Add(time.Hour + time.Second)},
		{Hash: vhash(3), At: t0, Out: t0.Add(time.Hour)},              // on the minute: as it is
		{Hash: vhash(4), At: at, Out: at.Add(100 * time.Millisecond)}, // same minute: a minute long
	})
	for _, tc := range []struct {
		name string
		h    VisitHash
		want Stay
	}{
		{"no check-out", vhash(1), Stay{In: t0.Add(10 * time.Minute)}},
		{"check-out rounded up", vhash(2), Stay{In: t0.Add(10 * time.Minute), Out: t0.Add(72 * time.Minute)}},
		{"on the minute", vhash(3), Stay{In: t0, Out: t0.Add(time.Hour)}},
		{"out in the same minute", vhash(4), Stay{In: t0.Add(10 * time.Minute), Out: t0.Add(12 * time.Minute)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := stays(t, s, tc.h); len(got) != 1 || got[0] != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	// What the table holds: minutes, and no verdict or any other column.
	var cols []string
	rows, err := s.r.Query("SELECT name FROM pragma_table_info('visits') ORDER BY cid")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c string
		rows.Scan(&c)
		cols = append(cols, c)
	}
	rows.Close()
	if want := []string{"id", "hash", "at", "checkout"}; !slices.Equal(cols, want) {
		t.Errorf("visits columns %q, want %q", cols, want)
	}
	var odd int
	if err := s.r.QueryRow("SELECT count(*) FROM visits WHERE at % 60 != 0 OR checkout % 60 != 0").Scan(&odd); err != nil || odd != 0 {
		t.Errorf("%d times not on a minute (%v)", odd, err)
	}
	// The table refuses anything finer, whoever writes it.
	for _, q := range []string{
		"INSERT INTO visits (hash, at) VALUES (randomblob(32), 61)",
		"INSERT INTO visits (hash, at, checkout) VALUES (randomblob(32), 60, 121)",
		"INSERT INTO visits (hash, at, checkout) VALUES (randomblob(32), 120, 120)",
	} {
		if _, err := s.w.Exec(q); err == nil {
			t.Errorf("%s: accepted", q)
		}
	}
}

func TestCheckOut(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	day0 := t0.Truncate(day) // midnight, UTC
	addVisits(t, s, []Visit{
		{Hash: vhash(1), At: t0},                      // 09:00
		{Hash: vhash(2), At: t0.Add(-10 * time.Hour)}, // 23:00 the day before
		{Hash: vhash(3), At: t0},                      // 09:00
		{Hash: vhash(3), At: t0.Add(3 * time.Hour)},   // and 12:00
		{Hash: vhash(4), At: t0.Add(2 * time.Hour)},   // 11:00: after the exit below
		{Hash: vhash(5), At: t0, Out: t0.Add(2 * time.Hour)},
	})
	co := func(h VisitHash, out time.Time) bool {
		t.Helper()
		var ok bool
		apply(t, s, func(tx *Tx) (err error) { ok, err = tx.CheckOut(h, day0, out); return err })
		return ok
	}
	for _, tc := range []struct {
		name string
		h    VisitHash
		out  time.Time
		ok   bool
		want []Stay
	}{
		{"closes the day's check-in, rounded up", vhash(1), t0.Add(90*time.Minute + time.Second), true,
			[]Stay{{In: t0, Out: t0.Add(91 * time.Minute)}}},
		{"an earlier exit scan does not shorten it", vhash(1), t0.Add(time.Hour), true,
			[]Stay{{In: t0, Out: t0.Add(91 * time.Minute)}}},
		{"a later one lengthens it", vhash(1), t0.Add(2 * time.Hour), true,
			[]Stay{{In: t0, Out: t0.Add(2 * time.Hour)}}},
		{"no check-in the same day: ignored", vhash(2), t0, false,
			[]Stay{{In: t0.Add(-10 * time.Hour)}}},
		{"never checked in: ignored", vhash(9), t0, false, nil},
		{"closes the latest check-in only", vhash(3), t0.Add(4 * time.Hour), true,
			[]Stay{{In: t0}, {In: t0.Add(3 * time.Hour), Out: t0.Add(4 * time.Hour)}}},
		{"a check-in after the exit is not closed by it", vhash(4), t0.Add(time.Hour), false,
			[]Stay{{In: t0.Add(2 * time.Hour)}}},
		{"exit in the check-in's minute: a minute's stay", vhash(4), t0.Add(2*time.Hour + 20*time.Second), true,
			[]Stay{{In: t0.Add(2 * time.Hour), Out: t0.Add(2*time.Hour + time.Minute)}}},
		{"a stay with a check-out keeps the later one", vhash(5), t0.Add(time.Hour), true,
			[]Stay{{In: t0, Out: t0.Add(2 * time.Hour)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := co(tc.h, tc.out); got != tc.ok {
				t.Errorf("CheckOut: got %v, want %v", got, tc.ok)
			}
			if got := stays(t, s, tc.h); !slices.Equal(got, tc.want) {
				t.Errorf("stays: got %v, want %v", got, tc.want)
			}
		})
	}
	// An exit scan adds no row.
	if st, err := s.VisitStats(context.Background()); err != nil || st.Visits != 6 || st.CheckedOut != 4 {
		t.Errorf("stats: got %+v, %v; want 6 visits, 4 checked out", st, err)
	}
	for _, tc := range []struct {
		name      string
		h         VisitHash
		from, out time.Time
		want      string
	}{
		{"zero hash", VisitHash{}, day0, t0, "zero hash"},
		{"no time", vhash(1), day0, time.Time{}, "no time"},
		{"from after the exit", vhash(1), t0.Add(time.Minute), t0, "want at most"},
		{"from too far back", vhash(1), t0.Add(-MaxStay - time.Second), t0, "want at most"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Apply(context.Background(), func(tx *Tx) error { _, err := tx.CheckOut(tc.h, tc.from, tc.out); return err })
			var inv *InvalidError
			if !errors.As(err, &inv) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: got %v, want an InvalidError containing %q", tc.name, err, tc.want)
			}
		})
	}
}

func TestStaysBounded(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	vs := make([]Visit, maxStays+50)
	for i := range vs {
		vs[i] = Visit{Hash: vhash(1), At: t0.Add(time.Duration(i) * time.Minute)}
	}
	addVisits(t, s, vs)
	got, err := s.Stays(vhash(1), t0.Add(-day), t0.Add(30*day))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != maxStays {
		t.Fatalf("got %d stays, want at most %d", len(got), maxStays)
	}
	// The latest ones, oldest first.
	if want := vs[len(vs)-1].At; !got[len(got)-1].In.Equal(want) || !got[0].In.Before(got[1].In) {
		t.Errorf("got %v … %v, want the latest ending at %v in order", got[0], got[len(got)-1], want)
	}
}

// TestExposedVisits: stays overlapping a window count, by their
// check-out, the exposure's assumed stay or the policy's.
func TestExposedVisits(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	const h = time.Hour
	// Windows of V1: A [-4h, -2h) (its own assumed stay: 30 min) and B
	// [-3h, -1h); of V2: [-1h, 0).
	addVisits(t, s, []Visit{
		{Hash: vhash(1), At: t0.Add(-5*h - time.Minute)},                      // before both: with 2 h from the end of its minute, to B's start
		{Hash: vhash(2), At: t0.Add(-4 * h)},                                  // A
		{Hash: vhash(3), At: t0.Add(-150 * time.Minute)},                      // A and B: once
		{Hash: vhash(2), At: t0.Add(-90 * time.Minute)},                       // B
		{Hash: vhash(4), At: t0.Add(-h)},                                      // B's end: exclusive
		{Hash: vhash(5), At: t0.Add(-30 * time.Minute)},                       // only V2's window
		{Hash: vhash(6), At: t0.Add(-6 * h), Out: t0.Add(-3 * h)},             // checked out inside A and at B's start: A
		{Hash: vhash(7), At: t0.Add(-4*h - 20*time.Minute)},                   // into A by its assumed 30 min
		{Hash: vhash(8), At: t0.Add(-5*h - 10*time.Minute)},                   // short of A by its 30 min, of B by 2 h
		{Hash: vhash(9), At: t0.Add(-4*h - time.Minute), Out: t0.Add(-4 * h)}, // ends as A starts
	})
	apply(t, s, func(tx *Tx) error {
		return tx.ReplaceExposures([]Exposure{
			{Venue: "V1", Start: t0.Add(-4 * h), End: t0.Add(-2 * h), NoticeUntil: t0.Add(14 * day), AssumedStay: 30 * time.Minute},
			{Venue: "V1", Start: t0.Add(-3 * h), End: t0.Add(-h), NoticeUntil: t0.Add(14 * day)},
			{Venue: "V2", Start: t0.Add(-h), End: t0, NoticeUntil: t0.Add(14 * day)},
		})
	})
	for _, tc := range []struct {
		venue   string
		assumed time.Duration
		want    int64
	}{
		// 2, 3, 2 again, 6 (by its check-out), 7 (by A's 30 min); 1's
		// stay (2 h from the end of its check-in's minute) ends as B
		// starts: touching, not overlapping.
		{"V1", 2 * h, 5},
		// A policy stay of 4 h brings 1 (to -1h) and 8 into B; 9
		// still ends by its check-out as A starts.
		{"V1", 4 * h, 7},
		// V2 [-1h, 0): 4 and 5 checked in inside it; 3 (-150 min) and 2
		// (-90 min) reach into it with 2 h.
		{"V2", 2 * h, 4},
		{"V2", 15 * time.Minute, 2},
		{"V3", 2 * h, 0},
	} {
		t.Run(tc.venue, func(t *testing.T) {
			got, err := s.ExposedVisits(context.Background(), tc.venue, tc.assumed)
			if err != nil || got != tc.want {
				t.Errorf("%s, assumed %v: got %d, %v; want %d", tc.venue, tc.assumed, got, err, tc.want)
			}
		})
	}
}

// TestExpireVisits is the retention test on the store's side: with a
// cut-off 31 days before "now", the visits of day 30 stay, those of day 32
// go, as do visits dated in the future, with their check-outs or without;
// the file shrinks, and no byte of an erased hash is left in the database
// or its WAL.
func TestExpireVisits(t *testing.T) {
	t.Parallel()
	path := dbPath(t)
	s := openT(t, path, nil)
	now := t0
	const perDay = 3000
	var old, kept []Visit
	// Every other visit has a check-out (an exit scan).
	out := func(i int, at time.Time) time.Time {
		if i%2 == 1 {
			return at.Add(40 * time.Minute)
		}
		return time.Time{}
	}
	for i := range perDay {
		at := now.Add(-32*day + time.Duration(i)*time.Second)
		old = append(old, Visit{Hash: vhash(i), At: at, Out: out(i, at)})
	}
	for i := range perDay {
		at := now.Add(-30*day + time.Duration(i)*time.Second)
		kept = append(kept, Visit{Hash: vhash(perDay + i), At: at, Out: out(i, at)})
	}
	future := Visit{Hash: vhash(3 * perDay), At: now.Add(3 * day)}
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
		{"day 32, checked out", old[perDay/2+1], 0},
		{"day 30", kept[perDay/2], 1},
		{"day 30, checked out", kept[perDay/2+1], 1},
		{"future", future, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Stays(tc.v.Hash, now.Add(-60*day), now.Add(60*day))
			if err != nil || len(got) != tc.want {
				t.Errorf("%s: got %v, %v; want %d visits", tc.name, got, err, tc.want)
			}
		})
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
	addVisits(t, s, []Visit{{Hash: vhash(1), At: t0}})
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
	if err := ro.AddVisits(context.Background(), []Visit{{Hash: vhash(2), At: t0}}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only add: got %v, want ErrReadOnly", err)
	}
	s.Close()
	if _, err := s.Stays(vhash(1), t0, t0.Add(time.Hour)); !errors.Is(err, ErrClosed) {
		t.Errorf("closed: got %v, want ErrClosed", err)
	}
}
