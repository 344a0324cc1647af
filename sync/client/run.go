package client

import (
	"context"
	"math/rand/v2"
	"time"
)

// Schedule says when the next sync runs. A fleet polls one static
// repository: the interval is jittered so that kiosks started together do
// not stay together, and failures back off exponentially (with jitter)
// from MinRetry up to the interval, so that an outage at the source is not
// met by every kiosk at once when it ends.
type Schedule struct {
	// Interval between successful syncs (±20 %).
	Interval time.Duration
	// First is the longest wait before the first sync (uniform in [0,
	// First)); 0 syncs at once.
	First time.Duration
	// MinRetry is the first wait after a failure; default 30 s (never more
	// than Interval).
	MinRetry time.Duration
	// Rand returns a number in [0, 1); default math/rand/v2.
	Rand func() float64
}

func (s Schedule) rand() float64 {
	if s.Rand != nil {
		return s.Rand()
	}
	return rand.Float64()
}

// Next returns the wait after a sync; failures is how many syncs in a row
// failed (0: the last one succeeded).
func (s Schedule) Next(failures int) time.Duration {
	if failures <= 0 {
		return time.Duration(float64(s.Interval) * (0.8 + 0.4*s.rand()))
	}
	d := s.MinRetry
	if d <= 0 {
		d = 30 * time.Second
	}
	for i := 1; i < failures && d < s.Interval; i++ {
		d *= 2
	}
	d = min(d, s.Interval)
	// "Equal jitter": at least half the backoff, at most all of it.
	return d/2 + time.Duration(float64(d/2)*s.rand())
}

// Run syncs on sched until ctx ends, passing every outcome to report
// (which may be nil). It returns ctx's error.
func (c *Client) Run(ctx context.Context, sched Schedule, report func(*Result, error)) error {
	wait := time.Duration(0)
	if sched.First > 0 {
		wait = time.Duration(float64(sched.First) * sched.rand())
	}
	failures := 0
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		res, err := c.Sync(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			failures++
		} else {
			failures = 0
		}
		if report != nil {
			report(res, err)
		}
		t.Reset(sched.Next(failures))
	}
}
