package indicator

import (
	"bytes"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
	"periph.io/x/conn/v3/physic"
)

// fakeClock is a manual clock: timers fire only when Advance passes them.
// Every timer started is reported on armed.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
	armed  chan time.Duration
}

type fakeTimer struct {
	at time.Time
	c  chan time.Time
}

func newFakeClock(t time.Time) *fakeClock {
	return &fakeClock{now: t, armed: make(chan time.Duration, 256)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) NewTimer(d time.Duration) (<-chan time.Time, func()) {
	f.mu.Lock()
	t := &fakeTimer{at: f.now.Add(d), c: make(chan time.Time, 1)}
	f.timers = append(f.timers, t)
	f.mu.Unlock()
	f.armed <- d
	return t.c, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.timers = slices.DeleteFunc(f.timers, func(x *fakeTimer) bool { return x == t })
	}
}

// Advance moves the clock on by d and fires the timers due.
func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	f.timers = slices.DeleteFunc(f.timers, func(t *fakeTimer) bool {
		if t.at.After(f.now) {
			return false
		}
		t.c <- f.now
		return true
	})
}

// live returns the number of timers started and neither fired nor stopped.
func (f *fakeClock) live() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.timers)
}

// timeline records pin writes stamped with the fake clock.
type timeline struct {
	mu  sync.Mutex
	clk *fakeClock
	t0  time.Time
	ev  []string
}

func (tl *timeline) add(pin, op string) {
	at := tl.clk.Now().Sub(tl.t0)
	tl.mu.Lock()
	tl.ev = append(tl.ev, fmt.Sprintf("%v %s %s", at, pin, op))
	tl.mu.Unlock()
}

// take returns the events so far and forgets them.
func (tl *timeline) take() []string {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	ev := tl.ev
	tl.ev = nil
	return ev
}

// recPin is a gpiotest.Pin that records its writes on a timeline, and can
// refuse PWM, fail writes, or hold its first write until released.
type recPin struct {
	*gpiotest.Pin
	tl      *timeline
	pwmErr  error
	outErr  error
	entered chan struct{} // closed when a held write starts
	gate    chan struct{} // when non-nil, the first write waits for it
	once    sync.Once
}

func (p *recPin) Out(l gpio.Level) error {
	if p.gate != nil {
		p.once.Do(func() {
			close(p.entered)
			<-p.gate
		})
	}
	if p.outErr != nil {
		return p.outErr
	}
	p.tl.add(p.N, l.String())
	return p.Pin.Out(l)
}

func (p *recPin) PWM(d gpio.Duty, f physic.Frequency) error {
	if p.pwmErr != nil {
		p.tl.add(p.N, "PWM refused")
		return p.pwmErr
	}
	p.tl.add(p.N, fmt.Sprintf("PWM %v %v", d, f))
	return p.Pin.PWM(d, f)
}

// start is the fake clock's reading when a harness starts: noon, not quiet.
var start = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// harness is a Dev on recording pins and a fake clock.
type harness struct {
	t       *testing.T
	clk     *fakeClock
	tl      *timeline
	g, a, r *recPin
	bz      *recPin
	dev     *Dev
	settled chan uint64
	n       uint64 // requests submitted through the harness
	log     *bytes.Buffer
	init    []string // the writes New made
}

// newHarness builds the pins, lets setup change them, and starts a Dev.
// The writes New makes are dropped from the timeline.
func newHarness(t *testing.T, opts Opts, setup func(h *harness)) *harness {
	t.Helper()
	h := &harness{t: t, settled: make(chan uint64, 256), log: &bytes.Buffer{}}
	h.clk = newFakeClock(start)
	if opts.Now != nil {
		h.clk.now = opts.Now()
	}
	h.tl = &timeline{clk: h.clk, t0: h.clk.now}
	mk := func(name string) *recPin { return &recPin{Pin: &gpiotest.Pin{N: name}, tl: h.tl} }
	h.g, h.a, h.r, h.bz = mk("green"), mk("amber"), mk("red"), mk("buzzer")
	if setup != nil {
		setup(h)
	}
	opts.Now = h.clk.Now
	opts.NewTimer = h.clk.NewTimer
	opts.Logger = slog.New(slog.NewTextHandler(&syncWriter{w: h.log}, nil))
	pins := Pins{}
	if h.g != nil {
		pins.Green = h.g
	}
	if h.a != nil {
		pins.Amber = h.a
	}
	if h.r != nil {
		pins.Red = h.r
	}
	if h.bz != nil {
		pins.Buzzer = h.bz
	}
	d, err := newDev(pins, &opts, func(n uint64) { h.settled <- n })
	if err != nil {
		t.Fatalf("newDev: %v", err)
	}
	h.dev = d
	t.Cleanup(func() { d.Close() })
	h.init = h.tl.take()
	return h
}

func (h *harness) show(s Signal) {
	h.n++
	h.dev.Show(s)
}

// settle advances the fake clock timer by timer until the Dev has taken
// the latest request and waits with no timer running.
func (h *harness) settle() {
	h.t.Helper()
	deadline := time.After(10 * time.Second) // a hang guard, not a timing assertion
	for {
		select {
		case n := <-h.settled:
			if n >= h.n {
				return
			}
		case d := <-h.clk.armed:
			h.clk.Advance(d)
		case <-deadline:
			h.t.Fatalf("the device did not settle; events so far: %q", h.tl.take())
		}
	}
}

// awaitArmed waits for the Dev to start a timer and returns its duration.
func (h *harness) awaitArmed() time.Duration {
	h.t.Helper()
	select {
	case d := <-h.clk.armed:
		return d
	case <-time.After(10 * time.Second):
		h.t.Fatalf("no timer started; events so far: %q", h.tl.take())
	}
	return 0
}

// logText returns what was logged.
func (h *harness) logText() string {
	syncMu.Lock()
	defer syncMu.Unlock()
	return h.log.String()
}

var syncMu sync.Mutex

// syncWriter serialises writes to a shared buffer.
type syncWriter struct{ w *bytes.Buffer }

func (s *syncWriter) Write(b []byte) (int, error) {
	syncMu.Lock()
	defer syncMu.Unlock()
	return s.w.Write(b)
}

// diff compares timelines line by line.
func diff(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\ngot  %q\nwant %q", what, got, want)
	}
}

// pendingTest reports whether a self-test waits to be taken by the loop.
func (d *Dev) pendingTest() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pending != nil && d.pending.test
}
