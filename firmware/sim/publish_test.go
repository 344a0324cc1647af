package sim_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/firmware/sim"
	"github.com/venuekiosk/venuekiosk/firmware/staff"
	"github.com/venuekiosk/venuekiosk/internal/store"
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

// TestSeededStaff: staff-card revocations an older simulator wrote
// without sync are dropped at start, version and all, so the next sync
// applies the published list; a synced list is left alone.
func TestSeededStaff(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		source string
		kept   bool
	}{{"simulator", false}, {"/var/lib/kiosk/sim-repo", true}} {
		t.Run(tc.source, func(t *testing.T) {
			st := openStore(t, filepath.Join(t.TempDir(), "kiosk.db"))
			err := st.Apply(ctx, func(tx *store.Tx) error {
				if _, err := tx.ReplaceStaffRevocations(store.SliceSeq([]string{samples.RevokedCard})); err != nil {
					return err
				}
				return tx.SetDataVersion(store.DataStaffRevocations, 1_700_000_000, tc.source, time.Now())
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := sim.CheckSeededStaff(ctx, st); err != nil {
				t.Fatal(err)
			}
			_, ok, err := st.DataVersion(ctx, store.DataStaffRevocations)
			if err != nil {
				t.Fatal(err)
			}
			revoked, err := st.StaffRevoked(ctx, samples.RevokedCard)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tc.kept || revoked != tc.kept {
				t.Errorf("source %q: version kept %v, card still revoked %v; want both %v", tc.source, ok, revoked, tc.kept)
			}
			if !tc.kept {
				// The published list (version 1) now applies.
				err := st.Apply(ctx, func(tx *store.Tx) error {
					return tx.SetDataVersion(store.DataStaffRevocations, 1, "sim-repo", time.Now())
				})
				if err != nil {
					t.Errorf("source %q: version 1 after the drop: %v", tc.source, err)
				}
			}
		})
	}
}
