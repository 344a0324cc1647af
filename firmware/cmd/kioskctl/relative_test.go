package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/provision"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/firmware/sim"
	"github.com/venuekiosk/venuekiosk/internal/command"
)

// A technician provisions with a relative --state-dir; kioskd (whose
// working directory is /) and later commands run from elsewhere. What
// provision.toml names must still be found: the sync root for kioskctl
// sync, and this kiosk's root for a poster's venue (provision.SetVenue,
// what kioskd's poster setup calls).
func TestProvisionRelativeStateDir(t *testing.T) {
	work := t.TempDir()
	set, err := samples.Make(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	repo, err := sim.Publish(filepath.Join(work, "authority"), set)
	if err != nil {
		t.Fatal(err)
	}
	base := baseConfig(t, deadAddr(t))
	code, out, errOut := kioskctlIn(t, work, "provision", "--config", base, "--state-dir", "state",
		"--venue-id", "CM-08", "--venue-en", "Market", "--root", filepath.Join(repo, "1.root.json"), "--sync-source", "file://"+repo)
	if code != command.ExitOK {
		t.Fatalf("provision: exit %d\n%s%s", code, out, errOut)
	}
	dir := filepath.Join(work, "state")
	text, err := os.ReadFile(filepath.Join(dir, config.ProvisionFile))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, provision.RootFile); !strings.Contains(string(text), "root = \""+want+"\"") {
		t.Errorf("provision.toml does not name the root by its absolute path %s:\n%s", want, text)
	}

	// From another directory.
	code, out, errOut = kioskctlIn(t, "", "sync", "--config", base, "--state-dir", dir, "--check", "--from", repo)
	if code != command.ExitOK {
		t.Errorf("sync --check from another directory: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := provision.SetVenue(dir, provision.Venue{ID: "CM-09", NameEN: "Poster venue"}); err != nil {
		t.Errorf("setting the venue from a poster (kioskd's working directory is elsewhere): %v", err)
	}
}
