package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Counters are one day's tallies. Counts only: nothing says who.
type Counters struct {
	Green, Red, Amber int64 // verdicts shown
	Entries           int64 // holders admitted
}

// DayCounters is one day's row.
type DayCounters struct {
	Day string // YYYY-MM-DD
	Counters
}

// maxCountDelta bounds one increment of one counter.
const maxCountDelta = 1 << 20

// maxCounterDays bounds CountersRange.
const maxCounterDays = 400

// dayKey is the calendar day of t in t's own location: the caller decides
// which time zone a kiosk's day follows.
func dayKey(t time.Time) string { return t.Format(time.DateOnly) }

// AddCounters adds c to the counters of day (the calendar day of day in its
// location) in its own transaction. It waits for a running Apply.
func (s *Store) AddCounters(ctx context.Context, day time.Time, c Counters) error {
	return s.Apply(ctx, func(tx *Tx) error { return tx.AddCounters(day, c) })
}

// AddCounters adds c to the counters of day within the transaction.
func (tx *Tx) AddCounters(day time.Time, c Counters) error {
	if err := tx.begin(); err != nil {
		return err
	}
	if day.IsZero() || day.Year() < 1970 || day.Year() > 9999 {
		return invalid("counters", "day %v out of range", day)
	}
	for name, n := range map[string]int64{"green": c.Green, "red": c.Red, "amber": c.Amber, "entries": c.Entries} {
		if n < 0 || n > maxCountDelta {
			return invalid("counters", "%s: %d; want 0 to %d", name, n, maxCountDelta)
		}
	}
	_, err := tx.exec(`INSERT INTO daily_counts(day, green, red, amber, entries) VALUES (?,?,?,?,?)
		ON CONFLICT(day) DO UPDATE SET green = green + excluded.green, red = red + excluded.red,
		amber = amber + excluded.amber, entries = entries + excluded.entries`,
		dayKey(day), c.Green, c.Red, c.Amber, c.Entries)
	if err != nil {
		return fmt.Errorf("store: counters: %w", err)
	}
	return nil
}

// Counters returns the counters of day (zero when nothing was counted).
func (s *Store) Counters(ctx context.Context, day time.Time) (Counters, error) {
	var c Counters
	if err := s.check(); err != nil {
		return c, err
	}
	err := s.r.QueryRowContext(ctx, "SELECT green, red, amber, entries FROM daily_counts WHERE day = ?", dayKey(day)).
		Scan(&c.Green, &c.Red, &c.Amber, &c.Entries)
	if errors.Is(err, sql.ErrNoRows) {
		return Counters{}, nil
	}
	return c, err
}

// CountersRange returns the days from from to to (inclusive, calendar days
// in from's location) that have counters, oldest first; at most 400 days.
func (s *Store) CountersRange(ctx context.Context, from, to time.Time) ([]DayCounters, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	a, b := dayKey(from), dayKey(to.In(from.Location()))
	if b < a {
		return nil, invalid("counters range", "%s is before %s", b, a)
	}
	if to.Sub(from) > maxCounterDays*24*time.Hour {
		return nil, invalid("counters range", "more than %d days", maxCounterDays)
	}
	rows, err := s.r.QueryContext(ctx, "SELECT day, green, red, amber, entries FROM daily_counts WHERE day BETWEEN ? AND ? ORDER BY day", a, b)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DayCounters
	for rows.Next() {
		var d DayCounters
		if err := rows.Scan(&d.Day, &d.Green, &d.Red, &d.Amber, &d.Entries); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
