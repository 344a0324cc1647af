package visits

import (
	"context"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// entry is a scan waiting to be written: a check-in, or a check-out.
type entry struct {
	hash store.VisitHash
	at   time.Time
	exit bool
}

// Scanned implements scan.Sink: a scan whose pass authenticated (it has a
// pass ID) is recorded, unless it repeats the last scan within the repeat
// window, or its time is not trusted (a visit dated wrongly would match
// the wrong exposures and escape retention). An entry scan records a
// check-in; an exit scan (r.Exit) a check-out, which closes the pass's
// latest check-in of the same day at this kiosk, and is dropped when there
// is none. It never waits: Run writes them.
func (l *Log) Scanned(r scan.Result) {
	if r.Staff || r.Repeat || !r.Trusted || r.Verdict == nil || r.Verdict.PassID.IsZero() {
		return
	}
	e := entry{hash: l.opts.Key.Hash(r.Verdict.PassID), at: r.At, exit: r.Exit}
	l.mu.Lock()
	if len(l.pending) >= l.opts.QueueLen {
		l.mu.Unlock()
		if n := l.dropped.Add(1); n == 1 || n%1000 == 0 {
			l.log.Warn("visits: writer behind; visit dropped", "dropped_total", n)
		}
		return
	}
	l.pending = append(l.pending, e)
	l.mu.Unlock()
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// dayStart returns the start of the day at belongs to, in the kiosk's
// time zone: a check-out closes a check-in from then on.
func (l *Log) dayStart(at time.Time) time.Time {
	y, m, d := at.In(l.opts.Location).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, l.opts.Location)
}

// written counts what one transaction wrote.
type written struct {
	checkIns, checkOuts, ignored uint64
}

// write writes es, in order, within tx: runs of check-ins in one
// statement, each check-out on its own.
func (l *Log) write(tx *store.Tx, es []entry) (written, error) {
	var w written
	for i := 0; i < len(es); {
		if es[i].exit {
			ok, err := tx.CheckOut(es[i].hash, l.dayStart(es[i].at), es[i].at)
			if err != nil {
				return w, err
			}
			if ok {
				w.checkOuts++
			} else {
				w.ignored++
			}
			i++
			continue
		}
		j := i
		for j < len(es) && !es[j].exit {
			j++
		}
		vs := make([]store.Visit, 0, j-i)
		for _, e := range es[i:j] {
			vs = append(vs, store.Visit{Hash: e.hash, At: e.at})
		}
		if err := tx.AddVisits(vs); err != nil {
			return w, err
		}
		w.checkIns += uint64(len(vs))
		i = j
	}
	return w, nil
}

// flush writes the pending check-ins and check-outs in one transaction
// (each commit is an fsync on flash); on failure they wait for the next
// try.
func (l *Log) flush(ctx context.Context) {
	l.mu.Lock()
	batch := l.pending
	l.pending = nil
	l.mu.Unlock()
	for len(batch) > 0 {
		n := min(len(batch), store.MaxVisitBatch)
		var w written
		err := l.opts.Store.Apply(ctx, func(tx *store.Tx) (err error) {
			w, err = l.write(tx, batch[:n])
			return err
		})
		if err != nil {
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
		l.recorded.Add(w.checkIns)
		l.checkedOut.Add(w.checkOuts)
		if w.ignored > 0 {
			l.log.Info("visits: check-out without a check-in the same day; ignored", "count", w.ignored)
		}
		l.ignoredExits.Add(w.ignored)
		batch = batch[n:]
	}
}
