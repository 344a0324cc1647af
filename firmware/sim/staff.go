package sim

import (
	"context"
	"crypto/ed25519"
	"os"
	"path/filepath"

	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/firmware/store"
	"github.com/venuekiosk/venuekiosk/firmware/web"
)

// OperatorKeyFile is the name, in the simulator's keys directory, of the
// public key of the operator that signs the sample staff cards.
const OperatorKeyFile = "operator.pub"

// staffSamples sets the simulated kiosk up for the door's samples: the
// sample operator's public key first in staff.operator_keys, the staff
// cards, category codes and posters on the page (after the passes), and
// the sample staff-card revocations in the store when it opens (sync has
// no staff data set yet: see the README).
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
		return SeedStaff(context.Background(), st, set)
	}
	return nil
}

// SeedStaff replaces the store's staff-card revocations with set's, as the
// sync of a staff revocation data set would, and records its version.
func SeedStaff(ctx context.Context, st *store.Store, set *samples.Set) error {
	return st.Apply(ctx, func(tx *store.Tx) error {
		if _, err := tx.ReplaceStaffRevocations(store.SliceSeq(set.StaffRevocations)); err != nil {
			return err
		}
		v := set.At.Unix()
		cur, ok, err := st.DataVersion(ctx, store.DataStaffRevocations)
		if err != nil {
			return err
		}
		if ok && cur.Version > v {
			v = cur.Version
		}
		return tx.SetDataVersion(store.DataStaffRevocations, v, "simulator", set.At)
	})
}
