package main

import (
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/venuekiosk/venuekiosk/internal/command"
)

// status, selftest and panel reach a kioskd on another address with
// --listen, over the configuration's kiosk.listen, without a config file
// of their own.
func TestListenFlag(t *testing.T) {
	dir := t.TempDir()
	provisionKiosk(t, baseConfig(t, deadAddr(t)), dir)
	addr := runProvisioned(t, dir)
	cfg := baseConfig(t, deadAddr(t)) // names no kioskd

	code, out, errOut := kioskctlIn(t, "", "status", "--config", cfg, "--state-dir", dir, "--listen", addr, "--json")
	var st Status
	if err := json.Unmarshal([]byte(out), &st); err != nil || code != command.ExitOK {
		t.Fatalf("status --listen: exit %d %v\n%s%s", code, err, out, errOut)
	}
	if !st.Daemon.Running || st.Daemon.URL != "http://"+addr {
		t.Errorf("status --listen %s: daemon %+v", addr, st.Daemon)
	}

	code, out, errOut = kioskctlIn(t, "", "selftest", "--config", cfg, "--state-dir", dir, "--listen", addr, "--json")
	res, checks := checksByName(t, out)
	if code != command.ExitOK || !res.OK {
		t.Errorf("selftest --listen: exit %d %+v %s", code, res, errOut)
	}
	if _, ok := checks["kioskd"]; ok {
		t.Errorf("selftest --listen %s did not reach kioskd: %+v", addr, res.Checks)
	}

	img := filepath.Join(t.TempDir(), "panel.png")
	if code, _, errOut := kioskctlIn(t, "", "panel", "--config", cfg, "--listen", addr, "--png", img); code != command.ExitOK {
		t.Fatalf("panel --listen: exit %d %s", code, errOut)
	}
	f, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Errorf("panel --listen wrote no PNG: %v", err)
	}
}
