package sim_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/firmware/sim"
	"github.com/venuekiosk/venuekiosk/firmware/staff"
	"github.com/venuekiosk/venuekiosk/firmware/store"
	"github.com/venuekiosk/venuekiosk/sync/client"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// syncSim syncs the simulator's repository in dir into a new store, as
// the simulated kiosk does.
func syncSim(t *testing.T, repoDir string, st *store.Store, tuf string) *client.Result {
	t.Helper()
	root, err := client.ReadRoot(filepath.Join(repoDir, "1.root.json"))
	if err != nil {
		t.Fatal(err)
	}
	cl, err := client.New(client.Opts{Source: repoDir, Root: root, Dir: tuf, Store: st, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := cl.Sync(context.Background())
	if err != nil {
		t.Fatalf("Sync: %v", err)
	}
	return res
}

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), path, &store.Opts{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestPublishStaffRevocations: the sample staff-card revocations reach a
// kiosk by the signed sync: after it, the revoked sample card is refused
// and the others are accepted; publishing again on the next start leaves
// the list's version as it is.
func TestPublishStaffRevocations(t *testing.T) {
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.DiscardHandler))
	t.Cleanup(func() { slog.SetDefault(prev) })
	set, err := samples.Make(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	repoDir, err := sim.Publish(dir, set)
	if err != nil {
		t.Fatal(err)
	}
	st := openStore(t, filepath.Join(dir, "kiosk.db"))
	v := &staff.Verifier{Keys: []ed25519.PublicKey{set.OperatorKey.Public().(ed25519.PublicKey)}, Revoked: st}
	revoked, ok := set.StaffSample("Staff card: supervisor, revoked")
	if !ok {
		t.Fatal("no revoked sample card")
	}
	if _, err := v.Verify(revoked.Payload, set.At); err != nil {
		t.Fatalf("before any sync: Verify(revoked sample): %v; want accepted (nothing revoked yet)", err)
	}

	res := syncSim(t, repoDir, st, filepath.Join(dir, "tuf"))
	if !res.Changed(repo.StaffRevocations) {
		t.Errorf("sync applied %+v; want the staff revocations", res.Applied)
	}
	if _, err := v.Verify(revoked.Payload, set.At); !errors.Is(err, staff.ErrRevoked) {
		t.Errorf("after sync: Verify(revoked sample): %v; want %v", err, staff.ErrRevoked)
	}
	good, _ := set.StaffSample("Staff card: supervisor (")
	if _, err := v.Verify(good.Payload, set.At); err != nil {
		t.Errorf("after sync: Verify(supervisor sample): %v; want accepted", err)
	}
	dv, ok, err := st.DataVersion(context.Background(), store.DataStaffRevocations)
	if err != nil || !ok || dv.Version != 1 || dv.Source != repoDir {
		t.Errorf("staff revocations recorded as %+v, %v, %v; want version 1 from %s", dv, ok, err, repoDir)
	}

	// The next start publishes the same list: no new version to sync.
	again, err := samples.Make(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sim.Publish(dir, again); err != nil {
		t.Fatal(err)
	}
	res = syncSim(t, repoDir, st, filepath.Join(dir, "tuf"))
	if res.Changed(repo.StaffRevocations) {
		t.Errorf("second start applied %+v; the staff revocations did not change", res.Applied)
	}
}

// TestSeededStaffWarning: a store whose staff-card revocations an older
// simulator wrote without sync is pointed out at start (sync would refuse
// the published list as a rollback); a synced one is not.
func TestSeededStaffWarning(t *testing.T) {
	prev := slog.Default()
	t.Cleanup(func() { slog.SetDefault(prev) })
	for _, tc := range []struct {
		source string
		warn   bool
	}{{"simulator", true}, {"/var/lib/kiosk/sim-repo", false}} {
		var log bytes.Buffer
		slog.SetDefault(slog.New(slog.NewTextHandler(&log, nil)))
		st := openStore(t, filepath.Join(t.TempDir(), "kiosk.db"))
		err := st.Apply(context.Background(), func(tx *store.Tx) error {
			if _, err := tx.ReplaceStaffRevocations(store.SliceSeq([]string{samples.RevokedCard})); err != nil {
				return err
			}
			return tx.SetDataVersion(store.DataStaffRevocations, 1_700_000_000, tc.source, time.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := sim.CheckSeededStaff(context.Background(), st); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(log.String(), "rollback of staff_revocations"); got != tc.warn {
			t.Errorf("source %q: warned %v, want %v; log:\n%s", tc.source, got, tc.warn, log.String())
		}
	}
}
