package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// TimeFloor implements clock.FloorStore. It takes no context; see
// the package documentation on contexts.
func (s *Store) TimeFloor() (time.Time, error) {
	return s.TimeFloorContext(context.Background())
}

// RaiseTimeFloor implements clock.FloorStore. clock.Trusted calls it from
// Now, on the scan path, so it never waits behind a running write
// transaction (a sync may take a minute): then it writes nothing and
// returns ErrBusy, and the clock tries again later. A sync raises the floor
// to its signed time inside its own Apply with Tx.RaiseTimeFloor.
func (s *Store) RaiseTimeFloor(t time.Time) error {
	if err := s.check(); err != nil {
		return err
	}
	if s.readOnly {
		return ErrReadOnly
	}
	u, err := floorSeconds(t)
	if err != nil || u == 0 {
		return err
	}
	select {
	case s.writing <- struct{}{}:
	default:
		return ErrBusy
	}
	defer func() { <-s.writing }()
	return s.apply(context.Background(), func(tx *Tx) error { return tx.raiseFloor(u) })
}

// TimeFloorContext returns the last known good time, to the second; the
// zero time when none was ever stored.
func (s *Store) TimeFloorContext(ctx context.Context) (time.Time, error) {
	if err := s.check(); err != nil {
		return time.Time{}, err
	}
	var u int64
	err := s.r.QueryRowContext(ctx, "SELECT unix FROM time_floor WHERE id = 1").Scan(&u)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(u, 0).UTC(), nil
}

// raiseTimeFloorContext raises the floor to t (truncated to the second),
// waiting as ctx allows for a running write; a t not after the stored
// floor changes nothing.
func (s *Store) raiseTimeFloorContext(ctx context.Context, t time.Time) error {
	u, err := floorSeconds(t)
	if err != nil || u == 0 {
		return err
	}
	return s.Apply(ctx, func(tx *Tx) error { return tx.raiseFloor(u) })
}

// RaiseTimeFloor raises the floor to t within the transaction.
func (tx *Tx) RaiseTimeFloor(t time.Time) error {
	if err := tx.begin(); err != nil {
		return err
	}
	u, err := floorSeconds(t)
	if err != nil || u == 0 {
		return err
	}
	return tx.raiseFloor(u)
}

// floorSeconds is t in unix seconds; 0 (raise nothing) for the zero time.
func floorSeconds(t time.Time) (int64, error) {
	u, err := unixOrZero(t)
	if err != nil {
		return 0, invalid("time floor", "%v", err)
	}
	return u, nil
}

func (tx *Tx) raiseFloor(u int64) error {
	_, err := tx.exec("INSERT INTO time_floor(id, unix) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET unix = max(unix, excluded.unix)", u)
	return err
}

// floorResetKey is the setting that holds the version of the last signed
// floor reset applied.
const floorResetKey = "clock.reset_version"

// ResetTimeFloor implements clock.ResetStore: it sets the floor to t, even
// lower, and records version as the last floor reset applied, in one
// transaction. Only a verified signed floor reset calls it.
func (s *Store) ResetTimeFloor(t time.Time, version int64) error {
	u, err := floorSeconds(t)
	if err != nil {
		return err
	}
	if u == 0 || version < 1 {
		return invalid("time floor reset", "time %v, version %d", t, version)
	}
	return s.Apply(context.Background(), func(tx *Tx) error {
		if _, err := tx.exec("INSERT INTO time_floor(id, unix) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET unix = excluded.unix", u); err != nil {
			return err
		}
		_, err := tx.exec("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", floorResetKey, strconv.FormatInt(version, 10))
		return err
	})
}

// FloorResetVersion implements clock.ResetStore: the version of the last
// floor reset applied, 0 when none was.
func (s *Store) FloorResetVersion() (int64, error) {
	v, ok, err := s.Setting(context.Background(), floorResetKey)
	if err != nil || !ok {
		return 0, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("store: setting %s = %q: %v", floorResetKey, v, err)
	}
	return n, nil
}
