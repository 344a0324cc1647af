package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// OutboxMessage is one message waiting in the outbox for the fleet broker
// (firmware/fleet). The store keeps its bytes and its order; what a body
// means is the fleet package's business.
type OutboxMessage struct {
	// Seq is the message's number, given by OutboxAdd. It only grows and
	// is never given twice, even after newer rows were deleted.
	Seq    int64
	Kind   string // 1 to 16 of a-z, e.g. "status", "counters"
	Topic  string // 1 to 256 bytes
	Retain bool
	Body   []byte // 1 byte to 64 KiB (maxOutboxBody)
	// QueuedAt is when it was queued (unix seconds).
	QueuedAt time.Time
	// Sent says a publish was attempted (OutboxMarkSent): the broker may
	// have it. A sent message is never merged or dropped by the Tx methods.
	Sent bool
}

// Bounds of the outbox. The fleet package keeps its queue far smaller and
// merges before it gets there; maxOutbox is the store's own guard.
const (
	maxOutbox     = 100_000
	maxOutboxBody = 64 << 10
	maxOutboxMark = 4096
	maxOutboxRead = 1000
)

// ErrOutboxFull says OutboxAdd found 100,000 (maxOutbox) messages waiting; nothing
// was written.
var ErrOutboxFull = errors.New("store: outbox full")

var (
	outboxKind = regexp.MustCompile(`^[a-z]{1,16}$`)
	outboxMark = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)
)

func checkOutbox(m OutboxMessage) error {
	switch {
	case !outboxKind.MatchString(m.Kind):
		return invalid("outbox message", "kind %q: want 1 to 16 of a-z", m.Kind)
	case m.Topic == "" || len(m.Topic) > 256:
		return invalid("outbox message", "topic is %d bytes; want 1 to 256", len(m.Topic))
	case len(m.Body) == 0 || len(m.Body) > maxOutboxBody:
		return invalid("outbox message", "body is %d bytes; want 1 to %d", len(m.Body), maxOutboxBody)
	case m.QueuedAt.IsZero() || m.QueuedAt.Unix() < 0:
		return invalid("outbox message", "queued time %v out of range", m.QueuedAt)
	}
	return nil
}

// OutboxAdd queues m (Seq and Sent are ignored) and returns its number.
// More than 100,000 (maxOutbox) messages waiting is ErrOutboxFull.
func (tx *Tx) OutboxAdd(m OutboxMessage) (int64, error) {
	if err := tx.begin(); err != nil {
		return 0, err
	}
	if err := checkOutbox(m); err != nil {
		return 0, err
	}
	n, err := tx.OutboxLen()
	if err != nil {
		return 0, err
	}
	if n >= maxOutbox {
		return 0, ErrOutboxFull
	}
	res, err := tx.exec("INSERT INTO outbox(kind, topic, retain, body, queued_at) VALUES (?,?,?,?,?)",
		m.Kind, m.Topic, m.Retain, m.Body, m.QueuedAt.Unix())
	if err != nil {
		return 0, fmt.Errorf("store: outbox: %w", err)
	}
	return res.LastInsertId()
}

// OutboxLen counts the messages waiting.
func (tx *Tx) OutboxLen() (int, error) {
	if err := tx.begin(); err != nil {
		return 0, err
	}
	var n int
	err := tx.tx.QueryRowContext(tx.ctx, "SELECT count(*) FROM outbox").Scan(&n)
	return n, err
}

