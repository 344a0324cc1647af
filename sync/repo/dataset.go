package repo

import (
	"fmt"
	"slices"

	"github.com/venuekiosk/venuekiosk/internal/store"
)

// Data set names: the store's names (store.DataTrust …), so that the
// versions the kiosk records are the versions the repository publishes.
const (
	Trust       = store.DataTrust
	Revocations = store.DataRevocations
	Codes       = store.DataCodes
	Policy      = store.DataPolicy
	Exposures   = store.DataExposures
	// StaffRevocations are the revoked staff cards' ids (firmware/staff).
	StaffRevocations = store.DataStaffRevocations
)

// Datasets are the data sets a repository may publish, in the order the
// kiosk applies them.
var Datasets = []string{Trust, Policy, StaffRevocations, Revocations, Codes, Exposures}

// Revocation file kinds.
const (
	KindFull  = "full"
	KindDelta = "delta"
)

// Dataset is the custom metadata of a target that holds a data set (at
// "custom": {"venuekiosk": …} in targets metadata).
type Dataset struct {
	Name    string `json:"dataset"`
	Version int64  `json:"version"`
	// Kind is KindFull or KindDelta for revocations; "" (full) otherwise.
	Kind string `json:"kind,omitempty"`
	// From is the version a delta applies to; it brings From to Version.
	From int64 `json:"from,omitempty"`
	// Entries is the number of entries (a delta's adds plus removes).
	Entries int64 `json:"entries"`
}

// MaxFileSize bounds each data set's files; a target larger than its data
// set's bound is refused before a byte is downloaded.
func MaxFileSize(dataset string) int64 {
	switch dataset {
	case Trust:
		return 16 << 20
	case Policy:
		return 1 << 20
	case Revocations:
		return revHeader + 32*store.MaxRevocations
	case Codes:
		return codeHeader + codeRecord*int64(store.MaxCodes)
	case Exposures:
		return 64 << 20
	case StaffRevocations:
		return staffHeader + staffRecord*store.MaxStaffRevocations
	}
	return 0
}

func (d *Dataset) check(length int64) error {
	if !slices.Contains(Datasets, d.Name) {
		return fmt.Errorf("unknown data set %q", d.Name)
	}
	if d.Version < 1 {
		return fmt.Errorf("data set %s: version %d", d.Name, d.Version)
	}
	if max := MaxFileSize(d.Name); length > max {
		return fmt.Errorf("data set %s: %d bytes; at most %d", d.Name, length, max)
	}
	if d.Entries < 0 {
		return fmt.Errorf("data set %s: %d entries", d.Name, d.Entries)
	}
	switch {
	case d.Name == Revocations && d.Kind == KindFull:
	case d.Name == Revocations && d.Kind == KindDelta:
		if d.From < 1 || d.From >= d.Version {
			return fmt.Errorf("revocation delta to version %d from %d", d.Version, d.From)
		}
	case d.Name != Revocations && d.Kind == "":
	default:
		return fmt.Errorf("data set %s: kind %q", d.Name, d.Kind)
	}
	return nil
}
