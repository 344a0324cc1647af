package sim

import (
	"context"
	"crypto/ed25519"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/firmware/web"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// OperatorKeyFile is the name, in the simulator's keys directory, of the
// public key of the operator that signs the sample staff cards.
const OperatorKeyFile = "operator.pub"

// staffSamples sets the simulated kiosk up for the door's samples: the
// sample operator's public key first in staff.operator_keys, and the staff
// cards, category codes and posters on the page (after the passes). The
// sample staff-card revocations reach the store by sync: Publish signs
// them into the simulator's repository.
func staffSamples(cfg *config.Config, dir string, hw *daemon.Hardware, set *samples.Set) error {
	pub, err := venueqr.MarshalPublicKey(set.OperatorKey.Public().(ed25519.PublicKey))
	if err != nil {
		return err
	}
	keys := filepath.Join(dir, KeysDir)
	if err := os.MkdirAll(keys, 0o700); err != nil {
		return err
	}
	path := filepath.Join(keys, OperatorKeyFile)
	if err := os.WriteFile(path, pub, 0o644); err != nil {
		return err
	}
	cfg.Staff.OperatorKeys = append([]string{path}, cfg.Staff.OperatorKeys...)
	for _, sm := range set.Staff {
		hw.Samples = append(hw.Samples, web.Sample{Name: sm.Name, Payload: sm.Payload, Expect: sm.Expect, Kind: sm.Kind})
	}
	seed := hw.Seed
	hw.Seed = func(st *store.Store) error {
		if seed != nil {
			if err := seed(st); err != nil {
				return err
			}
		}
		return checkSeededStaff(context.Background(), st)
	}
	return nil
}

// seededSource is the source an older simulator recorded when it wrote
// the sample staff-card revocations into the store itself.
const seededSource = "simulator"

// checkSeededStaff undoes what an older simulator did: it wrote the
// sample staff-card revocations into the store itself, under a version
// (the samples' time in unix seconds) the repository's versions never
// reach, so sync would refuse the published list as a rollback. The list
// and its version are dropped; the next sync brings them back signed.
func checkSeededStaff(ctx context.Context, st *store.Store) error {
	v, ok, err := st.DataVersion(ctx, store.DataStaffRevocations)
	if err != nil || !ok || v.Source != seededSource {
		return err
	}
	slog.Info("simulator: staff-card revocations written without sync by an older release dropped; the next sync brings them",
		"version", v.Version)
	return st.Apply(ctx, func(tx *store.Tx) error {
		if _, err := tx.ReplaceStaffRevocations(store.SliceSeq[string](nil)); err != nil {
			return err
		}
		return tx.ForgetDataVersion(store.DataStaffRevocations)
	})
}
