package fleet

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/internal/fleettest"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// childBroker, in the environment, makes the test binary a kiosk (for the
// last-will test, which kills it).
const childBroker = "FLEET_TEST_CHILD_BROKER"

func TestMain(m *testing.M) {
	if b := os.Getenv(childBroker); b != "" {
		os.Exit(runChild(b))
	}
	os.Exit(m.Run())
}

// runChild runs a publisher until it is killed.
func runChild(broker string) int {
	dir, err := os.MkdirTemp("", "fleet-child")
	if err != nil {
		return 1
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(context.Background(), filepath.Join(dir, "kiosk.db"), &store.Opts{Logger: quiet()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	p, err := New(Opts{Broker: broker, Venue: "V1", Kiosk: "KCHILD", Source: &fakeSource{s: okSnapshot()}, Tally: st, Queue: st, Logger: quiet()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	p.Run(context.Background())
	return 0
}

// fakeSource is a kiosk state the test sets.
type fakeSource struct {
	mu sync.Mutex
	s  Snapshot
}

func (f *fakeSource) Snapshot(context.Context) Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.s
	s.Data = append([]DataSet(nil), f.s.Data...)
	return s
}

func (f *fakeSource) set(edit func(*Snapshot)) {
	f.mu.Lock()
	edit(&f.s)
	f.mu.Unlock()
}

func okSnapshot() Snapshot {
	return Snapshot{Firmware: "test", Slot: "A", Uptime: 10,
		Data:    []DataSet{{Name: "revocations", Version: 3, Signed: time.Now().Add(-time.Hour)}},
		Clock:   Clock{Trusted: true, Floor: time.Now().Add(-time.Minute)},
		Scanner: Device{OK: true, State: "connected"}, Panel: Device{OK: true, State: "emulated"}, Lights: Device{OK: true, State: "ok"}}
}

// kiosk is a publisher running against a broker with its own store.
type kiosk struct {
	p    *Publisher
	st   *store.Store
	src  *fakeSource
	stop func()
}

func startKiosk(t *testing.T, edit func(*Opts)) *kiosk {
	t.Helper()
	k := &kiosk{st: newStore(t), src: &fakeSource{s: okSnapshot()}}
	o := Opts{Venue: "V1", Kiosk: "K1", Source: k.src, Tally: k.st, Queue: k.st, Location: time.UTC,
		CheckEvery: 50 * time.Millisecond, RetryMax: time.Second, Logger: quiet()}
	edit(&o)
	p, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	k.p = p
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	var once sync.Once
	k.stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(k.stop)
	return k
}

// countNow ends a counters period now.
func (k *kiosk) countNow() { k.p.countNow <- struct{}{} }

func (k *kiosk) waitConnected(t *testing.T, want bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); k.p.Connected() != want; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("publisher connected = %v after 10s, want %v", !want, want)
		}
	}
}

// decoded returns the messages that decode, in order; it fails t on one
// that does not.
func decoded(t *testing.T, ms []fleettest.Msg) []*Message {
	t.Helper()
	var out []*Message
	for _, m := range ms {
		if len(m.Payload) == 0 {
			continue
		}
		d, err := Decode(m.Topic, m.Payload)
		if err != nil {
			t.Fatalf("a kiosk message does not decode: %v", err)
		}
		out = append(out, d)
	}
	return out
}

func has(pred func(*Message) bool) func([]fleettest.Msg) bool {
	return func(ms []fleettest.Msg) bool {
		for _, m := range ms {
			if d, err := Decode(m.Topic, m.Payload); err == nil && pred(d) {
				return true
			}
		}
		return false
	}
}

func TestBrokerStatusCountersOnline(t *testing.T) {
	t.Parallel()
	b := fleettest.Start(t, fleettest.Opts{Anonymous: true})
	watch := fleettest.MustDial(t, b.Addr, fleettest.DialOpts{ClientID: "watch", Subscribe: []string{AllTopics}})
	k := startKiosk(t, func(o *Opts) { o.Broker = b.URL() })

	watch.Wait(t, 10*time.Second, "online and a status", has(func(m *Message) bool {
		return m.Status != nil && m.Status.Boot == k.p.Boot() && m.Status.Scanner.OK
	}))
	k.src.set(func(s *Snapshot) { s.Scanner = Device{OK: false, State: "scanner unplugged"} })
	watch.Wait(t, 5*time.Second, "a status with the scanner fault", has(func(m *Message) bool {
		return m.Status != nil && !m.Status.Scanner.OK && m.Status.Scanner.State == "scanner unplugged"
	}))
	// Uptime alone is no change.
	n := len(watch.Msgs())
	k.src.set(func(s *Snapshot) { s.Uptime += 100 })
	time.Sleep(300 * time.Millisecond)
	if got := decoded(t, watch.Msgs()[n:]); len(got) != 0 {
		t.Errorf("a new uptime made %d messages; want none", len(got))
	}

	now := time.Now()
	k.st.AddCounters(context.Background(), now, store.Counters{Green: 3, Red: 1, Entries: 3})
	k.countNow()
	watch.Wait(t, 5*time.Second, "counters", has(func(m *Message) bool { return m.Counters != nil }))
	k.countNow()
	ms := watch.Wait(t, 5*time.Second, "a second counters message", func(ms []fleettest.Msg) bool {
		c := 0
		for _, m := range decoded(t, ms) {
			if m.Counters != nil {
				c++
			}
		}
		return c == 2
	})
	var counters []*Counters
	var last int64
	for _, m := range decoded(t, ms) {
		switch {
		case m.Online != nil:
			if !m.Online.Online || m.Online.Boot != k.p.Boot() {
				t.Errorf("online message: got %+v", m.Online)
			}
		case m.Status != nil, m.Counters != nil:
			h := m.Status
			var hd Header
			if h != nil {
				hd = h.Header
			} else {
				hd = m.Counters.Header
				counters = append(counters, m.Counters)
			}
			if hd.Boot != k.p.Boot() || hd.Seq <= last {
				t.Errorf("%s: boot %s seq %d after seq %d; want boot %s and a growing seq", m.Leaf, hd.Boot, hd.Seq, last, k.p.Boot())
			}
			last = hd.Seq
		}
	}
	if c := counters[0]; c.Green != 3 || c.Red != 1 || c.Entries != 3 || c.Periods != 1 {
		t.Errorf("first counters: got %+v", c.Counts)
	}
	if c := counters[1]; c.Green != 0 || c.Red != 0 || !c.From.Equal(counters[0].To) {
		t.Errorf("second counters: got %+v from %v; want zero counts from %v", c.Counts, c.From, counters[0].To)
	}

	// The broker keeps the state: a new subscriber gets the last status and
	// online at once, retained.
	late := fleettest.MustDial(t, b.Addr, fleettest.DialOpts{ClientID: "late", Subscribe: []string{AllTopics}})
	got := late.Wait(t, 5*time.Second, "retained status and online", func(ms []fleettest.Msg) bool { return len(ms) >= 2 })
	for _, m := range decoded(t, got) {
		switch {
		case m.Status != nil && m.Status.Scanner.OK:
			t.Errorf("retained status is not the newest: %+v", m.Status.Scanner)
		case m.Counters != nil:
			t.Errorf("counters were retained")
		}
	}
	for _, m := range got {
		if !m.Retain {
			t.Errorf("%s arrived to a new subscriber without the retain flag", m.Topic)
		}
	}

	// A clean stop says offline itself (a clean DISCONNECT has no will).
	k.stop()
	watch.Wait(t, 5*time.Second, "offline at a clean stop", has(func(m *Message) bool {
		return m.Online != nil && !m.Online.Online && m.Online.At != nil
	}))
}

// TestLastWillOnKilledKiosk runs a kiosk in a child process, kills it with
// SIGKILL (no DISCONNECT, no goodbye) and waits for the broker's last will.
func TestLastWillOnKilledKiosk(t *testing.T) {
	t.Parallel()
	b := fleettest.Start(t, fleettest.Opts{Anonymous: true})
	watch := fleettest.MustDial(t, b.Addr, fleettest.DialOpts{ClientID: "watch", Subscribe: []string{"venuekiosk/V1/KCHILD/online"}})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childBroker+"="+b.URL())
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var bootID string
	watch.Wait(t, 10*time.Second, "the child kiosk online", has(func(m *Message) bool {
		bootID = m.Online.Boot
		return m.Online.Online
	}))
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	start := time.Now()
	ms := watch.Wait(t, 10*time.Second, "the last will", has(func(m *Message) bool { return !m.Online.Online }))
	t.Logf("last will %v after SIGKILL", time.Since(start).Round(time.Millisecond))
	will := decoded(t, ms)[len(ms)-1].Online
	if will.Boot != bootID || will.At != nil || will.Kiosk != "KCHILD" {
		t.Errorf("last will: got %+v; want boot %s, no time (the will is fixed at connect)", will, bootID)
	}
}

