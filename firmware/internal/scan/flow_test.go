package scan

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// colourByPrefix is a verifier that judges "G…" green, "A…" amber, else red,
// and can be made to block.
type colourByPrefix struct {
	gate chan struct{} // when non-nil, Verify waits for it
}

func (c *colourByPrefix) Verify(p string, at time.Time) *verify.Verdict {
	if c.gate != nil {
		<-c.gate
	}
	switch {
	case strings.HasPrefix(p, "G"):
		return &verify.Verdict{Status: verify.Green}
	case strings.HasPrefix(p, "A"):
		return &verify.Verdict{Status: verify.Amber}
	}
	return &verify.Verdict{Status: verify.Red}
}

type fixedTime struct {
	t       time.Time
	trusted bool
}

func (f fixedTime) Judge() (time.Time, bool) { return f.t, f.trusted }

type recorder struct {
	mu   sync.Mutex
	name string
	log  *[]string
	got  []Result
}

func (r *recorder) Scanned(res Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	*r.log = append(*r.log, r.name)
	r.got = append(r.got, res)
}

func (r *recorder) results() []Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Result(nil), r.got...)
}

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func start(t *testing.T, opts Opts) (*Flow, context.CancelFunc) {
	t.Helper()
	f := New(opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return f, cancel
}

func TestSinksInOrderAndResult(t *testing.T) {
	var order []string
	lights := &recorder{name: "lights", log: &order}
	display := &recorder{name: "display", log: &order}
	f, _ := start(t, Opts{Verifier: &colourByPrefix{}, Time: fixedTime{t0, true}, Sinks: []Sink{lights, display}})
	for _, p := range []string{"G1", "A1", "R1"} {
		r, err := f.Scan(context.Background(), Scan{Payload: p, Source: Web})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]verify.Status{"G1": verify.Green, "A1": verify.Amber, "R1": verify.Red}[p]
		if r.Verdict.Status != want || !r.At.Equal(t0) || !r.Trusted || r.Source != Web {
			t.Errorf("%s: got %+v", p, r)
		}
	}
	if got := strings.Join(order, ","); got != "lights,display,lights,display,lights,display" {
		t.Errorf("sink order: got %s", got)
	}
	if got := display.results(); len(got) != 3 || got[0].Seq != 1 || got[2].Seq != 3 {
		t.Errorf("sequence numbers: got %+v", got)
	}
}

func TestRepeatWindow(t *testing.T) {
	var order []string
	rec := &recorder{name: "r", log: &order}
	now := t0
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	f, _ := start(t, Opts{Verifier: &colourByPrefix{}, Time: fixedTime{t0, true}, Sinks: []Sink{rec}, RepeatWindow: 10 * time.Second, Now: clock})
	steps := []struct {
		payload string
		advance time.Duration
		repeat  bool
	}{
		{"G-alice", 0, false},
		{"G-alice", 5 * time.Second, true},
		{"G-bob", time.Second, false},
		{"G-alice", 3 * time.Second, true}, // 4 s after the last alice: still in the window
		{"G-alice", 11 * time.Second, false},
	}
	for i, s := range steps {
		advance(s.advance)
		r, err := f.Scan(context.Background(), Scan{Payload: s.payload, Source: Serial})
		if err != nil {
			t.Fatal(err)
		}
		if r.Repeat != s.repeat {
			t.Errorf("step %d (%s): repeat got %v, want %v", i, s.payload, r.Repeat, s.repeat)
		}
	}
}

func TestSubmitNeverBlocks(t *testing.T) {
	gate := make(chan struct{})
	var order []string
	rec := &recorder{name: "r", log: &order}
	f, _ := start(t, Opts{Verifier: &colourByPrefix{gate: gate}, Time: fixedTime{t0, true}, Sinks: []Sink{rec}, QueueLen: 4})
	done := make(chan int)
	go func() {
		accepted := 0
		for i := 0; i < 100; i++ {
			if f.Submit(Scan{Payload: "G", Source: Serial}) {
				accepted++
			}
		}
		done <- accepted
	}()
	var accepted int
	select {
	case accepted = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Submit blocked while the verifier was stuck")
	}
	close(gate)
	// One scan may be in the verifier, four in the queue.
	if accepted < 4 || accepted > 5 {
		t.Errorf("accepted %d of 100 with a queue of 4", accepted)
	}
	if got := f.Dropped(); got != uint64(100-accepted) {
		t.Errorf("dropped: got %d, want %d", got, 100-accepted)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(rec.results()) < accepted && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := len(rec.results()); got != accepted {
		t.Errorf("processed %d, want %d", got, accepted)
	}
}

func TestStopFinishesCurrentScan(t *testing.T) {
	gate := make(chan struct{})
	var order []string
	rec := &recorder{name: "r", log: &order}
	f := New(Opts{Verifier: &colourByPrefix{gate: gate}, Time: fixedTime{t0, false}, Sinks: []Sink{rec}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.Run(ctx); close(done) }()
	f.Submit(Scan{Payload: "G"})
	time.Sleep(50 * time.Millisecond) // let Run pick it up
	cancel()
	close(gate)
	<-done
	if got := rec.results(); len(got) != 1 || got[0].Trusted {
		t.Errorf("got %+v, want the in-flight scan finished (untrusted clock recorded)", got)
	}
	if _, err := f.Scan(context.Background(), Scan{Payload: "G"}); err != ErrStopped {
		t.Errorf("Scan after stop: got %v, want ErrStopped", err)
	}
	if f.Submit(Scan{Payload: "G"}) {
		t.Error("Submit after stop accepted a scan")
	}
}

func TestHeartbeatStopsWhenHung(t *testing.T) {
	gate := make(chan struct{})
	var order []string
	f, _ := start(t, Opts{Verifier: &colourByPrefix{gate: gate}, Time: fixedTime{t0, true}, Sinks: []Sink{&recorder{name: "r", log: &order}}})
	deadline := time.Now().Add(5 * time.Second)
	for f.Heartbeat().IsZero() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	f.Submit(Scan{Payload: "G"}) // hangs in the verifier
	time.Sleep(50 * time.Millisecond)
	hung := f.Heartbeat()
	time.Sleep(HeartbeatEvery + 500*time.Millisecond)
	if got := f.Heartbeat(); !got.Equal(hung) {
		t.Errorf("heartbeat moved from %v to %v while the flow was hung", hung, got)
	}
	close(gate)
	deadline = time.Now().Add(5 * time.Second)
	for f.Heartbeat().Equal(hung) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if f.Heartbeat().Equal(hung) {
		t.Error("heartbeat did not resume after the flow recovered")
	}
}
