package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Names of the data sets sync applies. Freshness is judged on
// DataRevocations and DataCodes.
const (
	DataTrust       = "trust"
	DataRevocations = "revocations"
	DataCodes       = "codes"
	DataPolicy      = "policy"
	DataExposures   = "exposures"
)

// DataVersion is the applied version of one data set.
type DataVersion struct {
	Name      string
	Version   int64
	AppliedAt time.Time // kiosk clock (Opts.Now) at commit
	Source    string    // where it came from, e.g. the repository URL or "usb"
	SignedAt  time.Time // the signed timestamp of the metadata that delivered it
}

const maxVersionName = 64

// SetDataVersion records that version of data set name, from source and
// signed at signedAt, is what this transaction applies. A version older
// than the applied one is a *RollbackError (the same version again is
// allowed).
func (tx *Tx) SetDataVersion(name string, version int64, source string, signedAt time.Time) error {
	if err := tx.begin(); err != nil {
		return err
	}
	switch {
	case name == "" || len(name) > maxVersionName:
		return invalid("data set name", "%d bytes; want 1 to %d", len(name), maxVersionName)
	case version < 0:
		return invalid("data set "+name, "version %d is negative", version)
	case len(source) > 256:
		return invalid("data set "+name, "source is %d bytes; at most 256", len(source))
	case signedAt.IsZero():
		return invalid("data set "+name, "no signed time")
	}
	signed, err := unixOrZero(signedAt)
	if err != nil {
		return invalid("data set "+name, "signed time: %v", err)
	}
	var cur int64
	err = tx.tx.QueryRowContext(tx.ctx, "SELECT version FROM data_versions WHERE name = ?", name).Scan(&cur)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	case version < cur:
		return &RollbackError{Name: name, Current: cur, Next: version}
	}
	_, err = tx.exec(`INSERT INTO data_versions(name, version, applied_at, source, signed_at) VALUES (?,?,?,?,?)
		ON CONFLICT(name) DO UPDATE SET version = excluded.version, applied_at = excluded.applied_at,
		source = excluded.source, signed_at = excluded.signed_at`,
		name, version, tx.s.opts.Now().Unix(), source, signed)
	if err != nil {
		return fmt.Errorf("store: data set %s: %w", name, err)
	}
	tx.versionsChanged = true
	return nil
}

// ForgetDataVersion removes the record of data set name's version, so the
// next sync applies whatever version it brings. Only for data that was
// never synced (an older simulator wrote sample staff revocations itself):
// a synced version is never forgotten this way by the kiosk.
func (tx *Tx) ForgetDataVersion(name string) error {
	if err := tx.begin(); err != nil {
		return err
	}
	if _, err := tx.exec("DELETE FROM data_versions WHERE name = ?", name); err != nil {
		return fmt.Errorf("store: data set %s: %w", name, err)
	}
	tx.versionsChanged = true
	return nil
}

// DataVersion returns the applied version of data set name; ok is false
// when none was ever applied.
func (s *Store) DataVersion(ctx context.Context, name string) (v DataVersion, ok bool, err error) {
	if err := s.check(); err != nil {
		return v, false, err
	}
	var applied, signed int64
	err = s.r.QueryRowContext(ctx, "SELECT name, version, applied_at, source, signed_at FROM data_versions WHERE name = ?", name).
		Scan(&v.Name, &v.Version, &applied, &v.Source, &signed)
	if errors.Is(err, sql.ErrNoRows) {
		return v, false, nil
	}
	if err != nil {
		return v, false, err
	}
	v.AppliedAt, v.SignedAt = time.Unix(applied, 0).UTC(), time.Unix(signed, 0).UTC()
	return v, true, nil
}

// DataVersions returns every applied data set, by name.
func (s *Store) DataVersions(ctx context.Context) ([]DataVersion, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, "SELECT name, version, applied_at, source, signed_at FROM data_versions ORDER BY name LIMIT 1000")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var vs []DataVersion
	for rows.Next() {
		var v DataVersion
		var applied, signed int64
		if err := rows.Scan(&v.Name, &v.Version, &applied, &v.Source, &signed); err != nil {
			return nil, err
		}
		v.AppliedAt, v.SignedAt = time.Unix(applied, 0).UTC(), time.Unix(signed, 0).UTC()
		vs = append(vs, v)
	}
	return vs, rows.Err()
}

// freshness is the cached answer of DataTime.
type freshness struct {
	t  time.Time
	ok bool
}

// DataTime implements verify.Freshness: the signed timestamp of the
// revocation and code data — the older of the two when both were applied,
// so a stale list is never hidden by a fresh one. ok is false before the
// first sync. It reads a copy kept in memory and never blocks.
func (s *Store) DataTime() (time.Time, bool) {
	f := s.fresh.Load()
	if f == nil {
		return time.Time{}, false
	}
	return f.t, f.ok
}

func (s *Store) loadFreshness(ctx context.Context) error {
	return s.loadFreshnessFrom(ctx, s.w)
}

func (s *Store) loadFreshnessFrom(ctx context.Context, db querier) error {
	rows, err := db.QueryContext(ctx, "SELECT signed_at FROM data_versions WHERE name IN (?, ?)", DataRevocations, DataCodes)
	if err != nil {
		return err
	}
	defer rows.Close()
	f := &freshness{}
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			return err
		}
		t := time.Unix(u, 0).UTC()
		if !f.ok || t.Before(f.t) {
			f.t, f.ok = t, true
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	s.fresh.Store(f)
	return nil
}

// querier is what loadFreshnessFrom needs of a *sql.DB.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}
