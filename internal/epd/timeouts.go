package epd

import (
	"fmt"
	"time"
)

// Timeouts bound each BUSY wait. A zero field takes its default.
type Timeouts struct {
	Command time.Duration // reset, software reset, power on/off, waveform loading
	Full    time.Duration
	Fast    time.Duration
	Partial time.Duration
}

// Bounds on a timeout.
const (
	minTimeout = time.Millisecond
	maxTimeout = 5 * time.Minute
)

// defaultCommandTimeout bounds the short waits. The datasheets give a few
// milliseconds (SSD168x software reset) to about a hundred (UC8179 power
// on); a second leaves room for slow boards.
const defaultCommandTimeout = time.Second

// defaultTimeouts returns the timeouts for m: three times the typical
// refresh time, and at least 2 s; a panel is slower in the cold.
func defaultTimeouts(m Model) Timeouts {
	f := func(d time.Duration) time.Duration { return max(3*d, 2*time.Second) }
	fast := m.FastTime
	if fast == 0 {
		fast = m.FullTime
	}
	return Timeouts{Command: defaultCommandTimeout, Full: f(m.FullTime), Fast: f(fast), Partial: f(m.PartialTime)}
}

// resolve fills t's zero fields from m's defaults and checks the bounds.
func (t Timeouts) resolve(m Model) (Timeouts, error) {
	d := defaultTimeouts(m)
	for _, p := range []struct {
		v   *time.Duration
		def time.Duration
		n   string
	}{{&t.Command, d.Command, "command"}, {&t.Full, d.Full, "full"}, {&t.Fast, d.Fast, "fast"}, {&t.Partial, d.Partial, "partial"}} {
		if *p.v == 0 {
			*p.v = p.def
		}
		if *p.v < minTimeout || *p.v > maxTimeout {
			return t, fmt.Errorf("epd: %s timeout %v: want %v to %v", p.n, *p.v, minTimeout, maxTimeout)
		}
	}
	return t, nil
}

// For returns the timeout for a refresh of kind k.
func (t Timeouts) For(k Refresh) time.Duration {
	switch k {
	case Fast:
		return t.Fast
	case Partial:
		return t.Partial
	}
	return t.Full
}
