package store

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// ErrReadOnly is returned by the write methods of a Store opened with
// OpenReadOnly.
var ErrReadOnly = errors.New("store: opened read-only")

// OpenReadOnly opens the database at path for reading only, beside a
// running kioskd (for `kioskctl status` and `kioskctl selftest`): no lock,
// no check, no quarantine, no migration, and no write ever — the write
// methods return ErrReadOnly. In WAL mode its readers see the last
// committed data while kioskd writes. A missing database is an error
// wrapping os.ErrNotExist; a schema other than schemaVersion is refused
// (kioskd migrates at start).
func OpenReadOnly(ctx context.Context, path string, opts *Opts) (*Store, error) {
	o := opts.withDefaults()
	known := len(migrations)
	h, err := readHeader(path)
	if err != nil {
		return nil, err
	}
	if !h.exists || h.empty {
		return nil, fmt.Errorf("store: %s: %w", path, os.ErrNotExist)
	}
	if !h.valid {
		return nil, fmt.Errorf("store: %s is not an SQLite database", path)
	}
	if h.userVersion > known {
		return nil, &NewerSchemaError{Path: path, Found: h.userVersion, Known: known}
	}
	s := &Store{path: path, opts: o, log: o.Logger, writing: make(chan struct{}, 1), readOnly: true}
	s.status.Path = path
	if err := s.openReaders(ctx); err != nil {
		s.closeDBs()
		return nil, err
	}
	v, err := userVersion(ctx, s.r)
	if err != nil {
		s.closeDBs()
		return nil, err
	}
	if v != known {
		s.closeDBs()
		if v > known {
			return nil, &NewerSchemaError{Path: path, Found: v, Known: known}
		}
		return nil, fmt.Errorf("store: %s has schema v%d, this firmware v%d: kioskd migrates it when it starts", path, v, known)
	}
	s.status.Version, s.status.MigratedFrom = v, v
	if err := s.loadFreshnessFrom(ctx, s.r); err != nil {
		s.closeDBs()
		return nil, err
	}
	return s, nil
}
