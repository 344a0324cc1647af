package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/internal/command"
	"github.com/venuekiosk/venuekiosk/sync/publish"
)

// TestRootWritesAsTheKioskUser: kioskctl run as root in a state directory
// owned by the kiosk user (uid 4321 here) leaves every file it made to
// that user: kioskd, which runs as it, can read its key and its store.
func TestRootWritesAsTheKioskUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (kioskctl run as root is the case)")
	}
	const kioskUID, kioskGID = 4321, 4321
	cfgFile, state, repoDir, pub := syncKiosk(t)
	if err := os.Chown(state, kioskUID, kioskGID); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := kioskctl(t, "", "provision", "--config", cfgFile, "--venue-id", "CM-01", "--venue-en", "Central Market"); code != command.ExitOK {
		t.Fatalf("provision: %d %s", code, errOut)
	}
	if _, err := pub.Publish(publish.Inputs{Policy: policy.DefaultJSON()}); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := kioskctl(t, "", "sync", "--config", cfgFile, "--from", repoDir); code != command.ExitOK {
		t.Fatalf("sync: %d %s", code, errOut)
	}
	n := 0
	filepath.WalkDir(state, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		info, _ := d.Info()
		st := info.Sys().(*syscall.Stat_t)
		if st.Uid != kioskUID || st.Gid != kioskGID {
			t.Errorf("%s: owned by %d:%d, want the kiosk user %d:%d", p, st.Uid, st.Gid, kioskUID, kioskGID)
		}
		n++
		return nil
	})
	for _, f := range []string{"kiosk.key", "kiosk.db", "provision.toml", "visits.key", "tuf/root.json"} {
		if _, err := os.Stat(filepath.Join(state, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(state, "kiosk.db")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("kiosk.db: %v %v; want mode 0600", fi.Mode(), err)
	}
	t.Logf("%d entries checked", n)
}
