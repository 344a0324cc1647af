package store

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// The revocation workload of the interleaving tests. Commit k (k = 1, 2,
// …) is one Apply that adds revPer new IDs id(revBatch(k), 0…), takes
// the first ID of commit k-1 off the list again and records data set
// revLive at version k; every revReplaceEvery-th commit writes the same
// list as a ReplaceRevocations instead. IDs id(revNever, …) are never
// revoked.
const (
	revLive         = "revlive"
	revPer          = 40
	revReplaceEvery = 4
	revNever        = 999_999
)

func revBatch(k int64) int { return 1_000_000 + int(k) }

// revList yields the list as it stands after commit k.
func revList(k int64) iter.Seq2[pass.ID, error] {
	return func(yield func(pass.ID, error) bool) {
		for j := int64(1); j <= k; j++ {
			for i := range revPer {
				if i == 0 && j < k {
					continue
				}
				if !yield(id(revBatch(j), i), nil) {
					return
				}
			}
		}
	}
}

// revCommit applies commit k of the workload.
func revCommit(ctx context.Context, s *Store, k int64) error {
	return s.Apply(ctx, func(tx *Tx) error {
		if k%revReplaceEvery == 0 {
			if _, err := tx.ReplaceRevocations(revList(k)); err != nil {
				return err
			}
		} else {
			if _, err := tx.AddRevocations(SliceSeq(ids(revBatch(k), revPer))); err != nil {
				return err
			}
			if _, err := tx.RemoveRevocations(SliceSeq([]pass.ID{id(revBatch(k-1), 0)})); err != nil {
				return err
			}
		}
		return tx.SetDataVersion(revLive, k, "revlive-test", t0.Add(time.Duration(k)*time.Second))
	})
}

// revLookups looks up, while commits may run, what a reader may rely on:
// it first reads from SQLite which commit is in the store, then every
// ID that commit left revoked must be revoked, however soon after the
// commit the lookup runs, and IDs taken off or never put on must not be.
// It returns the commit it checked.
func revLookups(s *Store, rng *rand.Rand) (int64, error) {
	ctx := context.Background()
	dv, _, err := s.DataVersion(ctx, revLive)
	if err != nil {
		return 0, err
	}
	v := dv.Version
	want := func(x pass.ID, want bool, what string) error {
		got, err := s.Revoked(x)
		if err != nil {
			return fmt.Errorf("commit %d in the store: Revoked(%s): %w", v, what, err)
		}
		if got != want {
			return fmt.Errorf("commit %d in the store: Revoked(%s) = %v, want %v", v, what, got, want)
		}
		return nil
	}
	if v > 0 {
		// The newest commit in full, an older one, a removed ID. (The
		// first ID of commit v may be being removed by commit v+1.)
		for i := 1; i < revPer; i++ {
			if err := want(id(revBatch(v), i), true, fmt.Sprintf("entry %d of commit %d", i, v)); err != nil {
				return v, err
			}
		}
		j, i := 1+rng.Int64N(v), 1+rng.IntN(revPer-1)
		if err := want(id(revBatch(j), i), true, fmt.Sprintf("entry %d of commit %d", i, j)); err != nil {
			return v, err
		}
		if v > 1 {
			j := 1 + rng.Int64N(v-1)
			if err := want(id(revBatch(j), 0), false, fmt.Sprintf("entry 0 of commit %d, removed by commit %d", j, j+1)); err != nil {
				return v, err
			}
		}
		// The first ID of commit v, which commit v+1 removes: revoked
		// unless commit v+1 is in the store by the time the lookup ends.
		x := id(revBatch(v), 0)
		got, err := s.Revoked(x)
		if err != nil {
			return v, err
		}
		if !got {
			now, _, err := s.DataVersion(ctx, revLive)
			if err != nil {
				return v, err
			}
			if now.Version == v {
				return v, fmt.Errorf("commit %d in the store: Revoked(entry 0 of commit %d) = false before commit %d", v, v, v+1)
			}
		}
	}
	n := rng.IntN(1 << 20)
	return v, want(id(revNever, n), false, fmt.Sprintf("never revoked %d", n))
}

// revCheckStill checks, with no commit running, that the store holds
// exactly commit v: every ID on its list, and none of commit v+1.
func revCheckStill(s *Store, v int64) error {
	var errs []error
	on := make(map[pass.ID]bool)
	for x := range revList(v) {
		on[x] = true
	}
	for j := int64(1); j <= v+1; j++ {
		for i := range revPer {
			x := id(revBatch(j), i)
			if got, err := s.Revoked(x); got != on[x] || err != nil {
				errs = append(errs, fmt.Errorf("at commit %d: Revoked(entry %d of commit %d) = %v, %v; want %v", v, i, j, got, err, on[x]))
			}
		}
	}
	if got, err := revCount(s); got != int64(len(on)) || err != nil {
		errs = append(errs, fmt.Errorf("at commit %d: %d revocations (%v), want %d", v, got, err, len(on)))
	}
	return errors.Join(errs...)
}

