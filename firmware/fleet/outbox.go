package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/venuekiosk/venuekiosk/internal/store"
)

// Queue is where messages wait for the broker: a *store.Store.
type Queue interface {
	Apply(ctx context.Context, fn func(*store.Tx) error) error
	OutboxPending(ctx context.Context, after int64, n int) ([]store.OutboxMessage, error)
	OutboxLen(ctx context.Context) (int, error)
	OutboxMarkSent(ctx context.Context, upTo int64) error
	OutboxAck(ctx context.Context, upTo int64) (int64, error)
	OutboxMark(ctx context.Context, name string) ([]byte, bool, error)
}

var _ Queue = (*store.Store)(nil)

// Outbox kinds.
const (
	kindStatus   = "status"
	kindCounters = "counters"
)

// Bounds of Opts.QueueMax.
const (
	MinQueue     = 64
	DefaultQueue = 2000 // 83 days of hourly counters
)

// flushBatch is how many messages one sent mark (one commit) covers.
const flushBatch = 32

// ErrQueueFull says the outbox is full and holds fewer than two counters
// messages that could be merged; nothing was queued and the counts stay
// for the next period.
var ErrQueueFull = errors.New("fleet: outbox full and nothing left to merge")

// outbox keeps the queue's rules: statuses collapse, counters merge, order
// holds. One goroutine (the publisher's) uses it.
type outbox struct {
	q      Queue
	max    int
	log    *slog.Logger
	merged atomic.Int64
}

// mark is a bookmark written with a message.
type mark struct {
	name  string
	value []byte
}

// add queues body under kind, in one transaction with mark (when set). A
// status replaces every status not yet sent; a full outbox first merges
// its two oldest counters messages never sent.
func (o *outbox) add(ctx context.Context, kind, topic string, retain bool, body []byte, at time.Time, mk *mark) (int64, error) {
	var seq int64
	var merged int64
	err := o.q.Apply(ctx, func(tx *store.Tx) error {
		merged = 0
		if kind == kindStatus {
			if _, err := tx.OutboxDropUnsent(kindStatus); err != nil {
				return err
			}
		}
		n, err := tx.OutboxLen()
		if err != nil {
			return err
		}
		for ; n >= o.max; n-- {
			if err := mergeOldest(tx); err != nil {
				return err
			}
			merged++
		}
		seq, err = tx.OutboxAdd(store.OutboxMessage{Kind: kind, Topic: topic, Retain: retain, Body: body, QueuedAt: at})
		if err != nil {
			return err
		}
		if mk != nil {
			return tx.OutboxSetMark(mk.name, mk.value)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if merged > 0 {
		o.merged.Add(merged)
		o.log.Warn("fleet: outbox full; merged the oldest counters messages", "merges", merged, "max", o.max)
	}
	return seq, nil
}

// mergeOldest folds the oldest unsent counters message into the next one.
func mergeOldest(tx *store.Tx) error {
	cs, err := tx.OutboxUnsent(kindCounters, 2)
	if err != nil {
		return err
	}
	if len(cs) < 2 {
		return ErrQueueFull
	}
	var a, b Counters
	if err := json.Unmarshal(cs[0].Body, &a); err != nil {
		return fmt.Errorf("fleet: outbox message %d: %w", cs[0].Seq, err)
	}
	if err := json.Unmarshal(cs[1].Body, &b); err != nil {
		return fmt.Errorf("fleet: outbox message %d: %w", cs[1].Seq, err)
	}
	body, err := json.Marshal(Merge(a, b))
	if err != nil {
		return err
	}
	return tx.OutboxMerge(cs[0].Seq, cs[1].Seq, body)
}

// publishFunc sends one message and returns once the broker acknowledged
// it (QoS 1).
type publishFunc func(ctx context.Context, topic string, retain bool, payload []byte) error

// flush sends the waiting messages in order until the outbox is empty or a
// publish fails, and says how many left.
func (o *outbox) flush(ctx context.Context, pub publishFunc) (int, error) {
	sent := 0
	for {
		ms, err := o.q.OutboxPending(ctx, 0, flushBatch)
		if err != nil || len(ms) == 0 {
			return sent, err
		}
		if !ms[len(ms)-1].Sent {
			// One commit before the batch leaves: these may reach the
			// broker from now on, so they are never merged again.
			if err := o.q.OutboxMarkSent(ctx, ms[len(ms)-1].Seq); err != nil {
				return sent, err
			}
		}
		var acked int64
		for _, m := range ms {
			payload, err := wire(m)
			if err != nil {
				// Only a damaged row gets here; say so loudly and move on
				// rather than block every later message behind it.
				o.log.Error("fleet: dropping an unreadable outbox message", "seq", m.Seq, "kind", m.Kind, "err", err)
				acked = m.Seq
				continue
			}
			if err := pub(ctx, m.Topic, m.Retain, payload); err != nil {
				if acked > 0 {
					if aerr := o.ack(ctx, acked); aerr != nil {
						o.log.Warn("fleet: recording acknowledged messages", "err", aerr)
					}
				}
				return sent, err
			}
			acked = m.Seq
			sent++
		}
		if err := o.ack(ctx, acked); err != nil {
			return sent, err
		}
	}
}

// ack deletes what the broker acknowledged, even while ctx ends (a stop):
// otherwise those messages would go again after the restart.
func (o *outbox) ack(ctx context.Context, upTo int64) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_, err := o.q.OutboxAck(ctx, upTo)
	return err
}

// wire is the payload of an outbox message: its body with its number.
func wire(m store.OutboxMessage) ([]byte, error) {
	switch m.Kind {
	case kindStatus:
		var s Status
		if err := json.Unmarshal(m.Body, &s); err != nil {
			return nil, err
		}
		s.Seq = m.Seq
		return encode(&s, s.Venue, s.Kiosk)
	case kindCounters:
		var c Counters
		if err := json.Unmarshal(m.Body, &c); err != nil {
			return nil, err
		}
		c.Seq = m.Seq
		return encode(&c, c.Venue, c.Kiosk)
	}
	return nil, fmt.Errorf("unknown kind %q", m.Kind)
}
