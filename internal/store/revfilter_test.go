package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// The filter never forgets an ID it was given, and answers "maybe" for
// few others: under 1% while it holds what it was sized for, and still at
// the fill where the writer rebuilds it.
func TestRevFilterFalsePositives(t *testing.T) {
	t.Parallel()
	const size, probes = 50_000, 200_000
	for _, tc := range []struct {
		name    string
		entries int
		maxRate float64
	}{
		{"sized", size, 0.005},
		{"filled to the rebuild point", size + size/4, 0.01},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newRevFilter(size)
			for i := range tc.entries {
				x := id(1, i)
				f.add(&x)
			}
			for i := range tc.entries {
				if x := id(1, i); !f.mayContain(&x) {
					t.Fatalf("entry %d: not in the filter", i)
				}
			}
			fp := 0
			for i := range probes {
				if x := id(2, i); f.mayContain(&x) {
					fp++
				}
			}
			rate := float64(fp) / probes
			t.Logf("%d entries, %d bits: %.3f%% false positives", tc.entries, f.m, 100*rate)
			if rate >= tc.maxRate {
				t.Errorf("false positives: %.3f%%, want under %.1f%%", 100*rate, 100*tc.maxRate)
			}
		})
	}
}

// At ten million entries the filter takes at most 16 MB.
func TestRevFilterSize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		entries  int64
		maxBytes int64
	}{
		{0, 32 << 10},
		{1_000_000, 1_600_000},
		{10_000_000, 16_000_000},
	} {
		t.Run(fmt.Sprintf("%d entries in %d bytes", tc.entries, tc.maxBytes), func(t *testing.T) {
			if got := newRevFilter(tc.entries).bytes(); got > tc.maxBytes {
				t.Errorf("filter for %d entries: %d bytes, want at most %d", tc.entries, got, tc.maxBytes)
			}
		})
	}
}

// Lookups of IDs not on the list are answered by the filter: few reach
// SQLite. The IDs on it, and only those, are revoked.
func TestRevokedUsesFilter(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	apply(t, s, func(tx *Tx) error { _, err := tx.AddRevocations(SliceSeq(ids(1, 1000))); return err })
	for i := range 1000 {
		if ok, err := s.Revoked(id(1, i)); !ok || err != nil {
			t.Fatalf("Revoked(id(1, %d)): got %v, %v; want true", i, ok, err)
		}
	}
	before := s.revQueries.Load()
	const n = 10_000
	for i := range n {
		if ok, err := s.Revoked(id(2, i)); ok || err != nil {
			t.Fatalf("Revoked(id(2, %d)): got %v, %v; want false", i, ok, err)
		}
	}
	if got := s.revQueries.Load() - before; got > n/100 {
		t.Errorf("%d of %d lookups of unrevoked IDs asked SQLite, want under 1%%", got, n)
	}
}

// The filter is built from the table at Open.
func TestRevFilterBuiltAtOpen(t *testing.T) {
	t.Parallel()
	p := dbPath(t)
	s := openT(t, p, nil)
	apply(t, s, func(tx *Tx) error { _, err := tx.AddRevocations(SliceSeq(ids(1, 300))); return err })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openT(t, p, nil)
	fs := s.revf.Load()
	if fs == nil || len(*fs) != 1 {
		t.Fatalf("after Open: filters %v, want one", fs)
	}
	if s.Status().FilterBuilt <= 0 {
		t.Errorf("Status().FilterBuilt = %v, want the time it took", s.Status().FilterBuilt)
	}
	if got := fs.newest().added.Load(); got != 300 {
		t.Errorf("filter built from %d entries, want 300", got)
	}
	for i := range 300 {
		if x := id(1, i); !fs.mayContain(&x) {
			t.Fatalf("entry %d of the table is not in the filter", i)
		}
	}
}

// While a replace is being written, lookups see the old list (SQLite's
// committed snapshot) through the filters; after the commit the new
// filter alone, and after a failed one the old one again.
func TestRevFilterReplace(t *testing.T) {
	t.Parallel()
	boom := errors.New("download broke")
	for _, tc := range []struct {
		name string
		fail bool
	}{
		{"commits", false},
		{"fails", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			apply(t, s, func(tx *Tx) error { _, err := tx.AddRevocations(SliceSeq(ids(1, 100))); return err })
			old := s.revf.Load().newest()
			err := s.Apply(context.Background(), func(tx *Tx) error {
				if _, err := tx.ReplaceRevocations(SliceSeq(ids(2, 100))); err != nil {
					return err
				}
				for i := range 100 {
					if ok, err := s.Revoked(id(1, i)); !ok || err != nil {
						t.Fatalf("during the replace: Revoked(old entry %d): got %v, %v; want true", i, ok, err)
					}
				}
				if tc.fail {
					return boom
				}
				return nil
			})
			if tc.fail != (err != nil) {
				t.Fatalf("Apply: %v", err)
			}
			fs := s.revf.Load()
			if len(*fs) != 1 {
				t.Fatalf("after the apply: %d filters, want 1", len(*fs))
			}
			if got := fs.newest() == old; got != tc.fail {
				t.Errorf("the old filter is in use: %v, want %v", got, tc.fail)
			}
			for i := range 100 {
				ok1, _ := s.Revoked(id(1, i))
				ok2, _ := s.Revoked(id(2, i))
				if ok1 != tc.fail || ok2 == tc.fail {
					t.Fatalf("entry %d: old list revoked %v, new %v; want %v, %v", i, ok1, ok2, tc.fail, !tc.fail)
				}
			}
		})
	}
}

// Deltas that fill the filter past its size have the writer rebuild it,
// larger, from the table.
func TestRevFilterRebuilt(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	first := s.revf.Load().newest()
	const batch = 2000
	n := 0
	for n <= filterMinEntries+filterMinEntries/4 {
		apply(t, s, func(tx *Tx) error { _, err := tx.AddRevocations(SliceSeq(ids(n/batch+1, batch))); return err })
		n += batch
	}
	f := s.revf.Load().newest()
	if f == first || f.size < int64(n) {
		t.Fatalf("after %d entries: filter sized for %d (rebuilt %v), want a rebuilt one for at least %d", n, f.size, f != first, n)
	}
	for k := range n / batch {
		for i := range batch {
			if x := id(k+1, i); !f.mayContain(&x) {
				t.Fatalf("entry %d of batch %d is not in the rebuilt filter", i, k+1)
			}
		}
	}
}

// A store opened read-only has no filter (another process writes the
// table) and asks SQLite every time.
func TestRevFilterReadOnly(t *testing.T) {
	t.Parallel()
	p := dbPath(t)
	w := openT(t, p, nil)
	r, err := OpenReadOnly(context.Background(), p, testOpts(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if ok, err := r.Revoked(id(1, 0)); ok || err != nil {
		t.Fatalf("before: got %v, %v; want false", ok, err)
	}
	apply(t, w, func(tx *Tx) error { _, err := tx.AddRevocations(SliceSeq([]pass.ID{id(1, 0)})); return err })
	if ok, err := r.Revoked(id(1, 0)); !ok || err != nil {
		t.Errorf("after the writer's commit: got %v, %v; want true", ok, err)
	}
}
