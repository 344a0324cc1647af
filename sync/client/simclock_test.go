package client

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// simClock is a simulated clock for the fleet benchmark: simulated time
// runs rate times as fast as real time (the rate may change between
// phases), and Sleep wakes sleepers by simulated time, all from one
// goroutine.
type simClock struct {
	mu       sync.Mutex
	baseReal time.Time
	baseSim  time.Time
	rate     float64 // simulated seconds per real second
	timers   simTimers
	stop     chan struct{}
	done     chan struct{}
}

type simTimer struct {
	at time.Time
	ch chan struct{}
}

type simTimers []simTimer

func (h simTimers) Len() int           { return len(h) }
func (h simTimers) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h simTimers) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *simTimers) Push(x any)        { *h = append(*h, x.(simTimer)) }
func (h *simTimers) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func newSimClock(start time.Time, rate float64) *simClock {
	c := &simClock{baseReal: time.Now(), baseSim: start, rate: rate, stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

func (c *simClock) nowLocked(real time.Time) time.Time {
	return c.baseSim.Add(time.Duration(float64(real.Sub(c.baseReal)) * c.rate))
}

// Now is the simulated time.
func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked(time.Now())
}

// SetRate changes how fast simulated time runs from now on.
func (c *simClock) SetRate(rate float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	real := time.Now()
	c.baseSim, c.baseReal, c.rate = c.nowLocked(real), real, rate
}

// Rate is the current rate.
func (c *simClock) Rate() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rate
}

// Sleep waits d of simulated time, or until ctx ends.
func (c *simClock) Sleep(ctx context.Context, d time.Duration) error {
	ch := make(chan struct{})
	c.mu.Lock()
	heap.Push(&c.timers, simTimer{at: c.nowLocked(time.Now()).Add(d), ch: ch})
	c.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Until sleeps until simulated time t.
func (c *simClock) Until(ctx context.Context, t time.Time) error {
	return c.Sleep(ctx, t.Sub(c.Now()))
}

func (c *simClock) run() {
	defer close(c.done)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-tick.C:
		}
		c.mu.Lock()
		now := c.nowLocked(time.Now())
		for len(c.timers) > 0 && !c.timers[0].at.After(now) {
			close(heap.Pop(&c.timers).(simTimer).ch)
		}
		c.mu.Unlock()
	}
}

// Close stops the clock's goroutine; sleepers left wait for their context.
func (c *simClock) Close() {
	close(c.stop)
	<-c.done
}
