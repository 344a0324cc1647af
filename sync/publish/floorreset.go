package publish

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// FloorReset says what a floor reset is for (repo.FloorReset).
type FloorReset struct {
	// Time is the floor to set: now, as the signer knows it.
	Time time.Time
	// Life is how long kiosks may apply it (default 7 days, at most
	// repo.MaxFloorResetLife).
	Life time.Duration
	// Kiosks are the kiosk IDs it is for, with * and ? wildcards.
	Kiosks []string
	// Role signs it: repo.RoleRoot (default) or repo.RoleTargets.
	Role string
	// Version is the reset's counter; 0: one more than the reset already
	// in the repository (or 1).
	Version int64
}

// SignFloorReset signs a floor reset with the keys of f.Role and writes it
// to the top of the repository (repo.FloorResetFile), where kiosks whose
// clock reads before their floor look for it; the file can also be given
// to `kioskctl clock reset --signed`. It returns the file's content.
func (r *Repo) SignFloorReset(f FloorReset) ([]byte, error) {
	if f.Role == "" {
		f.Role = repo.RoleRoot
	}
	if f.Role != repo.RoleRoot && f.Role != repo.RoleTargets {
		return nil, fmt.Errorf("floor reset: role %q: want root or targets (offline keys)", f.Role)
	}
	if f.Life == 0 {
		f.Life = 7 * 24 * time.Hour
	}
	if f.Time.IsZero() {
		f.Time = r.o.Now()
	}
	path := filepath.Join(r.Dir, repo.FloorResetFile)
	if f.Version == 0 {
		f.Version = 1
		if b, err := os.ReadFile(path); err == nil {
			if old, _, err := repo.ParseFloorReset(b, r.root.Signed); err == nil {
				f.Version = old.Version + 1
			}
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	s := &repo.FloorReset{
		Common: repo.Common{Type: repo.TypeFloorReset, SpecVersion: repo.SpecVersion, Version: f.Version, Expires: f.Time.Add(f.Life).UTC().Truncate(time.Second)},
		Time:   f.Time.UTC().Truncate(time.Second),
		Kiosks: f.Kiosks,
	}
	signers, err := r.keys.signers(r.root.Signed, f.Role)
	if err != nil {
		return nil, err
	}
	b, err := repo.Sign(s, signers...)
	if err != nil {
		return nil, err
	}
	if _, _, err := repo.ParseFloorReset(b, r.root.Signed); err != nil {
		return nil, fmt.Errorf("floor reset does not read back: %w", err)
	}
	if err := writeFile(path, b); err != nil {
		return nil, err
	}
	return b, nil
}
