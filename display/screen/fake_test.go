package screen

import (
	"errors"
	"image"
	"sync"
	"time"
)

// fakeClock is a settable Clock whose timers fire when Advance passes them.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers map[*fakeTimer]bool
}

func newFakeClock(t time.Time) *fakeClock {
	return &fakeClock{now: t, timers: map[*fakeTimer]bool{}}
}

type fakeTimer struct {
	fc *fakeClock
	at time.Time
	c  chan time.Time
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) NewTimer(d time.Duration) Timer {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := &fakeTimer{fc: f, at: f.now.Add(d), c: make(chan time.Time, 1)}
	if d <= 0 {
		t.c <- f.now
		return t
	}
	f.timers[t] = true
	return t
}

// Advance moves the clock on and fires the timers due.
func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	for t := range f.timers {
		if !t.at.After(f.now) {
			t.c <- f.now
			delete(f.timers, t)
		}
	}
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

func (t *fakeTimer) Stop() bool {
	t.fc.mu.Lock()
	defer t.fc.mu.Unlock()
	active := t.fc.timers[t]
	delete(t.fc.timers, t)
	return active
}

// call is one refresh the panel received.
type call struct {
	full bool
	r    image.Rectangle
	img  *image.Gray // a copy of the frame passed
}

// fakePanel records refreshes.
type fakePanel struct {
	bounds image.Rectangle

	mu       sync.Mutex
	calls    []call
	failNext bool
	bytes    uint64
	notify   chan call // optional: every call is also sent here
}

func (p *fakePanel) Bounds() image.Rectangle { return p.bounds }

func (p *fakePanel) record(full bool, img image.Image, r image.Rectangle) error {
	g := img.(*image.Gray)
	cp := image.NewGray(g.Bounds())
	copy(cp.Pix, g.Pix)
	p.mu.Lock()
	if p.failNext {
		p.failNext = false
		p.mu.Unlock()
		return errors.New("busy pin stuck")
	}
	c := call{full: full, r: r, img: cp}
	p.calls = append(p.calls, c)
	p.bytes += uint64(r.Dx()*r.Dy()) / 8
	ch := p.notify
	p.mu.Unlock()
	if ch != nil {
		ch <- c
	}
	return nil
}

func (p *fakePanel) Full(img image.Image) error { return p.record(true, img, p.bounds) }

func (p *fakePanel) Partial(img image.Image, r image.Rectangle) error {
	if !r.In(p.bounds) || r.Empty() {
		return errors.New("window outside the panel")
	}
	return p.record(false, img, r)
}

func (p *fakePanel) BytesSent() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.bytes
}

// take returns the calls since the last take.
func (p *fakePanel) take() []call {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.calls
	p.calls = nil
	return c
}

// preparingPanel is a fakePanel that can wake ahead (Preparer): it
// records when PreparePartial was called.
type preparingPanel struct {
	*fakePanel
	clk      *fakeClock
	prepared []time.Time
}

var _ Preparer = (*preparingPanel)(nil)

func (p *preparingPanel) PreparePartial() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.prepared = append(p.prepared, p.clk.Now())
	return nil
}

func (p *preparingPanel) preparedAt() []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Time(nil), p.prepared...)
}
