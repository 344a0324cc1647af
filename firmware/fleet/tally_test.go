package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/staff"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// setMark writes the counters bookmark as a queued message would.
func setMark(t *testing.T, st *store.Store, mk tallyMark) {
	t.Helper()
	b, _ := json.Marshal(mk)
	if err := st.Apply(context.Background(), func(tx *store.Tx) error { return tx.OutboxSetMark(countersMark, b) }); err != nil {
		t.Fatal(err)
	}
}

func TestNextPeriod(t *testing.T) {
	ctx := context.Background()
	hk := time.FixedZone("HKT", 8*3600)
	day1 := time.Date(2026, 11, 22, 10, 0, 0, 0, hk)
	day2 := time.Date(2026, 11, 23, 0, 30, 0, 0, hk)

	st := newStore(t)
	st.AddCounters(ctx, day1, store.Counters{Green: 5, Red: 1, Entries: 5})

	// No bookmark: the day so far, from local midnight.
	c, from, mk, err := nextPeriod(ctx, st, st, hk, day1)
	if err != nil {
		t.Fatal(err)
	}
	if c.Green != 5 || c.Red != 1 || c.Entries != 5 || !from.Equal(time.Date(2026, 11, 22, 0, 0, 0, 0, hk)) {
		t.Errorf("first period: got %+v from %v", c, from)
	}
	if mk.Day != "2026-11-22" || !mk.At.Equal(day1) || mk.Counts.Green != 5 {
		t.Errorf("first bookmark: got %+v", mk)
	}
	setMark(t, st, mk)

	// The same counts again: nothing new.
	c, _, _, err = nextPeriod(ctx, st, st, hk, day1.Add(time.Hour))
	if err != nil || c.Green != 0 || c.Red != 0 {
		t.Errorf("no scans since: got %+v, %v; want zero", c, err)
	}

	// Across midnight: the rest of day 1 and the start of day 2.
	st.AddCounters(ctx, day1.Add(13*time.Hour), store.Counters{Green: 2, Amber: 1, Entries: 2})
	st.AddCounters(ctx, day2, store.Counters{Green: 4, Entries: 4})
	c, from, mk, err = nextPeriod(ctx, st, st, hk, day2)
	if err != nil {
		t.Fatal(err)
	}
	if c.Green != 6 || c.Amber != 1 || c.Entries != 6 || c.Red != 0 || !from.Equal(day1) {
		t.Errorf("across midnight: got %+v from %v; want green 6, amber 1, entries 6 from %v", c, from, day1)
	}
	if mk.Day != "2026-11-23" || mk.Counts.Green != 4 {
		t.Errorf("bookmark after midnight: got %+v", mk)
	}
	setMark(t, st, mk)

	// The clock went back: no period until it catches up.
	if _, _, _, err := nextPeriod(ctx, st, st, hk, day2.Add(-time.Minute)); !errors.Is(err, errClockBack) {
		t.Errorf("clock back: got %v, want errClockBack", err)
	}

	// A bookmark ahead of the store (restored from a copy): no negative
	// counts.
	setMark(t, st, tallyMark{Day: "2026-11-23", At: day2, Counts: store.Counters{Green: 100, Entries: 100}})
	c, _, _, err = nextPeriod(ctx, st, st, hk, day2.Add(time.Hour))
	if err != nil || c.Green != 0 || c.Entries != 0 {
		t.Errorf("bookmark ahead of the store: got %+v, %v; want zero", c, err)
	}

	// A bookmark years old reaches back at most maxTallyDays.
	setMark(t, st, tallyMark{Day: "2020-01-01", At: time.Date(2020, 1, 1, 0, 0, 0, 0, hk)})
	c, _, _, err = nextPeriod(ctx, st, st, hk, day2.Add(time.Hour))
	if err != nil || c.Green != 11 {
		t.Errorf("old bookmark: got %+v, %v; want every stored count (green 11)", c, err)
	}

	for _, bad := range []string{"{", `{"day":"2026-11-23"}`, `{"day":"23/11/2026","at":"2026-11-23T00:00:00Z"}`} {
		st.Apply(ctx, func(tx *store.Tx) error { return tx.OutboxSetMark(countersMark, []byte(bad)) })
		if _, _, _, err := nextPeriod(ctx, st, st, hk, day2); err == nil {
			t.Errorf("bookmark %s: want an error", bad)
		}
	}
}

// The door's counts — exempt entries by category and openings — come in
// the period they happened in, once each, across midnight.
func TestNextPeriodDoor(t *testing.T) {
	ctx := context.Background()
	hk := time.FixedZone("HKT", 8*3600)
	day1 := time.Date(2026, 11, 22, 10, 0, 0, 0, hk)
	day2 := time.Date(2026, 11, 23, 0, 30, 0, 0, hk)

	st := newStore(t)
	mustDo := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mustDo(st.AddExempt(ctx, day1, staff.Under12, 2))
	mustDo(st.AddExempt(ctx, day1, staff.Disability, 1))
	id, err := st.StartOverride(ctx, day1, day1.Add(15*time.Minute), "CM-0001")
	mustDo(err)
	mustDo(st.EndOverride(ctx, id, day1.Add(5*time.Minute), "CM-0001", store.EndStaff))

	c, _, mk, err := nextPeriod(ctx, st, st, hk, day1.Add(time.Hour))
	mustDo(err)
	if got, want := c.Exempt, map[string]int64{"under12": 2, "disability": 1}; !maps.Equal(got, want) {
		t.Errorf("first period exempt: got %v, want %v", got, want)
	}
	if c.Overrides != 1 {
		t.Errorf("first period overrides: got %d, want 1", c.Overrides)
	}
	setMark(t, st, mk)

	// Nothing new: nothing reported again.
	c, _, _, err = nextPeriod(ctx, st, st, hk, day1.Add(2*time.Hour))
	mustDo(err)
	if c.Exempt != nil || c.Overrides != 0 {
		t.Errorf("no door actions since: got exempt %v, overrides %d; want none", c.Exempt, c.Overrides)
	}

	// Later on day 1 and after midnight.
	mustDo(st.AddExempt(ctx, day1.Add(3*time.Hour), staff.Under12, 1))
	mustDo(st.AddExempt(ctx, day2, staff.Over65, 4))
	_, err = st.StartOverride(ctx, day2, day2.Add(15*time.Minute), "button")
	mustDo(err)
	c, _, mk, err = nextPeriod(ctx, st, st, hk, day2.Add(time.Minute))
	mustDo(err)
	if got, want := c.Exempt, map[string]int64{"under12": 1, "65plus": 4}; !maps.Equal(got, want) {
		t.Errorf("across midnight exempt: got %v, want %v", got, want)
	}
	if c.Overrides != 1 {
		t.Errorf("across midnight overrides: got %d, want 1 (one still open counts)", c.Overrides)
	}
	if mk.Exempt.Over65 != 4 || mk.Overrides != 1 {
		t.Errorf("bookmark after midnight: got %+v", mk)
	}
}
