package client

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// Schedule says when the next sync runs. A fleet polls one static
// repository: the interval is jittered so that kiosks started together do
// not stay together, the first sync after a start waits a random part of
// First (a fleet powered on together does not arrive together), and
// failures back off exponentially (with jitter) from MinRetry up to the
// interval — the ceiling: a kiosk retries a failing server at most about
// once an interval, and notices its return within one — so that an outage
// at the source is not met by every kiosk at once when it ends. A server
// that answers 429 or 503 with Retry-After is not asked again before then
// (up to MaxRetryAfter).
type Schedule struct {
	// Interval between successful syncs (±20 %), and the ceiling of the
	// backoff after failures.
	Interval time.Duration
	// First is the longest wait before the first sync (uniform in [0,
	// First)); 0 syncs at once.
	First time.Duration
	// MinRetry is the first wait after a failure; default 30 s (never more
	// than Interval).
	MinRetry time.Duration
	// MaxRetryAfter bounds the wait a server's Retry-After asks for;
	// default 6 h (the wait is never shorter than the backoff's).
	MaxRetryAfter time.Duration
	// Rand returns a number in [0, 1); default math/rand/v2.
	Rand func() float64
	// Sleep waits d or until ctx ends (then it returns ctx's error);
	// default a timer. Tests and the fleet benchmark pass a simulated
	// clock's.
	Sleep func(ctx context.Context, d time.Duration) error
}

func (s Schedule) rand() float64 {
	if s.Rand != nil {
		return s.Rand()
	}
	return rand.Float64()
}

// FirstWait returns the wait before the first sync: uniform in [0, First).
func (s Schedule) FirstWait() time.Duration {
	if s.First <= 0 {
		return 0
	}
	return time.Duration(float64(s.First) * s.rand())
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

// After returns the wait after a sync that ended with err, the
// failures-th in a row (0 and a nil err: it succeeded): Next, or when the
// server asked for a pause (429 or 503 with Retry-After), that pause (at
// most MaxRetryAfter) plus up to a quarter more, so that the kiosks it
// told the same do not come back in the same second.
func (s Schedule) After(failures int, err error) time.Duration {
	d := s.Next(failures)
	var he *HTTPError
	if err == nil || !errors.As(err, &he) || he.RetryAfter <= 0 {
		return d
	}
	maxRA := s.MaxRetryAfter
	if maxRA <= 0 {
		maxRA = 6 * time.Hour
	}
	ra := min(he.RetryAfter, maxRA)
	return max(d, ra+time.Duration(float64(ra/4)*s.rand()))
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Run syncs on sched until ctx ends, passing every outcome to report
// (which may be nil). It returns ctx's error.
func (c *Client) Run(ctx context.Context, sched Schedule, report func(*Result, error)) error {
	wait := sched.FirstWait()
	pause := sched.Sleep
	if pause == nil {
		pause = sleep
	}
	failures := 0
	for {
		if err := pause(ctx, wait); err != nil || ctx.Err() != nil {
			return ctx.Err()
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
		wait = sched.After(failures, err)
	}
}
