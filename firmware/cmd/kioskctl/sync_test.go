package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/internal/command"
	"github.com/venuekiosk/venuekiosk/internal/store"
	"github.com/venuekiosk/venuekiosk/sync/publish"
)

// syncKiosk is a state directory with a configuration whose sync.root is
// the root of a fresh repository.
func syncKiosk(t *testing.T) (cfgFile, state, repoDir string, pub *publish.Repo) {
	t.Helper()
	base := t.TempDir()
	repoDir, state = filepath.Join(base, "repo"), filepath.Join(base, "state")
	pub, err := publish.Init(repoDir, filepath.Join(base, "keys"), 1, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(state, 0o700)
	cfgFile = filepath.Join(base, "kioskd.toml")
	os.WriteFile(cfgFile, []byte("[kiosk]\nstate_dir = \""+state+"\"\n[sync]\nroot = \""+filepath.Join(repoDir, "1.root.json")+"\"\n"), 0o644)
	return cfgFile, state, repoDir, pub
}

func TestSyncFromStick(t *testing.T) {
	cfgFile, state, repoDir, pub := syncKiosk(t)
	ids := []pass.ID{pass.NewID("dcc", "01:XA:A"), pass.NewID("dcc", "01:XA:B")}
	if _, err := pub.Publish(publish.Inputs{Revocations: ids, Policy: policy.DefaultJSON()}); err != nil {
		t.Fatal(err)
	}
	// --check on a kiosk that never synced: all new, nothing written.
	code, out, errs := kioskctl(t, "", "sync", "--config", cfgFile, "--from", repoDir, "--check")
	if code != command.ExitOK || !strings.Contains(out, "revocations       version 1: new to this kiosk") {
		t.Fatalf("sync --check: exit %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(state, "kiosk.db")); err == nil {
		t.Error("--check created the kiosk's store")
	}
	code, out, errs = kioskctl(t, "", "sync", "--config", cfgFile, "--from", repoDir)
	if code != command.ExitOK || !strings.Contains(out, "revocations       version 0 → 1 (full, 2 entries)") {
		t.Fatalf("sync: exit %d\n%s%s", code, out, errs)
	}
	st, err := store.OpenReadOnly(context.Background(), filepath.Join(state, "kiosk.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := st.Revoked(ids[1]); !ok {
		t.Error("the synced revocation is not in the store")
	}
	st.Close()
	code, out, _ = kioskctl(t, "", "sync", "--config", cfgFile, "--from", repoDir)
	if code != command.ExitOK || !strings.Contains(out, "no data set changed") {
		t.Errorf("second sync: exit %d\n%s", code, out)
	}
	code, out, _ = kioskctl(t, "", "sync", "--config", cfgFile, "--from", "file://"+repoDir, "--check")
	if code != command.ExitOK || !strings.Contains(out, "version 1: what the kiosk has") {
		t.Errorf("check after sync: exit %d\n%s", code, out)
	}
	// A stick from another authority is refused and changes nothing.
	_, _, other, otherPub := syncKiosk(t)
	otherPub.Publish(publish.Inputs{Revocations: ids[:1]})
	code, _, errs = kioskctl(t, "", "sync", "--config", cfgFile, "--from", other)
	if code != command.ExitFail || !strings.Contains(errs, "signatures") || !strings.Contains(errs, "unchanged") {
		t.Errorf("foreign stick: exit %d, %q", code, errs)
	}
	// While kioskd holds the store.
	held, err := store.Open(context.Background(), filepath.Join(state, "kiosk.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	code, _, errs = kioskctl(t, "", "sync", "--config", cfgFile, "--from", repoDir)
	if code != command.ExitFail || !strings.Contains(errs, "kioskd is running") {
		t.Errorf("sync beside kioskd: exit %d, %q", code, errs)
	}
}

func TestSyncUsage(t *testing.T) {
	cfgFile, _, _, _ := syncKiosk(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"sync", "--config", cfgFile}, command.ExitUsage, "no repository"},
		{[]string{"sync", "--config", cfgFile, "x"}, command.ExitUsage, "unexpected argument"},
		{[]string{"sync", "--config", cfgFile, "--from", "ftp://x"}, command.ExitFail, "https"},
		{[]string{"sync", "--config", filepath.Join(t.TempDir(), "none.toml"), "--from", "/x"}, command.ExitUsage, "no such file"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, errs := kioskctl(t, "", tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.want) {
				t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, errs, tc.code, tc.want)
			}
		})
	}
	if code, out, _ := kioskctl(t, "", "sync", "--help"); code != command.ExitOK || !strings.Contains(out, "usage: kioskctl sync") {
		t.Errorf("sync --help: exit %d, %q", code, out)
	}
}
