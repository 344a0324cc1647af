package sim_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
	"github.com/venuekiosk/venuekiosk/drivers/indicator"
	"github.com/venuekiosk/venuekiosk/drivers/indicator/indicatortest"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/firmware/sim"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// clock is the scan flow's fake wall clock: the door's timers (the exempt
// window, open entry's end) run on it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// simKiosk is the daemon running in this process on the simulator's
// hardware, its lights replaced by a recorder.
type simKiosk struct {
	t      *testing.T
	dir    string
	url    string
	set    *samples.Set
	lights *indicatortest.Recorder
	clk    *clock
	emu    *epdemu.Emu // the panel's glass, read directly: /panel.png hides a holder
}

func startSim(t *testing.T, mods ...func(*config.Config)) *simKiosk {
	t.Helper()
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.DiscardHandler))
	t.Cleanup(func() { slog.SetDefault(prev) })
	cfg := config.Default()
	cfg.Kiosk.StateDir = t.TempDir()
	cfg.Kiosk.Listen = "127.0.0.1:0"
	cfg.Kiosk.Simulate = true
	for _, m := range mods {
		m(cfg)
	}
	hw, s, err := sim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	k := &simKiosk{t: t, dir: cfg.Kiosk.StateDir, set: s.Samples, lights: &indicatortest.Recorder{}, clk: &clock{t: time.Now()}, emu: s.Panel}
	hw.Indicator = k.lights
	hw.Now = k.clk.Now
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- daemon.Run(ctx, cfg, hw, func(a net.Addr) { ready <- a }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("daemon.Run: %v", err)
		}
	})
	select {
	case a := <-ready:
		k.url = "http://" + a.String()
	case err := <-done:
		t.Fatalf("daemon stopped before ready: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("daemon not ready after 60s")
	}
	return k
}

// state is the part of GET /api/state this test reads.
type state struct {
	Lights struct {
		Signal string `json:"signal"`
	} `json:"lights"`
	Recent []struct {
		Seq     uint64 `json:"seq"`
		Verdict string `json:"verdict"`
		Open    bool   `json:"open"`
	} `json:"recent"`
	Counters struct{ Green, Amber, Red, Entries int64 } `json:"counters"`
	Door     struct {
		Open *struct {
			Until time.Time `json:"until"`
			By    string    `json:"by"`
		} `json:"open"`
		Armed string `json:"armed"`
		Last  *struct {
			Kind, Why, Card, Category string
			At                        time.Time
			Again                     bool
			Cancelled                 string
		} `json:"last"`
		Exempt    store.ExemptCounts `json:"exempt_today"`
		Overrides struct {
			Started int64 `json:"started"`
			Open    int64 `json:"open_seconds"`
		} `json:"open_today"`
	} `json:"door"`
}

func (k *simKiosk) state() state {
	k.t.Helper()
	res, err := http.Get(k.url + "/api/state")
	if err != nil {
		k.t.Fatal(err)
	}
	defer res.Body.Close()
	var s state
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
		k.t.Fatal(err)
	}
	return s
}

