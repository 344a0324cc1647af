package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func outMsg(kind string, n int) OutboxMessage {
	return OutboxMessage{Kind: kind, Topic: "venuekiosk/v/k/" + kind, Retain: kind == "status", Body: []byte(fmt.Sprintf(`{"n":%d}`, n)), QueuedAt: t0}
}

func addOut(t *testing.T, s *Store, ms ...OutboxMessage) []int64 {
	t.Helper()
	var seqs []int64
	apply(t, s, func(tx *Tx) error {
		for _, m := range ms {
			seq, err := tx.OutboxAdd(m)
			if err != nil {
				return err
			}
			seqs = append(seqs, seq)
		}
		return nil
	})
	return seqs
}

// bodies lists the waiting messages as "seq kind body".
func bodies(t *testing.T, s *Store) []string {
	t.Helper()
	ms, err := s.OutboxPending(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		out = append(out, fmt.Sprintf("%d %s %s", m.Seq, m.Kind, m.Body))
	}
	return out
}

func TestOutboxOrderAndNumbers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := dbPath(t)
	s := openT(t, p, nil)
	seqs := addOut(t, s, outMsg("counters", 1), outMsg("status", 2), outMsg("counters", 3))
	if !slices.Equal(seqs, []int64{1, 2, 3}) {
		t.Fatalf("numbers: got %v, want [1 2 3]", seqs)
	}
	ms, err := s.OutboxPending(ctx, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Seq != 2 || ms[1].Seq != 3 {
		t.Fatalf("pending after 1: got %+v", ms)
	}
	if m := ms[0]; m.Kind != "status" || !m.Retain || m.Topic != "venuekiosk/v/k/status" || string(m.Body) != `{"n":2}` || !m.QueuedAt.Equal(t0) || m.Sent {
		t.Errorf("round trip: got %+v", m)
	}
	// Acknowledge everything: the next number is still new.
	if n, err := s.OutboxAck(ctx, 3); err != nil || n != 3 {
		t.Fatalf("ack: got %d, %v; want 3", n, err)
	}
	if got := addOut(t, s, outMsg("counters", 4)); got[0] != 4 {
		t.Errorf("after emptying the outbox: got number %d, want 4", got[0])
	}
	// And after a restart.
	s.Close()
	s = openT(t, p, nil)
	if got := bodies(t, s); !slices.Equal(got, []string{`4 counters {"n":4}`}) {
		t.Errorf("after reopening: got %q", got)
	}
	s.OutboxAck(ctx, 4)
	if got := addOut(t, s, outMsg("counters", 5)); got[0] != 5 {
		t.Errorf("after reopening: got number %d, want 5", got[0])
	}
	if n, err := s.OutboxLen(ctx); err != nil || n != 1 {
		t.Errorf("len: got %d, %v; want 1", n, err)
	}
}

func TestOutboxAddRejects(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	good := outMsg("status", 1)
	for _, tc := range []struct {
		name string
		edit func(*OutboxMessage)
		want string
	}{
		{"empty kind", func(m *OutboxMessage) { m.Kind = "" }, `kind ""`},
		{"upper-case kind", func(m *OutboxMessage) { m.Kind = "Status" }, `kind "Status"`},
		{"long kind", func(m *OutboxMessage) { m.Kind = strings.Repeat("a", 17) }, "kind"},
		{"empty topic", func(m *OutboxMessage) { m.Topic = "" }, "topic is 0 bytes"},
		{"long topic", func(m *OutboxMessage) { m.Topic = strings.Repeat("t", 257) }, "topic is 257 bytes"},
		{"empty body", func(m *OutboxMessage) { m.Body = nil }, "body is 0 bytes"},
		{"large body", func(m *OutboxMessage) { m.Body = make([]byte, maxOutboxBody+1) }, "body is 65537 bytes"},
		{"no time", func(m *OutboxMessage) { m.QueuedAt = m.QueuedAt.AddDate(-3000, 0, 0) }, "queued time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := good
			tc.edit(&m)
			err := s.Apply(context.Background(), func(tx *Tx) error { _, err := tx.OutboxAdd(m); return err })
			var inv *InvalidError
			if !errors.As(err, &inv) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an InvalidError containing %q", err, tc.want)
			}
		})
	}
	if got := bodies(t, s); len(got) != 0 {
		t.Errorf("rejected messages were written: %q", got)
	}
	for _, n := range []int{0, -1, maxOutboxRead + 1} {
		if _, err := s.OutboxPending(context.Background(), 0, n); err == nil {
			t.Errorf("OutboxPending(n=%d): want an error", n)
		}
	}
}

