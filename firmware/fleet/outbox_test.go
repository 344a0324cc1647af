package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/internal/store"
)

func newStore(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "kiosk.db"), &store.Opts{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// sink records what a publish function was given; it fails from the
// fail-th call on (0: never).
type sink struct {
	got  []store.OutboxMessage // Seq, Topic, Retain and the payload as Body
	fail int
}

func (s *sink) publish(_ context.Context, topic string, retain bool, payload []byte) error {
	if s.fail > 0 && len(s.got)+1 >= s.fail {
		return errors.New("link down")
	}
	var h Header
	if err := json.Unmarshal(payload, &h); err != nil {
		return err
	}
	s.got = append(s.got, store.OutboxMessage{Seq: h.Seq, Topic: topic, Retain: retain, Body: payload})
	return nil
}

func countersBody(t *testing.T, green int64, from time.Time) []byte {
	t.Helper()
	c := goodCounters()
	c.Seq, c.Green, c.Amber, c.Red, c.Entries = 0, green, 0, 0, green
	c.From, c.To = from, from.Add(time.Hour)
	return mustJSON(t, &c)
}

func statusBody(t *testing.T, state string) []byte {
	t.Helper()
	s := goodStatus()
	s.Seq, s.Scanner.State = 0, state
	return mustJSON(t, &s)
}

func TestOutboxStatusCollapses(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	o := &outbox{q: st, max: MinQueue, log: quiet()}
	o.add(ctx, kindCounters, "c", false, countersBody(t, 1, t0), t0, nil)
	for _, s := range []string{"a", "b", "c"} {
		if _, err := o.add(ctx, kindStatus, "s", true, statusBody(t, s), t0, nil); err != nil {
			t.Fatal(err)
		}
	}
	var k sink
	if n, err := o.flush(ctx, k.publish); err != nil || n != 2 {
		t.Fatalf("flush: got %d, %v; want 2 messages", n, err)
	}
	var s Status
	json.Unmarshal(k.got[1].Body, &s)
	if k.got[0].Topic != "c" || k.got[1].Topic != "s" || !k.got[1].Retain || s.Scanner.State != "c" {
		t.Errorf("got %s then %s (retain %v, scanner %q); want the counters, then only the last status, retained", k.got[0].Topic, k.got[1].Topic, k.got[1].Retain, s.Scanner.State)
	}
	if k.got[0].Seq != 1 || k.got[1].Seq != 4 {
		t.Errorf("numbers: got %d, %d; want 1, 4 (the number of the status queued last)", k.got[0].Seq, k.got[1].Seq)
	}
	if n, _ := st.OutboxLen(ctx); n != 0 {
		t.Errorf("outbox after flush: %d messages, want 0", n)
	}
}

// TestOutboxMergesOldestCounters fills a small outbox far past its bound:
// nothing is lost, the outbox stays bounded, and what leaves is in order.
func TestOutboxMergesOldestCounters(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	o := &outbox{q: st, max: MinQueue, log: quiet()}
	const periods = 200
	var want int64
	for i := 1; i <= periods; i++ {
		if _, err := o.add(ctx, kindCounters, "c", false, countersBody(t, int64(i), t0.Add(time.Duration(i)*time.Hour)), t0, nil); err != nil {
			t.Fatal(err)
		}
		want += int64(i)
		if i%10 == 0 {
			o.add(ctx, kindStatus, "s", true, statusBody(t, "x"), t0, nil)
		}
	}
	if n, _ := st.OutboxLen(ctx); n != MinQueue {
		t.Errorf("outbox holds %d messages, want %d", n, MinQueue)
	}
	if got := o.merged.Load(); got != periods+1-MinQueue {
		t.Errorf("merges: got %d, want %d", got, periods+1-MinQueue)
	}
	var k sink
	if _, err := o.flush(ctx, k.publish); err != nil {
		t.Fatal(err)
	}
	var green int64
	var nperiods int
	last := int64(0)
	var prevTo time.Time
	for _, m := range k.got {
		if m.Seq <= last {
			t.Errorf("message %d after %d: out of order", m.Seq, last)
		}
		last = m.Seq
		if m.Topic != "c" {
			continue
		}
		var c Counters
		if err := json.Unmarshal(m.Body, &c); err != nil {
			t.Fatal(err)
		}
		if c.From.Before(prevTo) {
			t.Errorf("period %v–%v overlaps the one before, which ended %v", c.From, c.To, prevTo)
		}
		prevTo = c.To
		green += c.Green
		nperiods += c.Periods
	}
	if green != want || nperiods != periods {
		t.Errorf("after merging: green %d over %d periods, want %d over %d", green, nperiods, want, periods)
	}
}

// TestOutboxNeverMergesSent: messages whose publish was attempted may be
// at the broker, so they are sent again as they are, never merged.
func TestOutboxNeverMergesSent(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	o := &outbox{q: st, max: MinQueue, log: quiet()}
	for i := 1; i <= 40; i++ {
		o.add(ctx, kindCounters, "c", false, countersBody(t, 1, t0.Add(time.Duration(i)*time.Hour)), t0, nil)
	}
	k := sink{fail: 4} // three arrive, the link breaks at the fourth
	if n, err := o.flush(ctx, k.publish); err == nil || n != 3 {
		t.Fatalf("flush: got %d, %v; want 3 and an error", n, err)
	}
	// Messages 4 to 32 were marked sent with their batch; fill up.
	for i := 41; i <= 200; i++ {
		if _, err := o.add(ctx, kindCounters, "c", false, countersBody(t, 1, t0.Add(time.Duration(i)*time.Hour)), t0, nil); err != nil {
			t.Fatal(err)
		}
	}
	ms, err := st.OutboxPending(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms[:29] {
		var c Counters
		json.Unmarshal(m.Body, &c)
		if m.Seq != int64(i+4) || !m.Sent || c.Periods != 1 {
			t.Errorf("message %d: seq %d sent %v periods %d; want seq %d, sent, untouched", i, m.Seq, m.Sent, c.Periods, i+4)
		}
	}
	k = sink{}
	if _, err := o.flush(ctx, k.publish); err != nil {
		t.Fatal(err)
	}
	total := 3
	for _, m := range k.got {
		var c Counters
		json.Unmarshal(m.Body, &c)
		total += int(c.Green)
	}
	if total != 200 {
		t.Errorf("counted %d across both flushes, want 200", total)
	}
}

func TestOutboxFullWithoutCounters(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	o := &outbox{q: st, max: MinQueue, log: quiet()}
	// A full outbox of sent messages: nothing can be merged.
	for i := 0; i < MinQueue; i++ {
		o.add(ctx, kindCounters, "c", false, countersBody(t, 1, t0), t0, nil)
	}
	st.OutboxMarkSent(ctx, MinQueue)
	mk := &mark{name: countersMark, value: []byte(`{"day":"x"}`)}
	_, err := o.add(ctx, kindCounters, "c", false, countersBody(t, 1, t0), t0, mk)
	if !errors.Is(err, ErrQueueFull) {
		t.Errorf("got %v, want ErrQueueFull", err)
	}
	if _, ok, _ := st.OutboxMark(ctx, countersMark); ok {
		t.Errorf("the bookmark moved although nothing was queued")
	}
}

func TestWireRefusesDamagedRows(t *testing.T) {
	for _, m := range []store.OutboxMessage{
		{Seq: 1, Kind: "status", Body: []byte("{")},
		{Seq: 1, Kind: "counters", Body: []byte(`{"v":1}`)}, // fails the message check
		{Seq: 1, Kind: "visits", Body: []byte(`{}`)},
	} {
		if _, err := wire(m); err == nil {
			t.Errorf("wire(%s %s): want an error", m.Kind, m.Body)
		}
	}
	b, err := wire(store.OutboxMessage{Seq: 42, Kind: "counters", Body: countersBody(t, 5, t0)})
	if err != nil {
		t.Fatal(err)
	}
	var c Counters
	json.Unmarshal(b, &c)
	if c.Seq != 42 || c.Green != 5 {
		t.Errorf("wire: got seq %d green %d, want 42 and 5", c.Seq, c.Green)
	}
}
