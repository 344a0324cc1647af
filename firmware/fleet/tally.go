package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/staff"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// Tally reads the kiosk's daily counters: a *store.Store. The door's
// counts (exempt entries by category, openings) are counts too, nothing
// about a person.
type Tally interface {
	CountersRange(ctx context.Context, from, to time.Time) ([]store.DayCounters, error)
	ExemptCountsRange(ctx context.Context, from, to time.Time) ([]store.DayExempt, error)
	OverrideCountsRange(ctx context.Context, from, to, now time.Time) ([]store.OverrideCounts, error)
	Overrides(ctx context.Context, from, to time.Time) ([]store.Override, error)
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
	Day       string             `json:"day"`
	At        time.Time          `json:"at"`
	Counts    store.Counters     `json:"counts"`
	Exempt    store.ExemptCounts `json:"exempt"`    // absent in bookmarks of older firmware: zero
	Overrides int64              `json:"overrides"` // openings started that day
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
	exempt, err := t.ExemptCountsRange(ctx, first, now)
	if err != nil {
		return Counts{}, time.Time{}, mk, err
	}
	opened, err := t.OverrideCountsRange(ctx, first, now, now)
	if err != nil {
		return Counts{}, time.Time{}, mk, err
	}
	next := tallyMark{Day: today, At: now}
	var c Counts
	for _, d := range days {
		v := d.Counters
		if d.Day == mk.Day {
			v = since(v, mk.Counts)
		}
		c = c.add(Counts{Green: v.Green, Amber: v.Amber, Red: v.Red, Entries: v.Entries})
		if d.Day == today {
			next.Counts = d.Counters
		}
	}
	for _, d := range exempt {
		v := d.ExemptCounts
		if d.Day == mk.Day {
			v = exemptSince(v, mk.Exempt)
		}
		c = c.add(Counts{Exempt: exemptMap(v)})
		if d.Day == today {
			next.Exempt = d.ExemptCounts
		}
	}
	for _, d := range opened {
		n := d.Started
		if d.Day == mk.Day {
			n = max(n-mk.Overrides, 0)
		}
		c = c.add(Counts{Overrides: n})
		if d.Day == today {
			next.Overrides = d.Started
		}
	}
	// Each opening and closing in (mk.At, now], by card id hash. An
	// override lasts at most 12 hours: the day before the bookmark's holds
	// every one that could have ended in the period.
	ovFrom := first.AddDate(0, 0, -1)
	if oldest := now.In(loc).AddDate(0, 0, -maxTallyDays); ovFrom.Before(oldest) {
		ovFrom = first
	}
	ovs, err := t.Overrides(ctx, ovFrom, now)
	if err != nil {
		return Counts{}, time.Time{}, mk, err
	}
	c = c.add(Counts{Door: doorCounts(ovs, mk.At, now)})
	return c, mk.At, next, nil
}

// doorCounts counts the openings and the closings by staff (not the
// timeouts) in (from, to], by who: a card id's hash, or "button". Beyond
// MaxDoorActors, the rest are counted under the last.
func doorCounts(ovs []store.Override, from, to time.Time) map[string]DoorCounts {
	var m map[string]DoorCounts
	in := func(t time.Time) bool { return t.After(from) && !t.After(to) }
	count := func(by string, opened, closed int64) {
		if m == nil {
			m = map[string]DoorCounts{}
		}
		k := doorActorKey(by)
		if _, ok := m[k]; !ok && len(m) >= MaxDoorActors {
			return
		}
		d := m[k]
		d.Opened += opened
		d.Closed += closed
		m[k] = d
	}
	for _, o := range ovs {
		if in(o.Started) {
			count(o.StartedBy, 1, 0)
		}
		if !o.Ended.IsZero() && o.EndReason == store.EndStaff && in(o.Ended) {
			count(o.EndedBy, 0, 1)
		}
	}
	return m
}

// doorActorKey is how a report names who opened or closed entry.
func doorActorKey(by string) string {
	if by == "button" {
		return by
	}
	return staff.IDHash(by)
}

// exemptSince is a − b by category, never below zero.
func exemptSince(a, b store.ExemptCounts) store.ExemptCounts {
	var out store.ExemptCounts
	for _, cat := range staff.Categories() {
		out.Add(cat, max(a.Get(cat)-b.Get(cat), 0))
	}
	return out
}

// exemptMap is c as the message's map, categories without entries left
// out (nil when all are zero).
func exemptMap(c store.ExemptCounts) map[string]int64 {
	var m map[string]int64
	for _, cat := range staff.Categories() {
		if n := c.Get(cat); n > 0 {
			if m == nil {
				m = map[string]int64{}
			}
			m[string(cat)] = n
		}
	}
	return m
}

// since is a − b, never below zero (a store restored from a copy can hold
// fewer counts than were reported).
func since(a, b store.Counters) store.Counters {
	sub := func(x, y int64) int64 { return max(x-y, 0) }
	return store.Counters{Green: sub(a.Green, b.Green), Amber: sub(a.Amber, b.Amber), Red: sub(a.Red, b.Red), Entries: sub(a.Entries, b.Entries)}
}
