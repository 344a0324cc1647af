package button

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

// holdRig runs RunHold on a fake pin with a clock that moves only when
// the test says.
type holdRig struct {
	pin   *gpiotest.Pin
	dev   *Dev
	held  atomic.Int32
	mu    sync.Mutex
	t     time.Time
	reads int // calls of now
}

// press pushes the button down and waits until RunHold has read the
// clock (the press's start), so that later advances count.
func (r *holdRig) press(t *testing.T) {
	t.Helper()
	r.mu.Lock()
	n := r.reads
	r.mu.Unlock()
	r.pin.EdgesChan <- gpio.Low
	wait(t, "the press's start", func() bool { r.mu.Lock(); defer r.mu.Unlock(); return r.reads > n })
}

func (r *holdRig) advance(d time.Duration) {
	r.mu.Lock()
	r.t = r.t.Add(d)
	r.mu.Unlock()
}

func newHoldRig(t *testing.T, hold time.Duration) *holdRig {
	t.Helper()
	r := &holdRig{pin: &gpiotest.Pin{N: "OPEN", EdgesChan: make(chan gpio.Level)}, t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	d, err := New(r.pin, nil)
	if err != nil {
		t.Fatal(err)
	}
	d.sleep = func(context.Context, time.Duration) {}
	d.now = func() time.Time { r.mu.Lock(); defer r.mu.Unlock(); r.reads++; return r.t }
	r.dev = d
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.RunHold(ctx, hold, func() { r.held.Add(1) }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("RunHold: got %v", err)
		}
	})
	return r
}

// wait polls until cond holds (a hang guard, not a timing assertion).
func wait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestLongPress(t *testing.T) {
	r := newHoldRig(t, 3*time.Second)
	// A short press: down, 2 s, up.
	r.press(t)
	r.advance(2 * time.Second)
	r.pin.EdgesChan <- gpio.High
	time.Sleep(2 * holdPoll)
	if got := r.held.Load(); got != 0 {
		t.Fatalf("a 2 s press fired %d times", got)
	}
	// A long press fires once while still held, not again until released.
	r.press(t)
	r.advance(3 * time.Second)
	wait(t, "the long press", func() bool { return r.held.Load() == 1 })
	r.advance(10 * time.Second)
	time.Sleep(3 * holdPoll)
	if got := r.held.Load(); got != 1 {
		t.Errorf("held on: fired %d times, want once", got)
	}
	r.pin.EdgesChan <- gpio.High
	r.press(t)
	r.advance(3 * time.Second)
	wait(t, "the second long press", func() bool { return r.held.Load() == 2 })
	if got := r.dev.Presses(); got != 2 {
		t.Errorf("Presses: got %d", got)
	}
}

func TestRunHoldRejects(t *testing.T) {
	d, err := New(&gpiotest.Pin{EdgesChan: make(chan gpio.Level)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []time.Duration{0, 100 * time.Millisecond, time.Minute} {
		if err := d.RunHold(context.Background(), h, func() {}); err == nil {
			t.Errorf("hold %v: want an error", h)
		}
	}
}
