package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/staff"
)

// Exempt entries and the open door (staff override). Counts,
// times and staff card ids only: nothing about a visitor.

// ExemptCounts are one day's exempt entries per category.
type ExemptCounts struct {
	Under12    int64 `json:"under12"`
	Over65     int64 `json:"65plus"`
	Disability int64 `json:"disability"`
	Other      int64 `json:"other"`
}

// Get returns c's count of category cat.
func (c ExemptCounts) Get(cat staff.Category) int64 {
	switch cat {
	case staff.Under12:
		return c.Under12
	case staff.Over65:
		return c.Over65
	case staff.Disability:
		return c.Disability
	case staff.Other:
		return c.Other
	}
	return 0
}

// Add adds n entries of category cat (an unknown category adds nothing).
func (c *ExemptCounts) Add(cat staff.Category, n int64) {
	switch cat {
	case staff.Under12:
		c.Under12 += n
	case staff.Over65:
		c.Over65 += n
	case staff.Disability:
		c.Disability += n
	case staff.Other:
		c.Other += n
	}
}

// Total returns the day's exempt entries.
func (c ExemptCounts) Total() int64 { return c.Under12 + c.Over65 + c.Disability + c.Other }

// DayExempt is one day's exempt counts.
type DayExempt struct {
	Day string // YYYY-MM-DD
	ExemptCounts
}

// AddExempt adds n exempt entries of category cat to day (the calendar day
// of day in its location), in its own transaction.
func (s *Store) AddExempt(ctx context.Context, day time.Time, cat staff.Category, n int64) error {
	return s.Apply(ctx, func(tx *Tx) error { return tx.AddExempt(day, cat, n) })
}

// AddExempt adds n exempt entries of category cat to day within the
// transaction.
func (tx *Tx) AddExempt(day time.Time, cat staff.Category, n int64) error {
	if err := tx.begin(); err != nil {
		return err
	}
	if day.IsZero() || day.Year() < 1970 || day.Year() > 9999 {
		return invalid("exempt count", "day %v out of range", day)
	}
	if !cat.Valid() {
		return invalid("exempt count", "category %q", cat)
	}
	if n < 0 || n > maxCountDelta {
		return invalid("exempt count", "%d: want 0 to %d", n, maxCountDelta)
	}
	_, err := tx.exec(`INSERT INTO exempt_counts(day, category, n) VALUES (?,?,?)
		ON CONFLICT(day, category) DO UPDATE SET n = n + excluded.n`, dayKey(day), string(cat), n)
	if err != nil {
		return fmt.Errorf("store: exempt count: %w", err)
	}
	return nil
}

// ExemptCounts returns day's exempt counts (zero when none).
func (s *Store) ExemptCounts(ctx context.Context, day time.Time) (ExemptCounts, error) {
	days, err := s.ExemptCountsRange(ctx, day, day)
	if err != nil || len(days) == 0 {
		return ExemptCounts{}, err
	}
	return days[0].ExemptCounts, nil
}

// ExemptCountsRange returns the days from from to to (inclusive, calendar
// days in from's location) that have exempt entries, oldest first; at
// most 400 days.
func (s *Store) ExemptCountsRange(ctx context.Context, from, to time.Time) ([]DayExempt, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	a, b, err := dayRange(from, to, "exempt counts range")
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, "SELECT day, category, n FROM exempt_counts WHERE day BETWEEN ? AND ? ORDER BY day", a, b)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DayExempt
	for rows.Next() {
		var day, cat string
		var n int64
		if err := rows.Scan(&day, &cat, &n); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].Day != day {
			out = append(out, DayExempt{Day: day})
		}
		out[len(out)-1].Add(staff.Category(cat), n)
	}
	return out, rows.Err()
}

// dayRange checks a range of calendar days and returns its keys.
func dayRange(from, to time.Time, what string) (string, string, error) {
	a, b := dayKey(from), dayKey(to.In(from.Location()))
	if b < a {
		return "", "", invalid(what, "%s is before %s", b, a)
	}
	if to.Sub(from) > maxCounterDays*24*time.Hour {
		return "", "", invalid(what, "more than %d days", maxCounterDays)
	}
	return a, b, nil
}

// Override is one time entry was opened without checks.
type Override struct {
	ID        int64
	Day       string    // the calendar day it started, in the caller's zone
	Started   time.Time // when it opened
	Until     time.Time // when it would end by itself
	StartedBy string    // a staff card id, or "button"
	// Ended is zero while it is open; EndedBy and EndReason say who and
	// why: "staff" (a supervisor card or the button), "timeout" or
	// "restart" (the kiosk started again after Until).
	Ended     time.Time
	EndedBy   string
	EndReason string
}

// End reasons of an override.
const (
	EndStaff   = "staff"
	EndTimeout = "timeout"
	EndRestart = "restart"
)

// overrideKeep is how long overrides are kept: the log is pruned when a
// new one starts.
const overrideKeep = maxCounterDays * 24 * time.Hour

// maxOverrides bounds what Overrides returns.
const maxOverrides = 1000

var doorActor = regexp.MustCompile(`^[A-Za-z0-9-]{1,32}$`)

