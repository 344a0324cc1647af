package daemon

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// counters counts verdicts per day. The scan flow hands counts over without
// waiting; one goroutine writes them to the store, coalescing whatever
// piled up into one transaction (each commit is an fsync on flash).
type counters struct {
	st  *store.Store
	loc *time.Location
	log *slog.Logger

	// flushMu keeps today from reading the store while a flush is
	// between taking the pending counts and committing them.
	flushMu sync.RWMutex

	mu       sync.Mutex                   // guards pending and inflight; never held across I/O
	pending  map[time.Time]store.Counters // by day
	inflight map[time.Time]store.Counters // being written
	kick     chan struct{}
}

func newCounters(st *store.Store, loc *time.Location, log *slog.Logger) *counters {
	return &counters{st: st, loc: loc, log: log, pending: map[time.Time]store.Counters{}, kick: make(chan struct{}, 1)}
}

// Scanned implements scan.Sink. A repeat within the window is not counted,
// nor a pass leaving (the visit log counts check-outs).
//
// While entry is open everyone goes in: a scan is counted as an entry,
// never as amber or red — the panel and the lights showed no refusal and
// no check, only a green pass as green (layout.OpenScanStatus), and the
// counters count what was shown.
func (c *counters) Scanned(r scan.Result) {
	if r.Repeat || r.Exit {
		return
	}
	y, m, d := r.At.In(c.loc).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, c.loc)
	var n store.Counters
	switch {
	case r.Verdict.Status == verify.Green:
		n.Green, n.Entries = 1, 1
	case r.Open:
		n.Entries = 1
	case r.Verdict.Status == verify.Amber:
		n.Amber = 1
	default:
		n.Red = 1
	}
	c.mu.Lock()
	c.pending[day] = add(c.pending[day], n)
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
	c.flushMu.RLock()
	defer c.flushMu.RUnlock()
	got, err := c.st.Counters(ctx, day)
	if err != nil {
		c.log.Warn("reading counters", "err", err)
	}
	c.mu.Lock()
	got = add(got, c.pending[day])
	got = add(got, c.inflight[day])
	c.mu.Unlock()
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
	c.flushMu.Lock()
	defer c.flushMu.Unlock()
	c.mu.Lock()
	batch := c.pending
	c.pending = map[time.Time]store.Counters{}
	c.inflight = batch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.inflight = nil
		c.mu.Unlock()
	}()
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
		c.log.Error("writing counters; kept for the next try", "err", err)
		c.mu.Lock()
		for day, n := range batch {
			c.pending[day] = add(c.pending[day], n)
		}
		c.mu.Unlock()
	}
}

func add(a, b store.Counters) store.Counters {
	return store.Counters{Green: a.Green + b.Green, Amber: a.Amber + b.Amber, Red: a.Red + b.Red, Entries: a.Entries + b.Entries}
}
