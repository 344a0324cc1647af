// Package indicatortest has a recording indicator for other packages'
// tests: it remembers the signals shown, in order, and can wait for them.
package indicatortest

import (
	"context"
	"slices"
	"sync"

	"github.com/venuekiosk/venuekiosk/drivers/indicator"
)

// MaxRecorded bounds the signals a Recorder keeps; older ones are dropped
// (Count still counts them).
const MaxRecorded = 1024

// Recorder is an indicator.Indicator that records. The zero value is ready
// to use. It never blocks in Show.
type Recorder struct {
	// SelfTestErr is what SelfTest returns (set it before use).
	SelfTestErr error

	mu        sync.Mutex
	shown     []indicator.Signal
	count     int
	selfTests int
	closed    bool
	changed   chan struct{} // closed and replaced on every change
}

var _ indicator.Indicator = (*Recorder)(nil)

// Show implements indicator.Indicator. Signals after Close are not recorded.
func (r *Recorder) Show(s indicator.Signal) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	if len(r.shown) == MaxRecorded {
		r.shown = slices.Delete(r.shown, 0, 1)
	}
	r.shown = append(r.shown, s)
	r.count++
	r.notify()
}

// State implements indicator.Indicator: the last signal shown, with the
// light of that colour (no hold time, no buzzer).
func (r *Recorder) State() indicator.State {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || len(r.shown) == 0 {
		return indicator.State{}
	}
	s := r.shown[len(r.shown)-1]
	return indicator.State{Signal: s, Green: s == indicator.Green, Amber: s == indicator.Amber, Red: s == indicator.Red}
}

// SelfTest implements indicator.Indicator.
func (r *Recorder) SelfTest(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return indicator.ErrClosed
	}
	r.selfTests++
	r.notify()
	if err := ctx.Err(); err != nil {
		return err
	}
	return r.SelfTestErr
}

// Close implements indicator.Indicator.
func (r *Recorder) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	r.notify()
	return nil
}

// Shown returns the signals recorded, oldest first.
func (r *Recorder) Shown() []indicator.Signal {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.shown)
}

// Count returns how many signals were shown in all.
func (r *Recorder) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.count
}

// Last returns the latest signal, and false if none was shown.
func (r *Recorder) Last() (indicator.Signal, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.shown) == 0 {
		return indicator.Idle, false
	}
	return r.shown[len(r.shown)-1], true
}

// SelfTests returns how many self-tests were asked for.
func (r *Recorder) SelfTests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.selfTests
}

// Closed reports whether Close was called.
func (r *Recorder) Closed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}

// Reset forgets what was recorded (not Close).
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.shown, r.count, r.selfTests = nil, 0, 0
	r.notify()
}

// Wait returns the signals recorded once at least n signals were shown in
// all (see Count), or ctx's error.
func (r *Recorder) Wait(ctx context.Context, n int) ([]indicator.Signal, error) {
	for {
		r.mu.Lock()
		if r.count >= n {
			s := slices.Clone(r.shown)
			r.mu.Unlock()
			return s, nil
		}
		if r.changed == nil {
			r.changed = make(chan struct{})
		}
		ch := r.changed
		r.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return r.Shown(), ctx.Err()
		}
	}
}

// notify wakes waiters; r.mu is held.
func (r *Recorder) notify() {
	if r.changed != nil {
		close(r.changed)
		r.changed = nil
	}
}
