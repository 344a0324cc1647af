package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// TimeFloor implements clock.FloorStore, bounded by Opts.Timeout.
func (s *Store) TimeFloor() (time.Time, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	return s.TimeFloorContext(ctx)
}

// RaiseTimeFloor implements clock.FloorStore, bounded by Opts.Timeout.
func (s *Store) RaiseTimeFloor(t time.Time) error {
	ctx, cancel := s.ctx()
	defer cancel()
	return s.RaiseTimeFloorContext(ctx, t)
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

// RaiseTimeFloorContext raises the floor to t (truncated to the second);
// a t not after the stored floor changes nothing.
func (s *Store) RaiseTimeFloorContext(ctx context.Context, t time.Time) error {
	u, err := unixOrZero(t)
	if err != nil {
		return invalid("time floor", "%v", err)
	}
	if u == 0 {
		return nil // the zero time raises nothing
	}
	return s.Apply(ctx, func(tx *Tx) error {
		_, err := tx.exec("INSERT INTO time_floor(id, unix) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET unix = max(unix, excluded.unix)", u)
		return err
	})
}
