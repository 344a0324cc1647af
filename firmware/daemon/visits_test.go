package daemon_test

import (
	"context"
	"encoding/json"
	"github.com/venuekiosk/venuekiosk/firmware/web"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/indicator"
	"github.com/venuekiosk/venuekiosk/drivers/indicator/indicatortest"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/firmware/sim"
	"github.com/venuekiosk/venuekiosk/firmware/visits"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

const staffCode = "VKGROUP:TEST-STAFF"

// kioskRig is a daemon without panel or scanner, with the sample data, a
// venue and exposure data, reached through its local page.
type kioskRig struct {
	url  string
	ind  *indicatortest.Recorder
	set  *samples.Set
	dir  string
	stop func()
	clk  *aheadClock
}

// aheadClock is the wall clock moved ahead by what a test advanced it:
// the scan flow's timers (the door's repeat) run on it.
type aheadClock struct {
	mu    sync.Mutex
	ahead time.Duration
}

func (c *aheadClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.ahead)
}
func (c *aheadClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.ahead += d
	c.mu.Unlock()
}

func startRig(t *testing.T, exposures []store.Exposure) *kioskRig {
	t.Helper()
	return startRigIn(t, t.TempDir(), nil, exposures, nil)
}

// startRigIn starts a rig on the state directory dir with the sample set
// (nil: a new one); mod, when set, changes the configuration first.
func startRigIn(t *testing.T, dir string, set *samples.Set, exposures []store.Exposure, mod func(*config.Config)) *kioskRig {
	t.Helper()
	if set == nil {
		var err error
		if set, err = samples.Make(time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	cfg := config.Default()
	cfg.Kiosk.StateDir = dir
	cfg.Kiosk.Listen = "127.0.0.1:0"
	cfg.Kiosk.Simulate = true // the staff code through the API, as the simulator's page sends it
	cfg.Scanner.Device = ""
	cfg.Venue.ID = "V1"
	cfg.Scan.RepeatWindow.D = 0
	cfg.Group.Code = staffCode
	cfg.Lights.Hold.D = time.Second
	if mod != nil {
		mod(cfg)
	}
	r := &kioskRig{ind: &indicatortest.Recorder{}, set: set, dir: cfg.Kiosk.StateDir, clk: &aheadClock{}}
	hw := daemon.Hardware{Indicator: r.ind, Now: r.clk.Now, Seed: func(st *store.Store) error {
		if err := sim.Seed(context.Background(), st, set); err != nil {
			return err
		}
		return st.Apply(context.Background(), func(tx *store.Tx) error { return tx.ReplaceExposures(exposures) })
	}}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- daemon.Run(ctx, cfg, hw, func(a net.Addr) { ready <- a }) }()
	select {
	case a := <-ready:
		r.url = "http://" + a.String()
	case err := <-done:
		cancel()
		t.Fatalf("daemon: %v", err)
	}
	r.stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("daemon: %v", err)
		}
	}
	t.Cleanup(func() {
		if r.stop != nil {
			r.stop()
		}
	})
	return r
}

