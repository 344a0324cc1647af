package store

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// crashEnv makes the test binary a crash-test child writing to the
// database it names (the usual re-exec pattern).
const crashEnv = "VENUEKIOSK_STORE_CRASH_CHILD"

// Each crash-test batch n, in one Apply: crashBatch new revocations
// id(n, 0…), the code list replaced by crashCodes red entries id(-n, 0…),
// one green entry counted, and data set "crash" set to version n.
const (
	crashBatch = 1000
	crashCodes = 200
)

func crashChild(path string) {
	ctx := context.Background()
	s, err := Open(ctx, path, &Opts{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child: open:", err)
		os.Exit(3)
	}
	fmt.Println("ready")
	for {
		v, _, err := s.DataVersion(ctx, "crash")
		if err != nil {
			fmt.Fprintln(os.Stderr, "child: version:", err)
			os.Exit(4)
		}
		n := v.Version + 1
		err = s.Apply(ctx, func(tx *Tx) error {
			if _, err := tx.AddRevocations(SliceSeq(ids(int(n), crashBatch))); err != nil {
				return err
			}
			codes := make([]CodeEntry, crashCodes)
			for i := range codes {
				codes[i] = CodeEntry{ID: id(-int(n), i), Code: pass.RedCode}
			}
			if _, err := tx.ReplaceCodes(SliceSeq(codes)); err != nil {
				return err
			}
			if err := tx.AddCounters(t0, Counters{Green: 1, Entries: 1}); err != nil {
				return err
			}
			return tx.SetDataVersion("crash", n, "crash-test", t0.Add(time.Duration(n)*time.Second))
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "child: apply:", err)
			os.Exit(5)
		}
	}
}

// TestCrashConsistency kills a writing child with SIGKILL at random
// moments, then opens the database and requires it sound and holding
// exactly the batches that committed.
func TestCrashConsistency(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	p := dbPath(t)
	const rounds = 15
	var last int64
	for round := range rounds {
		// Odd rounds may kill the child while it opens the database; even
		// rounds while it writes.
		cutChild(t, round, crashEnv, p, round%2 == 0, time.Duration(rng.IntN(100))*time.Millisecond)
		n := checkCrashDB(t, round, p)
		if n < last {
			t.Fatalf("round %d: batch %d after batch %d: a committed batch was lost", round, n, last)
		}
		last = n
	}
	if last == 0 {
		t.Fatalf("no batch committed in %d rounds; the test checked nothing", rounds)
	}
	t.Logf("%d batches committed over %d kills", last, rounds)
}

func checkCrashDB(t *testing.T, round int, p string) int64 {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, p, testOpts(nil))
	if err != nil {
		t.Fatalf("round %d: Open after SIGKILL: %v", round, err)
	}
	defer s.Close()
	if r := s.Status().Recovered; r != nil {
		t.Fatalf("round %d: the database was moved aside: %+v", round, r)
	}
	if msgs, err := s.IntegrityCheck(ctx); err != nil || len(msgs) > 0 {
		t.Fatalf("round %d: integrity_check: %q, %v", round, msgs, err)
	}
	v, _, err := s.DataVersion(ctx, "crash")
	if err != nil {
		t.Fatal(err)
	}
	n := v.Version
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := st.Revocations, n*crashBatch; got != want {
		t.Errorf("round %d: at batch %d: %d revocations, want %d", round, n, got, want)
	}
	wantCodes := int64(crashCodes)
	if n == 0 {
		wantCodes = 0
	}
	if st.Codes != wantCodes {
		t.Errorf("round %d: at batch %d: %d codes, want %d", round, n, st.Codes, wantCodes)
	}
	c, err := s.Counters(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	if c.Green != n || c.Entries != n {
		t.Errorf("round %d: at batch %d: counters %+v, want %d", round, n, c, n)
	}
	for k := int64(1); k <= n; k++ {
		for _, i := range []int{0, crashBatch - 1} {
			if ok, err := s.revokedContext(ctx, id(int(k), i)); !ok || err != nil {
				t.Fatalf("round %d: batch %d entry %d missing (%v)", round, k, i, err)
			}
		}
	}
	if ok, _ := s.revokedContext(ctx, id(int(n+1), 0)); ok {
		t.Errorf("round %d: batch %d is present though version says %d", round, n+1, n)
	}
	if n > 0 {
		for _, i := range []int{0, crashCodes - 1} {
			if c, err := s.codeContext(ctx, id(-int(n), i), t0); c != pass.RedCode || err != nil {
				t.Errorf("round %d: code entry %d of batch %d: %q, %v", round, i, n, c, err)
			}
		}
	}
	if ft, ok := s.DataTime(); n > 0 && ok {
		t.Errorf("round %d: DataTime %v, ok; want none (only the crash data set was applied)", round, ft)
	}
	return n
}
