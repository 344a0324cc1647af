package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/firmware/sim"
	"github.com/venuekiosk/venuekiosk/internal/command"
)

// baseConfig writes a kioskd.toml as an image ships it: no venue, no
// panel, and kioskd's page at listen.
func baseConfig(t *testing.T, listen string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "kioskd.toml")
	text := fmt.Sprintf("[kiosk]\nlisten = %q\n[scanner]\ndevice = \"\"\n[lights]\ndriver = \"none\"\n", listen)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// provisionKiosk provisions dir through the kioskctl binary, as a
// technician does: a venue and the 2.13" panel.
func provisionKiosk(t *testing.T, cfg, dir string) {
	t.Helper()
	code, out, errOut := kioskctlIn(t, "", "provision", "--config", cfg, "--state-dir", dir,
		"--venue-id", "CM-07", "--venue-en", "Harbour Clinic", "--venue-zh", "海港診所", "--panel", "waveshare_2in13_v4")
	if code != command.ExitOK {
		t.Fatalf("provision: exit %d\n%s%s", code, out, errOut)
	}
}

// runProvisioned runs a simulated kioskd in-process on the provisioned
// state directory dir, with provision.toml applied as kioskd applies it,
// and returns its address.
func runProvisioned(t *testing.T, dir string) string {
	t.Helper()
	cfg := config.Default()
	cfg.Kiosk.StateDir = dir
	if ok, err := cfg.ApplyProvision(); !ok || err != nil {
		t.Fatalf("provision.toml: %v %v", ok, err)
	}
	cfg.Kiosk.Listen = "127.0.0.1:0"
	hw, _, err := sim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- daemon.Run(ctx, cfg, hw, func(a net.Addr) { ready <- a }) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case a := <-ready:
		return a.String()
	case err := <-done:
		t.Fatal(err)
	case <-time.After(60 * time.Second):
		t.Fatal("daemon not ready")
	}
	return ""
}

func checksByName(t *testing.T, out string) (SelfTest, map[string]daemon.Check) {
	t.Helper()
	var res SelfTest
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	m := map[string]daemon.Check{}
	for _, c := range res.Checks {
		m[c.Name] = c
	}
	return res, m
}

// status and selftest read provision.toml as kioskd does: the venue is
// shown, and a kiosk provisioned with a panel whose panel does not answer
// fails the self-test, with kioskd stopped (the devices opened here, and
// said so) and running (asked through kioskd).
func TestStatusAndSelfTestOnAProvisionedKiosk(t *testing.T) {
	t.Run("kioskd stopped", func(t *testing.T) {
		dir, _ := kioskState(t, time.Now().Add(-time.Hour))
		cfg := baseConfig(t, deadAddr(t))
		provisionKiosk(t, cfg, dir)

		code, out, errOut := kioskctlIn(t, "", "status", "--config", cfg, "--state-dir", dir, "--json")
		if code != command.ExitOK {
			t.Fatalf("status: exit %d %s", code, errOut)
		}
		var st Status
		if err := json.Unmarshal([]byte(out), &st); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if st.Venue.ID != "CM-07" || st.Venue.NameEN != "Harbour Clinic" || st.Venue.NameZH != "海港診所" {
			t.Errorf("status venue: got %+v, want the provisioned CM-07", st.Venue)
		}
		_, text, _ := kioskctlIn(t, "", "status", "--config", cfg, "--state-dir", dir)
		if !strings.Contains(text, "CM-07 Harbour Clinic 海港診所") {
			t.Errorf("status text lacks the provisioned venue:\n%s", text)
		}

		code, out, errOut = kioskctlIn(t, "", "selftest", "--config", cfg, "--state-dir", dir, "--json")
		res, checks := checksByName(t, out)
		panel, ok := checks["panel"]
		if !ok || panel.OK || strings.Contains(panel.Detail, "none configured") {
			t.Errorf("panel check with a provisioned panel and none answering: %+v; want a failure", panel)
		}
		if code != command.ExitFail || res.OK {
			t.Errorf("selftest: exit %d ok %v, want 1 and false\n%s%s", code, res.OK, out, errOut)
		}
		if n := checks["kioskd"]; !strings.Contains(n.Detail, "checking the devices directly") {
			t.Errorf("selftest does not say it opened the devices itself: %+v", res.Checks)
		}
		_, text, _ = kioskctlIn(t, "", "selftest", "--config", cfg, "--state-dir", dir)
		if !strings.Contains(text, "FAIL panel") || !strings.Contains(text, "not answering at http://") {
			t.Errorf("selftest text:\n%s", text)
		}
	})
	t.Run("kioskd running", func(t *testing.T) {
		dir := t.TempDir()
		provisionKiosk(t, baseConfig(t, deadAddr(t)), dir)
		cfg := baseConfig(t, runProvisioned(t, dir))

		code, out, errOut := kioskctlIn(t, "", "status", "--config", cfg, "--state-dir", dir, "--json")
		var st Status
		if err := json.Unmarshal([]byte(out), &st); err != nil || code != command.ExitOK {
			t.Fatalf("status: exit %d %v\n%s%s", code, err, out, errOut)
		}
		if !st.Daemon.Running || st.Venue.ID != "CM-07" {
			t.Errorf("status: running %v venue %+v; want running, CM-07", st.Daemon.Running, st.Venue)
		}
		code, out, errOut = kioskctlIn(t, "", "selftest", "--config", cfg, "--state-dir", dir, "--json")
		res, checks := checksByName(t, out)
		if code != command.ExitOK || !res.OK {
			t.Errorf("selftest through kioskd: exit %d %+v %s", code, res, errOut)
		}
		if p := checks["panel"]; !p.OK || !strings.Contains(p.Detail, "waveshare_2in13_v4") {
			t.Errorf("panel check through kioskd: %+v", p)
		}
		if _, ok := checks["kioskd"]; ok {
			t.Errorf("selftest says it opened the devices while kioskd runs: %+v", res.Checks)
		}
	})
}
