package daemon

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/scan"
	"github.com/venuekiosk/venuekiosk/firmware/store"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// counters counts verdicts per day. The scan flow hands counts over without
// waiting; one goroutine writes them to the store, coalescing whatever
// piled up into one transaction (each commit is an fsync on flash).
type counters struct {
	st  *store.Store
	loc *time.Location

	mu      sync.Mutex
	pending map[time.Time]store.Counters // by day
	kick    chan struct{}
}

func newCounters(st *store.Store, loc *time.Location) *counters {
	return &counters{st: st, loc: loc, pending: map[time.Time]store.Counters{}, kick: make(chan struct{}, 1)}
}

// Scanned implements scan.Sink. A repeat within the window is not counted.
func (c *counters) Scanned(r scan.Result) {
	if r.Repeat {
		return
	}
	y, m, d := r.At.In(c.loc).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, c.loc)
	var add store.Counters
	switch r.Verdict.Status {
	case verify.Green:
		add.Green, add.Entries = 1, 1
	case verify.Amber:
		add.Amber = 1
	default:
		add.Red = 1
	}
	c.mu.Lock()
	p := c.pending[day]
	p.Green += add.Green
	p.Amber += add.Amber
	p.Red += add.Red
	p.Entries += add.Entries
	c.pending[day] = p
	c.mu.Unlock()
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// today returns today's counters: stored plus not yet written.
func (c *counters) today(ctx context.Context, now time.Time) store.Counters {
	y, m, d := now.In(c.loc).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, c.loc)
	got, err := c.st.Counters(ctx, day)
	if err != nil {
		slog.Warn("reading counters", "err", err)
	}
	c.mu.Lock()
	p := c.pending[day]
	c.mu.Unlock()
	got.Green += p.Green
	got.Amber += p.Amber
	got.Red += p.Red
	got.Entries += p.Entries
	return got
}

// run writes pending counts until ctx ends, then writes what is left.
func (c *counters) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			c.flush(context.Background())
			return
		case <-c.kick:
			c.flush(ctx)
		}
	}
}

func (c *counters) flush(ctx context.Context) {
	c.mu.Lock()
	batch := c.pending
	c.pending = map[time.Time]store.Counters{}
	c.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	err := c.st.Apply(ctx, func(tx *store.Tx) error {
		for day, n := range batch {
			if err := tx.AddCounters(day, n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		slog.Error("writing counters; kept for the next try", "err", err)
		c.mu.Lock()
		for day, n := range batch {
			p := c.pending[day]
			p.Green += n.Green
			p.Amber += n.Amber
			p.Red += n.Red
			p.Entries += n.Entries
			c.pending[day] = p
		}
		c.mu.Unlock()
	}
}
