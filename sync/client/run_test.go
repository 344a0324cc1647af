package client

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestScheduleNext(t *testing.T) {
	fixed := func(x float64) func() float64 { return func() float64 { return x } }
	s := Schedule{Interval: time.Hour, MinRetry: 30 * time.Second}
	for _, tc := range []struct {
		failures int
		rand     float64
		want     time.Duration
	}{
		{0, 0, 48 * time.Minute},
		{0, 0.5, time.Hour},
		{0, 0.75, 66 * time.Minute},
		{1, 0, 15 * time.Second},
		{1, 1, 30 * time.Second},
		{2, 1, time.Minute},
		{3, 1, 2 * time.Minute},
		{3, 0, time.Minute},
		{8, 1, 60 * time.Minute}, // 30 s × 2^7 = 64 min, capped at the interval
		{100, 1, 60 * time.Minute},
		{100, 0, 30 * time.Minute},
	} {
		t.Run(fmt.Sprintf("%d failures", tc.failures), func(t *testing.T) {
			s.Rand = fixed(tc.rand)
			if got := s.Next(tc.failures); got != tc.want {
				t.Errorf("Next(%d) with rand %v = %v, want %v", tc.failures, tc.rand, got, tc.want)
			}
		})
	}
	// Default retry.
	if got := (Schedule{Interval: time.Hour, Rand: fixed(1)}).Next(1); got != 30*time.Second {
		t.Errorf("default first retry %v, want 30s", got)
	}
	// An interval shorter than the retry caps it.
	if got := (Schedule{Interval: 10 * time.Second, Rand: fixed(1)}).Next(1); got != 10*time.Second {
		t.Errorf("retry with a 10s interval: %v", got)
	}
}

// TestRun: the loop syncs, backs off after failures, recovers and stops
// with its context.
func TestRun(t *testing.T) {
	a := newAuthority(t, 1, 1)
	a.publish(dataset(testIDs(1, 10)))
	k := newKiosk(t, a, "")
	ts := filepath.Join(a.dir, "timestamp.json")
	hidden := ts + ".hidden"
	if err := os.Rename(ts, hidden); err != nil { // the first syncs fail
		t.Fatal(err)
	}
	var mu sync.Mutex
	var outcomes []error
	done := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		defer close(done)
		err := k.cl.Run(ctx, Schedule{Interval: 20 * time.Millisecond, MinRetry: 5 * time.Millisecond, First: time.Millisecond}, func(r *Result, err error) {
			mu.Lock()
			outcomes = append(outcomes, err)
			n := len(outcomes)
			mu.Unlock()
			if n == 2 {
				os.Rename(hidden, ts)
			}
			if n == 4 {
				cancel()
			}
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("Run did not stop")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(outcomes) < 4 || outcomes[0] == nil || outcomes[1] == nil || outcomes[2] != nil || outcomes[3] != nil {
		t.Errorf("outcomes %v; want two failures, then successes", outcomes)
	}
	if k.version("revocations") != 1 {
		t.Error("Run did not apply the data")
	}
}

func TestCheckSpace(t *testing.T) {
	a := newAuthority(t, 1, 1)
	k := newKiosk(t, a, "")
	j := &job{files: []target{{name: "revocations/full.bin", ds: nil}}}
	j.files[0].ds = &dsFull
	if err := k.cl.checkSpace([]*job{j}); err == nil {
		t.Error("checkSpace allowed a list of 2^50 entries")
	}
	if err := k.cl.checkSpace(nil); err != nil {
		t.Errorf("checkSpace(nothing): %v", err)
	}
}

var dsFull = repoDataset(1 << 50)