func TestOutboxFull(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	apply(t, s, func(tx *Tx) error {
		_, err := tx.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
			INSERT INTO outbox(kind, topic, retain, body, queued_at) SELECT 'counters', 't', 0, x'7b7d', 0 FROM n`, maxOutbox-1)
		return err
	})
	addOut(t, s, outMsg("counters", 1)) // the last place
	err := s.Apply(context.Background(), func(tx *Tx) error { _, err := tx.OutboxAdd(outMsg("counters", 2)); return err })
	if !errors.Is(err, ErrOutboxFull) {
		t.Errorf("one past maxOutbox: got %v, want ErrOutboxFull", err)
	}
	if n, _ := s.OutboxLen(context.Background()); n != maxOutbox {
		t.Errorf("len: got %d, want %d", n, maxOutbox)
	}
}

func TestOutboxDropUnsent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	addOut(t, s, outMsg("status", 1), outMsg("counters", 2), outMsg("status", 3))
	if err := s.OutboxMarkSent(ctx, 1); err != nil {
		t.Fatal(err)
	}
	var dropped int64
	apply(t, s, func(tx *Tx) error {
		var err error
		dropped, err = tx.OutboxDropUnsent("status")
		return err
	})
	if dropped != 1 {
		t.Errorf("dropped %d, want 1 (the sent status stays)", dropped)
	}
	want := []string{`1 status {"n":1}`, `2 counters {"n":2}`}
	if got := bodies(t, s); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	ms, _ := s.OutboxPending(ctx, 0, 1)
	if !ms[0].Sent {
		t.Errorf("message 1 not marked sent")
	}
	if err := s.Apply(ctx, func(tx *Tx) error { _, err := tx.OutboxDropUnsent("Status!"); return err }); err == nil {
		t.Errorf("bad kind: want an error")
	}
}

func TestOutboxMerge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	addOut(t, s, outMsg("counters", 1), outMsg("counters", 2), outMsg("counters", 3), outMsg("status", 4))
	var unsent []OutboxMessage
	apply(t, s, func(tx *Tx) error {
		var err error
		unsent, err = tx.OutboxUnsent("counters", 2)
		return err
	})
	if len(unsent) != 2 || unsent[0].Seq != 1 || unsent[1].Seq != 2 {
		t.Fatalf("oldest two unsent: got %+v", unsent)
	}
	apply(t, s, func(tx *Tx) error { return tx.OutboxMerge(1, 2, []byte(`{"n":12}`)) })
	want := []string{`2 counters {"n":12}`, `3 counters {"n":3}`, `4 status {"n":4}`}
	if got := bodies(t, s); !slices.Equal(got, want) {
		t.Fatalf("after merge: got %q, want %q", got, want)
	}
	if err := s.OutboxMarkSent(ctx, 2); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		drop, keep int64
		body       []byte
		want       string
	}{
		{"sent keep", 1, 2, []byte("{}"), "message 2 is not waiting unsent"},
		{"sent drop", 2, 3, []byte("{}"), "message 2 is not waiting unsent"},
		{"missing", 9, 10, []byte("{}"), "message 10"},
		{"newer into older", 3, 2, []byte("{}"), "not older"},
		{"empty body", 2, 3, nil, "body is 0 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Apply(ctx, func(tx *Tx) error { return tx.OutboxMerge(tc.drop, tc.keep, tc.body) })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if got := bodies(t, s); !slices.Equal(got, want) {
		t.Errorf("refused merges changed the outbox: got %q, want %q", got, want)
	}
	err := s.Apply(ctx, func(tx *Tx) error { _, err := tx.OutboxUnsent("counters", 0); return err })
	if err == nil {
		t.Errorf("OutboxUnsent(0): want an error")
	}
}

func TestOutboxMarks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	if v, ok, err := s.OutboxMark(ctx, "fleet.counters"); ok || err != nil || v != nil {
		t.Fatalf("unset: got %q, %v, %v", v, ok, err)
	}
	apply(t, s, func(tx *Tx) error { return tx.OutboxSetMark("fleet.counters", []byte("one")) })
	// A mark set in a transaction that fails is not kept, nor its message.
	boom := errors.New("boom")
	err := s.Apply(ctx, func(tx *Tx) error {
		if _, err := tx.OutboxAdd(outMsg("counters", 1)); err != nil {
			return err
		}
		if err := tx.OutboxSetMark("fleet.counters", []byte("two")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if v, ok, err := s.OutboxMark(ctx, "fleet.counters"); !ok || err != nil || string(v) != "one" {
		t.Errorf("after a failed transaction: got %q, %v, %v; want one", v, ok, err)
	}
	if n, _ := s.OutboxLen(ctx); n != 0 {
		t.Errorf("after a failed transaction: %d messages, want 0", n)
	}
	for _, tc := range []struct {
		name, key string
		value     []byte
	}{
		{"empty name", "", nil},
		{"upper case", "Fleet", nil},
		{"too long name", strings.Repeat("a", 65), nil},
		{"too long value", "x", make([]byte, maxOutboxMark+1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Apply(ctx, func(tx *Tx) error { return tx.OutboxSetMark(tc.key, tc.value) })
			var inv *InvalidError
			if !errors.As(err, &inv) {
				t.Errorf("got %v, want an InvalidError", err)
			}
		})
	}
	if _, _, err := s.OutboxMark(ctx, "Bad Name"); err == nil {
		t.Errorf("OutboxMark(bad name): want an error")
	}
}