func (r *kioskRig) scan(t *testing.T, payload string) map[string]any {
	t.Helper()
	tok, err := web.ReadToken(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", r.url+"/api/scan", strings.NewReader(payload))
	req.Header.Set(web.TokenHeader, tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil || res.StatusCode != 200 {
		t.Fatalf("scan: %d, %v", res.StatusCode, err)
	}
	return v
}

func (r *kioskRig) state(t *testing.T) daemon.State {
	t.Helper()
	res, err := http.Get(r.url + "/api/state")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var s daemon.State
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// waitLogged waits until the visit log holds n visits.
func (r *kioskRig) waitLogged(t *testing.T, n int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if s := r.state(t); s.Visits != nil && s.Visits.Logged >= n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the visit log did not reach %d visits", n)
}

func sample(t *testing.T, set *samples.Set, prefix string) samples.Sample {
	t.Helper()
	for _, s := range set.Samples {
		if strings.HasPrefix(s.Name, prefix) {
			return s
		}
	}
	t.Fatalf("no sample %q", prefix)
	return samples.Sample{}
}

// TestExposureNoticeThroughTheDaemon: with exposure data naming this
// venue, a pass scanned during the window and again later gets the notice
// (its verdict unchanged, the Notice tone after the verdict's), a pass
// never seen does not, and the page shows the notice only while the panel
// would.
func TestExposureNoticeThroughTheDaemon(t *testing.T) {
	now := time.Now()
	r := startRig(t, []store.Exposure{
		{Venue: "V1", Start: now.Add(-time.Hour), End: now.Add(time.Hour), NoticeUntil: now.Add(14 * 24 * time.Hour)},
		{Venue: "V2", Start: now.Add(-3 * time.Hour), End: now.Add(3 * time.Hour), NoticeUntil: now.Add(14 * 24 * time.Hour)},
	})
	green := sample(t, r.set, "EU certificate, vaccinated")
	other := sample(t, r.set, "EU certificate, negative test")

	st := r.state(t)
	if st.VenueExposure == nil || !st.VenueExposure.Start.Equal(now.Add(-time.Hour).Truncate(time.Second).UTC()) {
		t.Errorf("venue exposure: got %+v, want V1's", st.VenueExposure)
	}
	if v := r.scan(t, green.Payload); v["verdict"] != "green" {
		t.Fatalf("first scan: %v", v)
	}
	if st := r.state(t); st.Notice != nil {
		t.Errorf("a first visit got a notice: %+v", st.Notice)
	}
	r.waitLogged(t, 1)
	r.ind.Reset()
	if v := r.scan(t, green.Payload); v["verdict"] != "green" {
		t.Fatalf("second scan: the verdict changed: %v", v)
	}
	st = r.state(t)
	if st.Notice == nil || !strings.Contains(st.Notice.EN, "get tested") || st.Notice.ZH == "" || st.Notice.Seq != st.Recent[0].Seq {
		t.Fatalf("second scan: notice %+v, want one for this scan", st.Notice)
	}
	if st.Visits == nil || st.Visits.Notices != 1 || st.Visits.Exposed < 1 || st.Visits.RetentionDays != 31 {
		t.Errorf("visit counts: %+v", st.Visits)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if got, err := r.ind.Wait(ctx, 2); err != nil || got[0] != indicator.Green || got[1] != indicator.Notice {
		t.Errorf("signals: got %v, %v; want green, then notice", got, err)
	}

	// Another pass, never here before: no notice, and the old one is gone
	// from the page.
	r.scan(t, other.Payload)
	if st := r.state(t); st.Notice != nil {
		t.Errorf("a pass never seen got a notice: %+v", st.Notice)
	}
	r.waitLogged(t, 3)
}

// TestGroupThroughTheDaemon: the staff code opens a group, members are
// judged one by one, and closing it shows the worst member's signal; the
// page lists the members' statuses.
func TestGroupThroughTheDaemon(t *testing.T) {
	r := startRig(t, nil)
	green := sample(t, r.set, "EU certificate, vaccinated")
	red := sample(t, r.set, "EU certificate, revoked")

	if v := r.scan(t, staffCode); v["kind"] != "staff" || v["verdict"] != nil || v["format"] != nil {
		t.Fatalf("staff code: %v", v)
	}
	st := r.state(t)
	if st.Group == nil || st.Group.Closed != "" || len(st.Group.Members) != 0 || len(st.Recent) != 0 {
		t.Fatalf("after the code: group %+v, %d recent; want an open group and no scan listed", st.Group, len(st.Recent))
	}
	r.scan(t, green.Payload)
	r.scan(t, red.Payload)
	r.ind.Reset()
	r.clk.Advance(scan.DoorRepeat + time.Second) // a second scan, not the scanner reading it twice
	r.scan(t, staffCode)
	st = r.state(t)
	if g := st.Group; g == nil || g.Closed != "ended" || len(g.Members) != 2 || g.Status != "red" ||
		g.Members[0].Status.String() != "green" || g.Members[1].Status.String() != "red" {
		t.Fatalf("closed group: %+v", st.Group)
	}
	if got, _ := r.ind.Last(); got != indicator.Red {
		t.Errorf("group result signal: got %v, want red", got)
	}
	if st.Counters.Green != 1 || st.Counters.Red != 1 {
		t.Errorf("counters %+v: want each member counted once, the code never", st.Counters)
	}
}

// TestVisitKeyCreatedOnce: the first start creates the visit-log key,
// mode 0600; the next start uses it.
func TestVisitKeyCreatedOnce(t *testing.T) {
	r := startRig(t, nil)
	path := filepath.Join(r.dir, visits.KeyFile)
	k1, err := visits.LoadKey(path)
	if err != nil {
		t.Fatalf("after the first start: %v", err)
	}
	r.stop()
	r.stop = nil
	k2, created, err := visits.LoadOrCreateKey(path)
	if err != nil || created {
		t.Fatalf("got %v, created %v", err, created)
	}
	id := r.set.Samples[0].ID
	if k1.Hash(id) != k2.Hash(id) {
		t.Error("the key changed")
	}
}
