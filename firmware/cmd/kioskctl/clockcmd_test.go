package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/internal/command"
	"github.com/venuekiosk/venuekiosk/internal/store"
	"github.com/venuekiosk/venuekiosk/sync/publish"
)

// TestClockReset: a kiosk whose floor was saved in 2099 cannot sync; a
// floor reset signed with the root keys, given to kioskctl clock reset,
// repairs it; the same file again is refused.
func TestClockReset(t *testing.T) {
	cfgFile, state, repoDir, pub := syncKiosk(t)
	if _, err := pub.Publish(publish.Inputs{Policy: policy.DefaultJSON()}); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := kioskctl(t, "", "sync", "--config", cfgFile, "--from", repoDir); code != command.ExitOK {
		t.Fatalf("sync: exit %d\n%s%s", code, out, errs)
	}
	db := filepath.Join(state, "kiosk.db")
	st, err := store.Open(context.Background(), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	st.RaiseTimeFloor(time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)) // what older firmware did
	st.Close()
	if code, _, errs := kioskctl(t, "", "sync", "--config", cfgFile, "--from", repoDir); code != command.ExitFail || !strings.Contains(errs, "2099") {
		t.Fatalf("sync with the floor in 2099: exit %d, %q; want it refused", code, errs)
	}
	file := filepath.Join(t.TempDir(), "reset.json")
	b, err := pub.SignFloorReset(publish.FloorReset{Kiosks: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(file, b, 0o644)
	// Not signed by the offline keys: refused.
	forged := filepath.Join(t.TempDir(), "forged.json")
	bad := strings.Replace(string(b), `"version": 1`, `"version": 2`, 1)
	os.WriteFile(forged, []byte(bad), 0o644)
	if code, _, errs := kioskctl(t, "", "clock", "reset", "--config", cfgFile, "--signed", forged); code != command.ExitFail || !strings.Contains(errs, "not signed") {
		t.Errorf("forged reset: exit %d, %q", code, errs)
	}
	code, out, errs := kioskctl(t, "", "clock", "reset", "--config", cfgFile, "--signed", file)
	if code != command.ExitOK || !strings.Contains(out, "to "+time.Now().UTC().Format("2006-01-02")) {
		t.Fatalf("clock reset: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := kioskctl(t, "", "sync", "--config", cfgFile, "--from", repoDir); code != command.ExitOK {
		t.Errorf("sync after the reset: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := kioskctl(t, "", "clock", "reset", "--config", cfgFile, "--signed", file); code != command.ExitFail || !strings.Contains(errs, "already applied") {
		t.Errorf("the same reset again: exit %d, %q", code, errs)
	}
	if code, _, _ := kioskctl(t, "", "clock", "reset", "--config", cfgFile); code != command.ExitUsage {
		t.Errorf("without --signed: exit %d, want %d", code, command.ExitUsage)
	}
	// A reset the sync finds in the repository: the kiosk broken again.
	st, _ = store.Open(context.Background(), db, nil)
	st.RaiseTimeFloor(time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC))
	st.Close()
	if _, err := pub.SignFloorReset(publish.FloorReset{Kiosks: []string{"*"}}); err != nil {
		t.Fatal(err)
	}
	code, out, errs = kioskctl(t, "", "sync", "--config", cfgFile, "--from", repoDir)
	if code != command.ExitOK || !strings.Contains(out, "floor reset version 2") {
		t.Errorf("sync with a reset in the repository: exit %d\n%s%s", code, out, errs)
	}
}
