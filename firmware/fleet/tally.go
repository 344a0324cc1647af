package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/store"
)

// Tally reads the kiosk's daily counters: a *store.Store.
type Tally interface {
	CountersRange(ctx context.Context, from, to time.Time) ([]store.DayCounters, error)
}

var _ Tally = (*store.Store)(nil)

// countersMark names the bookmark of the counts already reported.
const countersMark = "fleet.counters"

// maxTallyDays bounds how far back a period reaches (the store's
// CountersRange allows 400 days).
const maxTallyDays = 399

// tallyMark is what the last counters message covered: the cumulative
// counts of Day (in the kiosk's time zone) at At.
type tallyMark struct {
	Day    string         `json:"day"`
	At     time.Time      `json:"at"`
	Counts store.Counters `json:"counts"`
}

// errClockBack says the clock reads earlier than the end of the last
// period reported: no period is made until it catches up.
var errClockBack = errors.New("fleet: the clock reads earlier than the last counters period; waiting")

// nextPeriod reads the counts since the bookmark up to now and returns
// them with the period's start and the bookmark to write with them. A
// kiosk without a bookmark reports the day so far.
func nextPeriod(ctx context.Context, t Tally, q Queue, loc *time.Location, now time.Time) (Counts, time.Time, tallyMark, error) {
	var mk tallyMark
	raw, ok, err := q.OutboxMark(ctx, countersMark)
	if err != nil {
		return Counts{}, time.Time{}, mk, err
	}
	today := now.In(loc).Format(time.DateOnly)
	if ok {
		if err := json.Unmarshal(raw, &mk); err != nil || mk.At.IsZero() {
			return Counts{}, time.Time{}, mk, fmt.Errorf("fleet: counters bookmark unreadable: %v", err)
		}
	} else {
		y, m, d := now.In(loc).Date()
		mk = tallyMark{Day: today, At: time.Date(y, m, d, 0, 0, 0, 0, loc)}
	}
	if now.Before(mk.At) {
		return Counts{}, time.Time{}, mk, errClockBack
	}
	first, err := time.ParseInLocation(time.DateOnly, mk.Day, loc)
	if err != nil {
		return Counts{}, time.Time{}, mk, fmt.Errorf("fleet: counters bookmark: %w", err)
	}
	if oldest := now.In(loc).AddDate(0, 0, -maxTallyDays); first.Before(oldest) {
		y, m, d := oldest.Date()
		first = time.Date(y, m, d, 0, 0, 0, 0, loc)
	}
	days, err := t.CountersRange(ctx, first, now)
	if err != nil {
		return Counts{}, time.Time{}, mk, err
	}
	var c Counts
	var todays store.Counters
	for _, d := range days {
		v := d.Counters
		if d.Day == mk.Day {
			v = since(v, mk.Counts)
		}
		c = c.add(Counts{Green: v.Green, Amber: v.Amber, Red: v.Red, Entries: v.Entries})
		if d.Day == today {
			todays = d.Counters
		}
	}
	return c, mk.At, tallyMark{Day: today, At: now, Counts: todays}, nil
}

// since is a − b, never below zero (a store restored from a copy can hold
// fewer counts than were reported).
func since(a, b store.Counters) store.Counters {
	sub := func(x, y int64) int64 { return max(x-y, 0) }
	return store.Counters{Green: sub(a.Green, b.Green), Amber: sub(a.Amber, b.Amber), Red: sub(a.Red, b.Red), Entries: sub(a.Entries, b.Entries)}
}
