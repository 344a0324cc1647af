package store

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

func TestRevocations(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	var n int64
	apply(t, s, func(tx *Tx) (err error) {
		n, err = tx.AddRevocations(SliceSeq(append(ids(1, 600), id(1, 0)))) // one repeat
		return err
	})
	if n != 600 {
		t.Errorf("AddRevocations: got %d new, want 600", n)
	}
	apply(t, s, func(tx *Tx) (err error) {
		n, err = tx.AddRevocations(SliceSeq(ids(1, 700)))
		return err
	})
	if n != 100 {
		t.Errorf("AddRevocations again: got %d new, want 100", n)
	}
	apply(t, s, func(tx *Tx) (err error) {
		n, err = tx.RemoveRevocations(SliceSeq([]pass.ID{id(1, 5), id(1, 6), id(9, 9)}))
		return err
	})
	if n != 2 {
		t.Errorf("RemoveRevocations: got %d removed, want 2", n)
	}
	for _, tc := range []struct {
		id   pass.ID
		want bool
	}{
		{id(1, 0), true}, {id(1, 4), true}, {id(1, 5), false}, {id(1, 6), false},
		{id(1, 699), true}, {id(1, 700), false}, {id(2, 0), false},
	} {
		t.Run(fmt.Sprint(tc.id), func(t *testing.T) {
			if got, err := s.Revoked(tc.id); got != tc.want || err != nil {
				t.Errorf("Revoked(%s): got %v, %v; want %v", tc.id, got, err, tc.want)
			}
		})
	}
	apply(t, s, func(tx *Tx) (err error) {
		n, err = tx.ReplaceRevocations(SliceSeq(ids(2, 300)))
		return err
	})
	if got := revocationCount(t, s); n != 300 || got != 300 {
		t.Errorf("ReplaceRevocations: got %d stored, count %d; want 300", n, got)
	}
	if ok, _ := s.Revoked(id(1, 0)); ok {
		t.Errorf("an entry from before the replace is still revoked")
	}
}

// failAfter yields n IDs, then an error.
func failAfter(n int, err error) iter.Seq2[pass.ID, error] {
	return func(yield func(pass.ID, error) bool) {
		for i := range n {
			if !yield(id(3, i), nil) {
				return
			}
		}
		yield(pass.ID{}, err)
	}
}

func TestRevocationsAbortKeepsOld(t *testing.T) {
	t.Parallel()
	boom := errors.New("download broke")
	for _, tc := range []struct {
		name string
		fn   func(tx *Tx) error
		want error
	}{
		{"source error", func(tx *Tx) error { _, err := tx.ReplaceRevocations(failAfter(2000, boom)); return err }, boom},
		{"zero id", func(tx *Tx) error {
			_, err := tx.ReplaceRevocations(SliceSeq([]pass.ID{id(3, 1), {}}))
			return err
		}, nil},
		{"later failure", func(tx *Tx) error {
			if _, err := tx.ReplaceRevocations(SliceSeq(ids(3, 10))); err != nil {
				return err
			}
			return boom
		}, boom},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			apply(t, s, func(tx *Tx) error { _, err := tx.AddRevocations(SliceSeq(ids(1, 50))); return err })
			err := s.Apply(context.Background(), tc.fn)
			if err == nil {
				t.Fatal("Apply succeeded")
			}
			var ie *InvalidError
			if tc.want != nil && !errors.Is(err, tc.want) || tc.want == nil && !errors.As(err, &ie) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
			if got := revocationCount(t, s); got != 50 {
				t.Errorf("after an aborted replace: %d revocations, want the old 50", got)
			}
		})
	}
}

func TestRevocationsCancelled(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	endless := func(yield func(pass.ID, error) bool) {
		for i := 0; ; i++ {
			if i == 10000 {
				cancel()
			}
			if !yield(id(4, i), nil) {
				return
			}
		}
	}
	err := s.Apply(ctx, func(tx *Tx) error { _, err := tx.AddRevocations(endless); return err })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if got := revocationCount(t, s); got != 0 {
		t.Errorf("after a cancelled apply: %d revocations, want 0", got)
	}
}

func TestTxAfterApply(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	var kept *Tx
	apply(t, s, func(tx *Tx) error { kept = tx; return nil })
	if _, err := kept.AddRevocations(SliceSeq(ids(1, 1))); !errors.Is(err, ErrTxDone) {
		t.Errorf("AddRevocations after Apply: got %v, want ErrTxDone", err)
	}
	if err := kept.SetPolicy([]byte("{}")); !errors.Is(err, ErrTxDone) {
		t.Errorf("SetPolicy after Apply: got %v, want ErrTxDone", err)
	}
}

// TestReplaceRevocationsSpills shrinks the in-memory run so a replace
// spills and merges, with repeats inside and across runs.
func TestReplaceRevocationsSpills(t *testing.T) {
	defer func(n int) { runIDs = n }(runIDs)
	runIDs = 64
	s := newStore(t)
	var in []pass.ID
	for i := range 1000 {
		in = append(in, id(7, (i*389)%1000)) // a permutation of 0…999
		if i%10 == 0 {
			in = append(in, id(7, i/2)) // repeats, near and far
		}
	}
	var n int64
	apply(t, s, func(tx *Tx) (err error) { n, err = tx.ReplaceRevocations(SliceSeq(in)); return err })
	if got := revocationCount(t, s); n != 1000 || got != 1000 {
		t.Errorf("stored %d, count %d; want 1000 distinct", n, got)
	}
	for i := range 1000 {
		if ok, err := s.Revoked(id(7, i)); !ok || err != nil {
			t.Fatalf("id %d missing (%v)", i, err)
		}
	}
	for _, name := range dirNames(t, s.spillDir()) {
		if strings.Contains(name, "sort") {
			t.Errorf("spill file left behind: %s", name)
		}
	}
	// Deltas in chunks.
	apply(t, s, func(tx *Tx) (err error) { n, err = tx.RemoveRevocations(SliceSeq(ids(7, 500))); return err })
	if got := revocationCount(t, s); n != 500 || got != 500 {
		t.Errorf("removed %d, count %d; want 500 left", n, got)
	}
	apply(t, s, func(tx *Tx) (err error) { n, err = tx.AddRevocations(SliceSeq(ids(7, 700))); return err })
	if got := revocationCount(t, s); n != 500 || got != 1000 {
		t.Errorf("added %d, count %d; want 500 new, 1000 in all", n, got)
	}
}

func TestApplyPanicRollsBack(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	func() {
		defer func() {
			if recover() == nil {
				t.Errorf("the panic did not propagate")
			}
		}()
		s.Apply(context.Background(), func(tx *Tx) error {
			tx.AddRevocations(SliceSeq(ids(1, 10)))
			panic("boom")
		})
	}()
	// The writer is free again and nothing was kept.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.AddCounters(ctx, t0, Counters{Green: 1}); err != nil {
		t.Fatalf("a write after the panic: %v", err)
	}
	if got := revocationCount(t, s); got != 0 {
		t.Errorf("revocations after a panicking Apply: %d, want 0", got)
	}
}