// OutboxDropUnsent deletes every message of kind that was never sent (a
// status superseded by a newer one) and says how many.
func (tx *Tx) OutboxDropUnsent(kind string) (int64, error) {
	if err := tx.begin(); err != nil {
		return 0, err
	}
	if !outboxKind.MatchString(kind) {
		return 0, invalid("outbox", "kind %q: want 1 to 16 of a-z", kind)
	}
	res, err := tx.exec("DELETE FROM outbox WHERE kind = ? AND sent = 0", kind)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// OutboxUnsent returns up to n of the oldest never-sent messages of kind,
// oldest first.
func (tx *Tx) OutboxUnsent(kind string, n int) ([]OutboxMessage, error) {
	if err := tx.begin(); err != nil {
		return nil, err
	}
	if !outboxKind.MatchString(kind) {
		return nil, invalid("outbox", "kind %q: want 1 to 16 of a-z", kind)
	}
	if n < 1 || n > maxOutboxRead {
		return nil, invalid("outbox", "read of %d messages; want 1 to %d", n, maxOutboxRead)
	}
	rows, err := tx.tx.QueryContext(tx.ctx, "SELECT seq, kind, topic, retain, body, queued_at, sent FROM outbox WHERE kind = ? AND sent = 0 ORDER BY seq LIMIT ?", kind, n)
	if err != nil {
		return nil, err
	}
	return scanOutbox(rows)
}

// OutboxMerge folds message drop into message keep: keep's body becomes
// body and drop is deleted. Both must be waiting and never sent, and drop
// must be the older; otherwise nothing changes.
func (tx *Tx) OutboxMerge(drop, keep int64, body []byte) error {
	if err := tx.begin(); err != nil {
		return err
	}
	if drop >= keep {
		return invalid("outbox merge", "message %d is not older than %d", drop, keep)
	}
	if len(body) == 0 || len(body) > maxOutboxBody {
		return invalid("outbox merge", "body is %d bytes; want 1 to %d", len(body), maxOutboxBody)
	}
	res, err := tx.exec("UPDATE outbox SET body = ? WHERE seq = ? AND sent = 0", body, keep)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return invalid("outbox merge", "message %d is not waiting unsent", keep)
	}
	res, err = tx.exec("DELETE FROM outbox WHERE seq = ? AND sent = 0", drop)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return invalid("outbox merge", "message %d is not waiting unsent", drop)
	}
	return nil
}

// OutboxSetMark sets the bookmark name (1 to 64 of a-z 0-9 . _ -) to value
// (at most 4096 bytes) within the transaction.
func (tx *Tx) OutboxSetMark(name string, value []byte) error {
	if err := tx.begin(); err != nil {
		return err
	}
	if !outboxMark.MatchString(name) {
		return invalid("outbox mark", "name %q: want 1 to 64 of a-z 0-9 . _ -", name)
	}
	if len(value) > maxOutboxMark {
		return invalid("outbox mark "+name, "%d bytes; at most %d", len(value), maxOutboxMark)
	}
	if value == nil {
		value = []byte{}
	}
	_, err := tx.exec("INSERT INTO outbox_marks(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value", name, value)
	return err
}

// OutboxMark returns the bookmark name; ok is false when it was never set.
func (s *Store) OutboxMark(ctx context.Context, name string) (value []byte, ok bool, err error) {
	if err := s.check(); err != nil {
		return nil, false, err
	}
	if !outboxMark.MatchString(name) {
		return nil, false, invalid("outbox mark", "name %q: want 1 to 64 of a-z 0-9 . _ -", name)
	}
	err = s.r.QueryRowContext(ctx, "SELECT value FROM outbox_marks WHERE name = ?", name).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return value, err == nil, err
}

// OutboxPending returns up to n waiting messages numbered above after,
// oldest first: the order they must be sent in.
func (s *Store) OutboxPending(ctx context.Context, after int64, n int) ([]OutboxMessage, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if n < 1 || n > maxOutboxRead {
		return nil, invalid("outbox", "read of %d messages; want 1 to %d", n, maxOutboxRead)
	}
	rows, err := s.r.QueryContext(ctx, "SELECT seq, kind, topic, retain, body, queued_at, sent FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?", after, n)
	if err != nil {
		return nil, err
	}
	return scanOutbox(rows)
}

// OutboxLen counts the messages waiting.
func (s *Store) OutboxLen(ctx context.Context) (int, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM outbox").Scan(&n)
	return n, err
}

// OutboxMarkSent records that the messages numbered up to upTo are being
// published (one commit for a batch: call it before the first of them
// leaves).
func (s *Store) OutboxMarkSent(ctx context.Context, upTo int64) error {
	return s.Apply(ctx, func(tx *Tx) error {
		_, err := tx.exec("UPDATE outbox SET sent = 1 WHERE seq <= ? AND sent = 0", upTo)
		return err
	})
}

// OutboxAck deletes the messages numbered up to upTo, which the broker
// acknowledged, and says how many there were.
func (s *Store) OutboxAck(ctx context.Context, upTo int64) (int64, error) {
	var n int64
	err := s.Apply(ctx, func(tx *Tx) error {
		res, err := tx.exec("DELETE FROM outbox WHERE seq <= ?", upTo)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

func scanOutbox(rows *sql.Rows) ([]OutboxMessage, error) {
	defer rows.Close()
	var out []OutboxMessage
	for rows.Next() {
		var m OutboxMessage
		var at int64
		if err := rows.Scan(&m.Seq, &m.Kind, &m.Topic, &m.Retain, &m.Body, &at, &m.Sent); err != nil {
			return nil, err
		}
		m.QueuedAt = time.Unix(at, 0).UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}