// TestQueuedCountersSurviveBrokerRestart stops the broker, lets the kiosk
// queue five periods of counters in its store, starts the broker again and
// requires each period to reach a persistent subscriber exactly once, in
// order.
func TestQueuedCountersSurviveBrokerRestart(t *testing.T) {
	t.Parallel()
	b := fleettest.Start(t, fleettest.Opts{Anonymous: true, Persist: true})
	ingest := fleettest.MustDial(t, b.Addr, fleettest.DialOpts{ClientID: "ingest", Keep: true, Subscribe: []string{"venuekiosk/+/+/counters"}})
	k := startKiosk(t, func(o *Opts) { o.Broker = b.URL() })
	k.waitConnected(t, true)
	ctx := context.Background()

	k.st.AddCounters(ctx, time.Now(), store.Counters{Green: 1, Entries: 1})
	k.countNow()
	before := ingest.Wait(t, 5*time.Second, "counters before the outage", func(ms []fleettest.Msg) bool { return len(ms) == 1 })
	seen := decoded(t, before)[0].Counters.Seq
	time.Sleep(200 * time.Millisecond) // the ingest's PUBACK leaves (paho batches acks)

	b.Stop()
	k.waitConnected(t, false)
	for i := int64(2); i <= 6; i++ {
		k.st.AddCounters(ctx, time.Now(), store.Counters{Green: i, Entries: i})
		k.countNow()
		waitQueued(t, k.st, int(i-1))
	}
	time.Sleep(time.Second) // the broker stays away a while
	b.Restart()
	ingest2 := fleettest.MustDial(t, b.Addr, fleettest.DialOpts{ClientID: "ingest", Keep: true})
	ms := ingest2.Wait(t, 15*time.Second, "five queued periods", func(ms []fleettest.Msg) bool { return len(ms) >= 5 })
	time.Sleep(300 * time.Millisecond) // a repeat would arrive by now
	ms = ingest2.Msgs()

	var greens []int64
	var seqs []int64
	var prev *Counters
	for _, m := range decoded(t, ms) {
		c := m.Counters
		if c.Boot == k.p.Boot() && c.Seq <= seen {
			// QoS 1 may repeat what arrived before the outage (its PUBACK
			// can be lost with the broker): a receiver drops it by seq.
			t.Logf("repeat of seq %d dropped, as a receiver does", c.Seq)
			continue
		}
		greens = append(greens, c.Green)
		seqs = append(seqs, c.Seq)
		if prev != nil && (c.Seq <= prev.Seq || !c.From.Equal(prev.To)) {
			t.Errorf("seq %d (%v–%v) after seq %d (to %v): want a growing seq and adjoining periods", c.Seq, c.From, c.To, prev.Seq, prev.To)
		}
		prev = c
	}
	if want := []int64{2, 3, 4, 5, 6}; fmt.Sprint(greens) != fmt.Sprint(want) {
		t.Errorf("after the restart: greens %v (seqs %v), want %v: each period once, in order", greens, seqs, want)
	}
	waitQueued(t, k.st, 0)
}

// waitQueued waits until the outbox holds n counters messages.
func waitQueued(t *testing.T, st *store.Store, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		ms, err := st.OutboxPending(context.Background(), 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		c := 0
		for _, m := range ms {
			if m.Kind == kindCounters {
				c++
			}
		}
		if c == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox holds %d counters messages after 10s, want %d", c, n)
		}
	}
}
