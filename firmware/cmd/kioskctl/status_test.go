package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/indicator/indicatortest"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/firmware/sim"
	"github.com/venuekiosk/venuekiosk/firmware/staff"
	"github.com/venuekiosk/venuekiosk/internal/command"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// kioskState makes a state directory whose store holds the sample data,
// signed at signed, and returns a config file naming it (no daemon).
func kioskState(t *testing.T, signed time.Time) (dir, cfgFile string) {
	t.Helper()
	dir = t.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, daemon.DBFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	set, err := samples.Make(signed)
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Seed(ctx, st, set); err != nil {
		t.Fatal(err)
	}
	if err := st.AddCounters(ctx, time.Now(), store.Counters{Green: 4, Amber: 1, Red: 2, Entries: 4}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	cfgFile = writeConfig(t, dir, "")
	return dir, cfgFile
}

func writeConfig(t *testing.T, dir, listen string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "kioskd.toml")
	text := fmt.Sprintf("[kiosk]\nstate_dir = %q\nlisten = %q\n[venue]\nid = \"VENUE-1\"\nname_en = \"Central Market\"\nname_zh = \"中環街市\"\n[scanner]\ndevice = \"\"\n[lights]\ndriver = \"none\"\n", dir, listen)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestStatusWithoutDaemon(t *testing.T) {
	signed := time.Now().Add(-3 * time.Hour).Truncate(time.Second)
	_, cfg := kioskState(t, signed)
	code, out, errOut := kioskctl(t, "", "status", "--config", cfg, "--json")
	if code != command.ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var st Status
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if st.Venue.ID != "VENUE-1" || st.Daemon.Running || st.Today.Green != 4 || st.Today.Entries != 4 {
		t.Errorf("got %+v", st)
	}
	names := map[string]DataStatus{}
	for _, d := range st.Data {
		names[d.Name] = d
	}
	rev, ok := names[store.DataRevocations]
	if !ok || !rev.Signed.Equal(signed.UTC()) || rev.Source != "simulator" {
		t.Errorf("revocations data set: got %+v, want signed %v from simulator", rev, signed)
	}
	if st.Store == nil || st.Store.Revocations != 1 || st.Store.TrustKeys == 0 {
		t.Errorf("store stats %+v", st.Store)
	}
	if st.Visits == nil || st.Visits.Logged != 0 || st.Visits.ExposedMatches != 0 {
		t.Errorf("visit log counts: %+v", st.Visits)
	}
	if !strings.Contains(out, `"age_seconds": 108`) {
		t.Errorf("age of 3 h not reported in seconds:\n%s", out)
	}
	// Human output.
	code, out, _ = kioskctl(t, "", "status", "--config", cfg)
	for _, want := range []string{"venue", "VENUE-1 Central Market 中環街市", `kioskd\s+not answering`, "data revocations", `today\s+green 4, amber 1, red 2, entries 4`} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("status output lacks %q:\n%s", want, out)
		}
	}
}

func TestStatusSlot(t *testing.T) {
	_, cfg := kioskState(t, time.Now())
	p := filepath.Join(t.TempDir(), "cmdline")
	os.WriteFile(p, []byte("console=ttyS0 root=/dev/mmcblk0p2 rauc.slot=B rootwait\n"), 0o644)
	old := cmdlinePath
	cmdlinePath = p
	defer func() { cmdlinePath = old }()
	_, out, _ := kioskctl(t, "", "status", "--config", cfg, "--json")
	var st Status
	json.Unmarshal([]byte(out), &st)
	if st.Slot != "B" {
		t.Errorf("slot: got %q, want B", st.Slot)
	}
}

// runDaemon starts a simulated kioskd in-process on a free port and returns
// a config file pointing kioskctl at it; edit, if not nil, changes the
// simulated hardware first.
func runDaemon(t *testing.T, edit ...func(*daemon.Hardware)) (dir, cfgFile string) {
	t.Helper()
	dir = t.TempDir()
	cfg := config.Default()
	cfg.Kiosk.StateDir = dir
	cfg.Kiosk.Listen = "127.0.0.1:0"
	hw, _, err := sim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range edit {
		e(&hw)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- daemon.Run(ctx, cfg, hw, func(a net.Addr) { ready <- a }) }()
	t.Cleanup(func() { cancel(); <-done })
	var addr net.Addr
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatal(err)
	case <-time.After(30 * time.Second):
		t.Fatal("daemon not ready")
	}
	return dir, writeConfig(t, dir, addr.String())
}