// write types a payload into the simulated scanner's input pty.
func (k *simKiosk) write(payload string) {
	k.t.Helper()
	f, err := os.OpenFile(filepath.Join(k.dir, sim.InputLink), os.O_WRONLY, 0)
	if err != nil {
		k.t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(payload + "\n"); err != nil {
		k.t.Fatal(err)
	}
}

// until polls the state until cond holds (a hang guard, not a timing
// assertion).
func (k *simKiosk) until(what string, cond func(s state) bool) state {
	k.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := k.state()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			k.t.Fatalf("timed out waiting for %s; state %+v", what, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// door scans a staff payload through the pty and waits for the door event
// of kind (at the flow's clock, after the last one).
func (k *simKiosk) door(payload, kind string) state {
	k.t.Helper()
	var before time.Time
	if l := k.state().Door.Last; l != nil {
		before = l.At
	}
	k.clk.Advance(scan.DoorRepeat + time.Second) // a card scanned again is a new action
	k.write(payload)
	return k.until(kind, func(s state) bool {
		l := s.Door.Last
		return l != nil && l.At.After(before) && l.Kind == kind
	})
}

// pass scans a pass through the pty and waits for its verdict.
func (k *simKiosk) pass(payload string) state {
	k.t.Helper()
	var seq uint64
	if r := k.state().Recent; len(r) > 0 {
		seq = r[0].Seq
	}
	k.clk.Advance(time.Second)
	k.write(payload)
	return k.until("a verdict", func(s state) bool { return len(s.Recent) > 0 && s.Recent[0].Seq > seq })
}

func (k *simKiosk) sample(prefix string) string {
	k.t.Helper()
	sm, ok := k.set.StaffSample(prefix)
	if !ok {
		k.t.Fatalf("no sample %q", prefix)
	}
	return sm.Payload
}

// TestDoorOnAFakeClock runs the door through the simulator's pty scanner:
// exempt entries counted per category, the exempt window and open entry
// ending by themselves on the flow's fake clock, scans while open never
// lit or shown red, refused cards doing nothing.
func TestDoorOnAFakeClock(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a simulated kiosk")
	}
	k := startSim(t)
	guard, super := k.sample("Staff card: guard ("), k.sample("Staff card: supervisor (")
	cat := func(c string) string { return "VKEXEMPT:" + c }

	for _, c := range []string{"UNDER12", "65PLUS", "DISABILITY", "OTHER", "UNDER12"} {
		k.door(guard, "exempt_armed")
		s := k.door(cat(c), "exempt_recorded")
		if s.Door.Last.Card != samples.GuardCard {
			t.Errorf("recorded by %q", s.Door.Last.Card)
		}
	}
	k.door(cat("OTHER"), "exempt_refused") // no guard card before it
	k.door(k.sample("Staff card: technician"), "setup_armed")
	k.door(cat("OTHER"), "exempt_refused") // a technician's card: the wrong role
	s := k.until("the counts written", func(s state) bool { return s.Door.Exempt.Total() == 5 })
	if want := (store.ExemptCounts{Under12: 2, Over65: 1, Disability: 1, Other: 1}); s.Door.Exempt != want {
		t.Errorf("exempt today: %+v, want %+v", s.Door.Exempt, want)
	}

	// The exempt window ends on the flow's clock.
	k.door(guard, "exempt_armed")
	k.clk.Advance(31 * time.Second)
	s = k.until("the exempt window's end", func(s state) bool { return s.Door.Last.Kind == "exempt_cancelled" })
	if s.Door.Last.Why != "timeout" || s.Door.Armed != "" {
		t.Errorf("after the window: %+v", s.Door)
	}

	// Refused cards: nothing happens but the message.
	for _, name := range []string{"Staff card: guard, expired", "Staff card: supervisor, revoked", "Staff card: supervisor, forged"} {
		s := k.door(k.sample(name), "card_refused")
		if s.Door.Open != nil || s.Door.Armed != "" {
			t.Errorf("%s changed the door: %+v", name, s.Door)
		}
	}
	if got := k.state().Door.Last.Why; got != "forged" {
		t.Errorf("forged card: why %q", got)
	}

	// Open entry: every scan read and shown, never red.
	s = k.door(super, "open_started")
	if s.Door.Open == nil || s.Door.Open.By != samples.SupervisorCard || !s.Door.Open.Until.Equal(k.clk.Now().Add(15*time.Minute).Truncate(0)) {
		t.Errorf("open: %+v (clock %v)", s.Door.Open, k.clk.Now())
	}
	n := k.lights.Count()
	reds := 0
	for _, sm := range k.set.Samples {
		s := k.pass(sm.Payload)
		if s.Recent[0].Verdict != sm.Expect || !s.Recent[0].Open {
			t.Errorf("%s while open: %+v", sm.Name, s.Recent[0])
		}
		if sm.Expect == "red" {
			reds++
		}
	}
	if reds == 0 {
		t.Fatal("no red sample: the test would prove little")
	}
	lit := k.lights.Shown()[n:]
	if slices.ContainsFunc(lit, func(sig indicator.Signal) bool { return sig != indicator.Info }) {
		t.Errorf("lights while open: %v, want Info only", lit)
	}

	// It ends by itself after 15 minutes of the flow's clock.
	k.clk.Advance(15 * time.Minute)
	s = k.until("open entry's end", func(s state) bool { return s.Door.Last.Kind == "open_ended" })
	if s.Door.Open != nil || s.Door.Last.Why != "timeout" {
		t.Errorf("after 15 minutes: %+v", s.Door)
	}
	s = k.until("the open-entry log", func(s state) bool { return s.Door.Overrides.Started == 1 && s.Door.Overrides.Open > 0 })
	if open := time.Duration(s.Door.Overrides.Open) * time.Second; open < 15*time.Minute || open > 17*time.Minute {
		t.Errorf("open for %v in the log, want about 15m", open)
	}
	red := k.set.Samples[slices.IndexFunc(k.set.Samples, func(sm samples.Sample) bool { return sm.Expect == "red" })]
	n = k.lights.Count()
	if s := k.pass(red.Payload); s.Recent[0].Open || s.Recent[0].Verdict != "red" {
		t.Errorf("after open entry: %+v", s.Recent[0])
	}
	if lit := k.lights.Shown()[n:]; !slices.Contains(lit, indicator.Red) {
		t.Errorf("checks resumed, yet the lights showed %v", lit)
	}

	// A supervisor opens and another scan closes it, by card.
	k.door(super, "open_started")
	k.clk.Advance(time.Minute)
	s = k.door(super, "open_ended")
	if s.Door.Last.Why != "staff" || s.Door.Last.Card != samples.SupervisorCard {
		t.Errorf("closed by card: %+v", s.Door.Last)
	}
	k.until("two openings logged", func(s state) bool { return s.Door.Overrides.Started == 2 })
}
