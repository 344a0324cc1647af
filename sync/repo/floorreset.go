package repo

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"time"
)

// A floor reset lowers a kiosk's time floor: the recovery for a kiosk that
// saved a wrong, future time (an older firmware trusted a bad clock or a
// timestamp signed with a stolen online key). It is signed metadata in
// the TUF envelope, "_type": "floor-reset", signed by a threshold of the
// root keys or of the targets keys of the kiosk's trusted root — never by
// the online timestamp or snapshot keys:
//
//	{"signed": {"_type": "floor-reset", "spec_version": "1.0.31",
//	  "version": 3, "time": "2026-06-01T00:00:00Z",
//	  "expires": "2026-06-08T00:00:00Z", "kiosks": ["HK-CM-*"]},
//	 "signatures": [...]}
//
// version is a counter: a kiosk applies a reset only when its version is
// newer than the last it applied. time is the floor to set; kiosks lists
// the kiosk IDs (fleet.kiosk_id) it is for, with * and ? wildcards ("*":
// every kiosk). It lies at the top of a repository as FloorResetFile,
// fetched only by a kiosk whose clock reads before its floor, or is
// applied with `kioskctl clock reset --signed FILE`.
const (
	TypeFloorReset    = "floor-reset"
	FloorResetFile    = "floor-reset.json"
	MaxFloorResetSize = 64 << 10
	// MaxFloorResetLife bounds expires - time: a reset is for a recovery
	// now, not a standing order.
	MaxFloorResetLife = 31 * 24 * time.Hour
	maxResetKiosks    = 1024
)

// FloorReset is the signed part of a floor reset.
type FloorReset struct {
	Common
	Time   time.Time `json:"time"`
	Kiosks []string  `json:"kiosks"`
}

var kioskPattern = regexp.MustCompile(`^[A-Za-z0-9_*?-]{1,64}$`)

func (f *FloorReset) check() error {
	switch {
	case f.Time.IsZero():
		return errors.New("no time")
	case !f.Time.Before(f.Expires):
		return errors.New("time is not before expires")
	case f.Expires.Sub(f.Time) > MaxFloorResetLife:
		return fmt.Errorf("expires %s after its time; at most %s", f.Expires.Sub(f.Time), MaxFloorResetLife)
	case len(f.Kiosks) == 0:
		return errors.New(`no kiosks: name them, or "*" for every kiosk`)
	case len(f.Kiosks) > maxResetKiosks:
		return fmt.Errorf("%d kiosks; at most %d", len(f.Kiosks), maxResetKiosks)
	}
	for _, k := range f.Kiosks {
		if !kioskPattern.MatchString(k) {
			return fmt.Errorf("kiosk %q: want 1 to 64 letters, digits, '-', '_', with * and ? wildcards", k)
		}
	}
	return nil
}

// For reports whether the reset names kiosk (its fleet.kiosk_id; "" for a
// kiosk without one, which only "*" names).
func (f *FloorReset) For(kiosk string) bool {
	for _, p := range f.Kiosks {
		if p == "*" {
			return true
		}
		if kiosk == "" {
			continue
		}
		if ok, err := path.Match(p, kiosk); err == nil && ok {
			return true
		}
	}
	return false
}

// ParseFloorReset reads a floor reset and checks it was signed by a
// threshold of root's root keys or, failing that, of its targets keys. It
// returns the role whose keys signed.
func ParseFloorReset(b []byte, root *Root) (*FloorReset, string, error) {
	if len(b) > MaxFloorResetSize {
		return nil, "", fmt.Errorf("floor reset: %d bytes; at most %d", len(b), MaxFloorResetSize)
	}
	m, err := Parse[*FloorReset](b, TypeFloorReset)
	if err != nil {
		return nil, "", err
	}
	err = m.Verify(root, RoleRoot)
	if err == nil {
		return m.Signed, RoleRoot, nil
	}
	if terr := m.Verify(root, RoleTargets); terr == nil {
		return m.Signed, RoleTargets, nil
	}
	return nil, "", fmt.Errorf("floor reset: not signed by the root keys (%v) nor by the targets keys", err)
}