func TestStatusAndSelfTestThroughDaemon(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a simulated kiosk")
	}
	_, cfg := runDaemon(t)
	code, out, errOut := kioskctl(t, "", "status", "--config", cfg, "--json")
	if code != command.ExitOK {
		t.Fatalf("status exit %d: %s", code, errOut)
	}
	var st Status
	json.Unmarshal([]byte(out), &st)
	if !st.Daemon.Running || st.Scanner == nil || st.Panel == nil {
		t.Errorf("status through the daemon: %+v", st)
	}
	code, out, errOut = kioskctl(t, "", "selftest", "--config", cfg, "--json")
	var res SelfTest
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if code != command.ExitOK || !res.OK {
		t.Fatalf("selftest exit %d: %+v %s", code, res, errOut)
	}
	got := map[string]bool{}
	for _, c := range res.Checks {
		got[c.Name] = c.OK
	}
	for _, name := range []string{"store", "trust", "clock", "panel", "lights", "scanner"} {
		if ok, present := got[name]; !present || !ok {
			t.Errorf("check %s: present %v ok %v", name, present, ok)
		}
	}
}

// brokenPanel is a panel whose controller never answers.
type brokenPanel struct{}

func (brokenPanel) Bounds() image.Rectangle                    { return image.Rect(0, 0, 122, 250) }
func (brokenPanel) Full(image.Image) error                     { return nil }
func (brokenPanel) Partial(image.Image, image.Rectangle) error { return nil }
func (brokenPanel) Probe() error {
	return errors.New("ssd1680: BUSY never went busy within 50ms of software reset (is the panel connected?)")
}

// A panel that did not answer kioskd's start-up probe is a problem in
// kioskctl status, and its panel line says why.
func TestStatusPanelFault(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a simulated kiosk")
	}
	_, cfg := runDaemon(t, func(hw *daemon.Hardware) { hw.Panel, hw.PanelName = brokenPanel{}, "waveshare_2in13_v4" })
	code, out, errOut := kioskctl(t, "", "status", "--config", cfg)
	if code != command.ExitOK {
		t.Fatalf("status exit %d: %s", code, errOut)
	}
	problem, panelLine := false, false
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 2 && f[0] == "panel" && strings.HasPrefix(strings.Join(f[1:], " "), "waveshare_2in13_v4: FAULT: panel fault: waveshare_2in13_v4 does not answer: ssd1680: BUSY never went busy") {
			panelLine = true
		}
		if f := strings.Fields(l); len(f) > 2 && f[0] == "problem" && strings.HasPrefix(strings.Join(f[1:], " "), "panel fault: waveshare_2in13_v4 does not answer") {
			problem = true
		}
	}
	if !problem {
		t.Errorf("kioskctl status lists no panel problem:\n%s", out)
	}
	if !panelLine {
		t.Errorf("kioskctl status's panel line does not name the fault in words:\n%s", out)
	}
}