// StartOverride logs that entry opened at started until until, by by (a
// staff card id or "button"), and returns its id. Overrides that started
// more than 400 days before are erased. The day is started's calendar day
// in its location.
func (s *Store) StartOverride(ctx context.Context, started, until time.Time, by string) (int64, error) {
	if !doorActor.MatchString(by) {
		return 0, invalid("override", "started by %q: want 1 to 32 of A-Z a-z 0-9 -", by)
	}
	if started.Unix() < 0 || !until.After(started) || until.Year() > 9999 {
		return 0, invalid("override", "from %v until %v", started, until)
	}
	var id int64
	err := s.Apply(ctx, func(tx *Tx) error {
		if _, err := tx.exec("DELETE FROM overrides WHERE started < ?", started.Add(-overrideKeep).Unix()); err != nil {
			return err
		}
		res, err := tx.exec("INSERT INTO overrides(day, started, until, started_by) VALUES (?,?,?,?)",
			dayKey(started), started.Unix(), max(until.Unix(), started.Unix()+1), by)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: starting an override: %w", err)
	}
	return id, nil
}

// EndOverride logs that override id ended at at, by by, for reason (one
// of EndStaff, EndTimeout, EndRestart). Ending one that already ended, or
// none, is an *InvalidError.
func (s *Store) EndOverride(ctx context.Context, id int64, at time.Time, by, reason string) error {
	if !doorActor.MatchString(by) {
		return invalid("override", "ended by %q: want 1 to 32 of A-Z a-z 0-9 -", by)
	}
	switch reason {
	case EndStaff, EndTimeout, EndRestart:
	default:
		return invalid("override", "end reason %q", reason)
	}
	return s.Apply(ctx, func(tx *Tx) error {
		res, err := tx.exec("UPDATE overrides SET ended = max(started, ?), ended_by = ?, end_reason = ? WHERE id = ? AND ended IS NULL", at.Unix(), by, reason, id)
		if err != nil {
			return fmt.Errorf("store: ending override %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return invalid("override", "%d is not open", id)
		}
		return nil
	})
}

const overrideCols = "id, day, started, until, started_by, ended, ended_by, end_reason"

func scanOverride(sc interface{ Scan(...any) error }) (Override, error) {
	var o Override
	var started, until int64
	var ended sql.NullInt64
	var by, why sql.NullString
	if err := sc.Scan(&o.ID, &o.Day, &started, &until, &o.StartedBy, &ended, &by, &why); err != nil {
		return o, err
	}
	o.Started, o.Until = time.Unix(started, 0).UTC(), time.Unix(until, 0).UTC()
	if ended.Valid {
		o.Ended = time.Unix(ended.Int64, 0).UTC()
	}
	o.EndedBy, o.EndReason = by.String, why.String
	return o, nil
}

// OpenOverride returns the newest override that has not ended (after a
// restart: the one to resume or close); ok is false when there is none.
func (s *Store) OpenOverride(ctx context.Context) (o Override, ok bool, err error) {
	if err := s.check(); err != nil {
		return o, false, err
	}
	o, err = scanOverride(s.r.QueryRowContext(ctx, "SELECT "+overrideCols+" FROM overrides WHERE ended IS NULL ORDER BY id DESC LIMIT 1"))
	if errors.Is(err, sql.ErrNoRows) {
		return o, false, nil
	}
	return o, err == nil, err
}

// Overrides returns the overrides that started on the days from from to
// to (inclusive, calendar days in from's location), oldest first; at most
// 1000.
func (s *Store) Overrides(ctx context.Context, from, to time.Time) ([]Override, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	a, b, err := dayRange(from, to, "overrides range")
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, "SELECT "+overrideCols+" FROM overrides WHERE day BETWEEN ? AND ? ORDER BY id LIMIT ?", a, b, maxOverrides)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Override
	for rows.Next() {
		o, err := scanOverride(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// OverrideCounts is one day's overrides, counted.
type OverrideCounts struct {
	Day     string        `json:"day"`
	Started int64         `json:"started"` // overrides that started that day
	Open    time.Duration `json:"-"`       // how long they were (or have been, until now) open; JSON: open_seconds
}

// MarshalJSON writes the open time in whole seconds (open_seconds), as
// people and programs read it, not in nanoseconds.
func (c OverrideCounts) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Day         string `json:"day"`
		Started     int64  `json:"started"`
		OpenSeconds int64  `json:"open_seconds"`
	}{c.Day, c.Started, int64(c.Open / time.Second)})
}

// OverrideCountsRange counts the overrides that started on each day from
// from to to (inclusive, calendar days in from's location) that has any,
// oldest first; one still open counts as open until now.
func (s *Store) OverrideCountsRange(ctx context.Context, from, to, now time.Time) ([]OverrideCounts, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	a, b, err := dayRange(from, to, "overrides range")
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT day, count(*), sum(max(0, coalesce(ended, ?) - started))
		FROM overrides WHERE day BETWEEN ? AND ? GROUP BY day ORDER BY day`, now.Unix(), a, b)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OverrideCounts
	for rows.Next() {
		var c OverrideCounts
		var secs int64
		if err := rows.Scan(&c.Day, &c.Started, &secs); err != nil {
			return nil, err
		}
		c.Open = time.Duration(secs) * time.Second
		out = append(out, c)
	}
	return out, rows.Err()
}
