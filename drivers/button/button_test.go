package button

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

// rig runs a button on a fake pin; bounce, when set, runs during the
// debounce wait (to change the level as a bouncing contact would).
type rig struct {
	pin     *gpiotest.Pin
	dev     *Dev
	pressed atomic.Int32
	bounce  func()
}

func newRig(t *testing.T, opts *Opts) *rig {
	t.Helper()
	r := &rig{pin: &gpiotest.Pin{N: "BTN", EdgesChan: make(chan gpio.Level)}}
	d, err := New(r.pin, opts)
	if err != nil {
		t.Fatal(err)
	}
	d.sleep = func(ctx context.Context, _ time.Duration) {
		if r.bounce != nil {
			r.bounce()
		}
	}
	r.dev = d
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, func() { r.pressed.Add(1) }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run: got %v", err)
		}
	})
	return r
}

// edge delivers one edge and waits until Run has taken it.
func (r *rig) edge(l gpio.Level) { r.pin.EdgesChan <- l }

func (r *rig) settle(t *testing.T, want int32) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for r.pressed.Load() != want && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := r.pressed.Load(); got != want {
		t.Fatalf("presses: got %d, want %d", got, want)
	}
}

func TestPressActiveLow(t *testing.T) {
	r := newRig(t, nil)
	if r.pin.P != gpio.PullUp {
		t.Errorf("pull: got %v, want the pull-up", r.pin.P)
	}
	r.edge(gpio.Low) // press
	r.settle(t, 1)
	r.edge(gpio.Low)  // held: still one press
	r.edge(gpio.High) // released
	r.edge(gpio.High) // a release edge alone is no press
	r.edge(gpio.Low)  // second press
	r.settle(t, 2)
	if got := r.dev.Presses(); got != 2 {
		t.Errorf("Presses: got %d", got)
	}
}

func TestPressActiveHigh(t *testing.T) {
	r := newRig(t, &Opts{ActiveHigh: true})
	if r.pin.P != gpio.PullDown {
		t.Errorf("pull: got %v, want the pull-down", r.pin.P)
	}
	r.edge(gpio.Low) // idle level: nothing
	r.edge(gpio.High)
	r.settle(t, 1)
}

func TestBounceIsNoPress(t *testing.T) {
	r := newRig(t, nil)
	// The contact bounces back open within the debounce time.
	r.bounce = func() { r.pin.Out(gpio.High) }
	r.edge(gpio.Low)
	r.edge(gpio.High) // Run is waiting again: the bounce was dropped
	if got := r.pressed.Load(); got != 0 {
		t.Errorf("a bounce counted as %d presses", got)
	}
	r.bounce = nil
	r.edge(gpio.Low)
	r.settle(t, 1)
}

func TestNewRejects(t *testing.T) {
	if _, err := New(nil, nil); err == nil {
		t.Error("nil pin: want an error")
	}
	for _, d := range []time.Duration{time.Millisecond, time.Second, -time.Millisecond} {
		_, err := New(&gpiotest.Pin{EdgesChan: make(chan gpio.Level)}, &Opts{Debounce: d})
		if err == nil || !strings.Contains(err.Error(), "debounce") {
			t.Errorf("debounce %v: got %v", d, err)
		}
	}
	// A pin without edge detection.
	if _, err := New(&gpiotest.Pin{N: "NOEDGE"}, nil); err == nil {
		t.Error("a pin that cannot detect edges: want an error")
	}
	for _, name := range []string{"", strings.Repeat("G", 65), "NO_SUCH_PIN_XYZ"} {
		if _, err := Lookup(name); err == nil {
			t.Errorf("Lookup(%q): want an error", name)
		}
	}
}
