package visits

import (
	"context"

	"github.com/venuekiosk/venuekiosk/firmware/scan"
	"github.com/venuekiosk/venuekiosk/firmware/store"
)

// Scanned implements scan.Sink: a scan whose pass authenticated (it has a
// pass ID) is recorded as a visit, unless it repeats the last scan within
// the repeat window, or its time is not trusted (a visit dated wrongly
// would match the wrong exposures and escape retention). It never waits:
// Run writes the visits.
func (l *Log) Scanned(r scan.Result) {
	if r.Staff || r.Repeat || !r.Trusted || r.Verdict == nil || r.Verdict.PassID.IsZero() {
		return
	}
	v := store.Visit{Hash: l.opts.Key.Hash(r.Verdict.PassID), At: r.At}
	l.mu.Lock()
	if len(l.pending) >= l.opts.QueueLen {
		l.mu.Unlock()
		if n := l.dropped.Add(1); n == 1 || n%1000 == 0 {
			l.log.Warn("visits: writer behind; visit dropped", "dropped_total", n)
		}
		return
	}
	l.pending = append(l.pending, v)
	l.mu.Unlock()
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// flush writes the pending visits in one transaction (each commit is an
// fsync on flash); on failure they wait for the next try.
func (l *Log) flush(ctx context.Context) {
	l.mu.Lock()
	batch := l.pending
	l.pending = nil
	l.mu.Unlock()
	for len(batch) > 0 {
		n := min(len(batch), store.MaxVisitBatch)
		if err := l.opts.Store.AddVisits(ctx, batch[:n]); err != nil {
			l.log.Error("visits: writing visits; kept for the next try", "err", err, "visits", len(batch))
			l.mu.Lock()
			l.pending = append(batch, l.pending...)
			if over := len(l.pending) - l.opts.QueueLen; over > 0 {
				l.pending = l.pending[over:]
				l.dropped.Add(uint64(over))
			}
			l.mu.Unlock()
			return
		}
		l.recorded.Add(uint64(n))
		batch = batch[n:]
	}
}