func TestSelfTestFailures(t *testing.T) {
	old := openHardware
	defer func() { openHardware = old }()
	rec := &indicatortest.Recorder{}
	openHardware = func(*config.Config) (daemon.Hardware, error) {
		return daemon.Hardware{Panel: brokenPanel{}, PanelName: "waveshare_2in13_v4", Indicator: rec}, nil
	}
	fresh := time.Now()
	tests := []struct {
		name   string
		setup  func(t *testing.T) string // returns the config file
		failed []string
		passed []string
	}{
		{"no database", func(t *testing.T) string { return writeConfig(t, t.TempDir(), "") }, []string{"store"}, nil},
		{"stale data", func(t *testing.T) string { _, c := kioskState(t, fresh.Add(-100*time.Hour)); return c }, []string{"trust", "panel"}, []string{"store", "clock", "lights"}},
		{"clock behind the floor", func(t *testing.T) string {
			dir, c := kioskState(t, fresh)
			st, err := store.Open(context.Background(), filepath.Join(dir, daemon.DBFile), nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.RaiseTimeFloor(fresh.Add(48 * time.Hour)); err != nil {
				t.Fatal(err)
			}
			st.Close()
			return c
		}, []string{"clock"}, []string{"store", "trust"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.setup(t)
			code, out, _ := kioskctl(t, "", "selftest", "--config", cfg, "--json")
			var res SelfTest
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if code != command.ExitFail || res.OK {
				t.Errorf("exit %d ok %v, want 1 and false", code, res.OK)
			}
			got := map[string]bool{}
			for _, c := range res.Checks {
				got[c.Name] = c.OK
			}
			for _, n := range tt.failed {
				if ok, present := got[n]; !present || ok {
					t.Errorf("check %s: want a failure, got present %v ok %v (%+v)", n, present, ok, res.Checks)
				}
			}
			for _, n := range tt.passed {
				if !got[n] {
					t.Errorf("check %s: want it to pass (%+v)", n, res.Checks)
				}
			}
		})
	}
	if rec.SelfTests() == 0 {
		t.Error("the lights were never pulsed")
	}
}

func TestStoreRestore(t *testing.T) {
	dir, cfg := kioskState(t, time.Now())
	code, _, errOut := kioskctl(t, "", "store", "restore", "--config", cfg)
	if code != command.ExitFail || !strings.Contains(errOut, "no pre-migration copy") {
		t.Errorf("restore without a copy: exit %d, %q", code, errOut)
	}
	// Hold the store open as kioskd would.
	st, err := store.Open(context.Background(), filepath.Join(dir, daemon.DBFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_ = pass.ID{}
	code, out, _ := kioskctl(t, "", "store", "backups", "--config", cfg)
	if code != command.ExitOK || !strings.Contains(out, "no pre-migration copies") {
		t.Errorf("backups: exit %d %q", code, out)
	}
	if code, _, _ := kioskctl(t, "", "store", "frobnicate"); code != command.ExitUsage {
		t.Errorf("unknown subcommand: exit %d", code)
	}
}

// The door's counts of today: exempt entries by category, openings of
// entry, and whether entry is open now.
func TestStatusDoor(t *testing.T) {
	dir, cfg := kioskState(t, time.Now().Add(-time.Hour))
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, daemon.DBFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for cat, n := range map[staff.Category]int64{staff.Under12: 3, staff.Disability: 1} {
		if err := st.AddExempt(ctx, now, cat, n); err != nil {
			t.Fatal(err)
		}
	}
	// Both openings today (seconds ago: the test runs on the real clock).
	id, err := st.StartOverride(ctx, now.Add(-2*time.Second), now.Add(-time.Second), "CM-SUP-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EndOverride(ctx, id, now.Add(-time.Second), "timeout", store.EndTimeout); err != nil {
		t.Fatal(err)
	}
	until := now.Add(10 * time.Minute).Truncate(time.Second)
	if _, err := st.StartOverride(ctx, now.Add(-time.Second), until, "button"); err != nil {
		t.Fatal(err)
	}
	st.Close()

	code, out, errOut := kioskctl(t, "", "status", "--config", cfg, "--json")
	if code != command.ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got Status
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got.Door == nil {
		t.Fatalf("no door in %s", out)
	}
	if d := got.Door; d.Exempt.Under12 != 3 || d.Exempt.Disability != 1 || d.Exempt.Over65 != 0 || d.Openings != 2 || d.OpenUntil == nil || !d.OpenUntil.Equal(until) {
		t.Errorf("door: got %+v; want under 12: 3, disability: 1, 2 openings, open until %v", *d, until)
	}
	if strings.Contains(out, "CM-SUP-1") {
		t.Errorf("status names a staff card: %s", out)
	}
	_, text, _ := kioskctl(t, "", "status", "--config", cfg)
	if !strings.Contains(text, "exempt: under 12 3, 65 or above 0, disability 1, other 0; entry opened 2 times, OPEN NOW until") {
		t.Errorf("status text has no door line:\n%s", text)
	}
}