func revCount(s *Store) (int64, error) {
	st, err := s.Stats(context.Background())
	return st.Revocations, err
}

// widenCommitWindow has every commit pause before Apply's work after it,
// so that lookups run in the gap between a commit and anything done after
// it: were the filter updated only after the commit, they would see the
// revocations in SQLite but not in the filter.
func widenCommitWindow(rng func() time.Duration) func() {
	testHookCommitted = func() { time.Sleep(rng()) }
	return func() { testHookCommitted = nil }
}

// TestRevocationLookupsInterleaveCommits runs lookups on two goroutines
// while commits add, remove and replace revocations, closing and
// reopening the store (the filter rebuilt from the table) now and then:
// no lookup may miss a revocation that is in the store, nor report one
// that is not.
func TestRevocationLookupsInterleaveCommits(t *testing.T) {
	defer widenCommitWindow(func() time.Duration { return 2 * time.Millisecond })()
	ctx := context.Background()
	p := dbPath(t)
	const commits, reopenEvery, readers = 48, 16, 2
	var k int64
	checked := 0
	for k < commits {
		s := openT(t, p, nil)
		var (
			stop atomic.Bool
			wg   sync.WaitGroup
			mu   sync.Mutex
			errs []error
			seen = map[int64]bool{}
		)
		for r := range readers {
			rng := rand.New(rand.NewPCG(uint64(k), uint64(r)))
			wg.Go(func() {
				for !stop.Load() {
					v, err := revLookups(s, rng)
					mu.Lock()
					seen[v] = true
					if err != nil {
						errs = append(errs, err)
						stop.Store(true)
					}
					mu.Unlock()
				}
			})
		}
		for range reopenEvery {
			k++
			if err := revCommit(ctx, s, k); err != nil {
				t.Fatalf("commit %d: %v", k, err)
			}
			if stop.Load() {
				break
			}
		}
		time.Sleep(5 * time.Millisecond) // lookups on the last commit too
		stop.Store(true)
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		if err := revCheckStill(s, k); err != nil {
			t.Fatal(err)
		}
		checked += len(seen)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// Lookups must have run against most commits, or the test proved
	// little.
	if checked < commits/2 {
		t.Errorf("lookups ran against %d of %d commits, want at least half", checked, commits)
	}
}

// revCrashEnv makes the test binary a child that runs the workload with
// lookups until it is killed (see TestRevocationLookupsAcrossPowerCuts).
const revCrashEnv = "VENUEKIOSK_STORE_REVOCATION_CHILD"

// revCrashChild continues the workload on the database at path from the
// commit it holds, with two goroutines looking up, until killed. A lookup
// that goes wrong ends it with status 6 and the error on stderr.
func revCrashChild(path string) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	widenCommitWindow(func() time.Duration { return time.Duration(rng.IntN(2000)) * time.Microsecond })
	s, err := Open(ctx, path, &Opts{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child: open:", err)
		os.Exit(3)
	}
	dv, _, err := s.DataVersion(ctx, revLive)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child: version:", err)
		os.Exit(4)
	}
	for r := range 2 {
		go func() {
			rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(r)))
			for {
				if _, err := revLookups(s, rng); err != nil {
					fmt.Fprintln(os.Stderr, "child: lookup:", err)
					os.Exit(6)
				}
			}
		}()
	}
	fmt.Println("ready")
	for k := dv.Version + 1; ; k++ {
		if err := revCommit(ctx, s, k); err != nil {
			fmt.Fprintln(os.Stderr, "child: commit:", err)
			os.Exit(5)
		}
	}
}

// TestRevocationLookupsAcrossPowerCuts kills (SIGKILL) a child process
// that commits the workload while it looks revocations up, at random
// moments, and reopens the database each time: the child's lookups never
// miss a revocation in the store, and after each cut the filter built at
// Open agrees with the table, which holds exactly the commits that
// returned.
func TestRevocationLookupsAcrossPowerCuts(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	p := dbPath(t)
	const rounds = 12
	var last int64
	for round := range rounds {
		cutChild(t, round, revCrashEnv, p, true, time.Duration(50+rng.IntN(250))*time.Millisecond)

		s, err := Open(context.Background(), p, testOpts(nil))
		if err != nil {
			t.Fatalf("round %d: Open after SIGKILL: %v", round, err)
		}
		dv, _, err := s.DataVersion(context.Background(), revLive)
		if err == nil {
			err = revCheckStill(s, dv.Version)
		}
		s.Close()
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if dv.Version < last {
			t.Fatalf("round %d: commit %d after commit %d: a commit was lost", round, dv.Version, last)
		}
		last = dv.Version
	}
	if last < rounds {
		t.Fatalf("%d commits in %d rounds; the test checked little", last, rounds)
	}
	t.Logf("%d commits over %d kills", last, rounds)
}
