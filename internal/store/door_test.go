package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/staff"
)

func TestStaffRevocations(t *testing.T) {
	t.Parallel()
	s := openT(t, dbPath(t), nil)
	ctx := context.Background()
	var n int64
	err := s.Apply(ctx, func(tx *Tx) error {
		var err error
		n, err = tx.ReplaceStaffRevocations(SliceSeq([]string{"CM-0042", "CM-0043", "CM-0042"}))
		if err != nil {
			return err
		}
		return tx.SetDataVersion(DataStaffRevocations, 1, "test", t0)
	})
	if err != nil || n != 2 {
		t.Fatalf("replace: got %d, %v; want 2 distinct ids", n, err)
	}
	for id, want := range map[string]bool{"CM-0042": true, "CM-0043": true, "CM-0044": false, "": false, "cm-0042": false} {
		if got, err := s.StaffRevoked(ctx, id); err != nil || got != want {
			t.Errorf("StaffRevoked(%q): got %v, %v; want %v", id, got, err, want)
		}
	}
	// A bad id anywhere rolls the whole list back.
	for _, bad := range []string{"cm-1", "", strings.Repeat("A", 25), "A B", "中"} {
		err := s.Apply(ctx, func(tx *Tx) error {
			_, err := tx.ReplaceStaffRevocations(SliceSeq([]string{"CM-0050", bad}))
			return err
		})
		var ie *InvalidError
		if !errors.As(err, &ie) {
			t.Errorf("id %q: got %v, want an *InvalidError", bad, err)
		}
	}
	if c, _ := s.StaffRevocationCount(ctx); c != 2 {
		t.Errorf("after refused replaces: %d revoked, want the 2 from before", c)
	}
	if got, _ := s.StaffRevoked(ctx, "CM-0050"); got {
		t.Error("a refused list left an id behind")
	}
	// Replacing with nothing clears it.
	if err := s.Apply(ctx, func(tx *Tx) error { _, err := tx.ReplaceStaffRevocations(SliceSeq[string](nil)); return err }); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.StaffRevoked(ctx, "CM-0042"); got {
		t.Error("cleared list still revokes CM-0042")
	}
	// *Store is what firmware/staff looks revocations up in.
	var _ staff.Revocations = s
}

func TestExemptCounts(t *testing.T) {
	t.Parallel()
	s := openT(t, dbPath(t), nil)
	ctx := context.Background()
	hkt := time.FixedZone("HKT", 8*3600)
	day1 := time.Date(2026, 11, 23, 23, 30, 0, 0, hkt)
	day2 := day1.Add(time.Hour) // after midnight in Hong Kong
	for _, a := range []struct {
		day time.Time
		cat staff.Category
		n   int64
	}{{day1, staff.Under12, 1}, {day1, staff.Under12, 2}, {day1, staff.Over65, 1}, {day2, staff.Disability, 1}, {day2, staff.Other, 4}} {
		if err := s.AddExempt(ctx, a.day, a.cat, a.n); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ExemptCounts(ctx, day1)
	if want := (ExemptCounts{Under12: 3, Over65: 1}); err != nil || got != want {
		t.Errorf("day 1: got %+v, %v; want %+v", got, err, want)
	}
	if got.Total() != 4 || got.Get(staff.Under12) != 3 || got.Get("nobody") != 0 {
		t.Errorf("Total %d, Get(under12) %d", got.Total(), got.Get(staff.Under12))
	}
	days, err := s.ExemptCountsRange(ctx, day1.AddDate(0, 0, -3), day2)
	if err != nil || len(days) != 2 || days[0].Day != "2026-11-23" || days[1].Day != "2026-11-24" || days[1].ExemptCounts != (ExemptCounts{Disability: 1, Other: 4}) {
		t.Errorf("range: got %+v, %v", days, err)
	}
	if got, err := s.ExemptCounts(ctx, day1.AddDate(0, 0, 5)); err != nil || got != (ExemptCounts{}) {
		t.Errorf("a day without entries: got %+v, %v", got, err)
	}
	for _, bad := range []struct {
		day time.Time
		cat staff.Category
		n   int64
	}{{day1, "adult", 1}, {day1, "", 1}, {day1, staff.Other, -1}, {day1, staff.Other, maxCountDelta + 1}, {time.Time{}, staff.Other, 1}} {
		t.Run(fmt.Sprintf("%q %d", bad.cat, bad.n), func(t *testing.T) {
			if err := s.AddExempt(ctx, bad.day, bad.cat, bad.n); err == nil {
				t.Errorf("AddExempt(%v, %q, %d): want an error", bad.day, bad.cat, bad.n)
			}
		})
	}
	if _, err := s.ExemptCountsRange(ctx, day2, day1.AddDate(0, 0, -1)); err == nil {
		t.Error("a backwards range: want an error")
	}
	if _, err := s.ExemptCountsRange(ctx, day1.AddDate(-2, 0, 0), day1); err == nil {
		t.Error("two years: want an error")
	}
}

func TestOverrides(t *testing.T) {
	t.Parallel()
	s := openT(t, dbPath(t), nil)
	ctx := context.Background()
	start := t0
	id, err := s.StartOverride(ctx, start, start.Add(15*time.Minute), "CM-SUP-1")
	if err != nil {
		t.Fatal(err)
	}
	o, ok, err := s.OpenOverride(ctx)
	if err != nil || !ok || o.ID != id || o.StartedBy != "CM-SUP-1" || !o.Started.Equal(start) || !o.Until.Equal(start.Add(15*time.Minute)) || !o.Ended.IsZero() {
		t.Fatalf("open override: got %+v, %v, %v", o, ok, err)
	}
	cs, err := s.OverrideCountsRange(ctx, start, start, start.Add(5*time.Minute))
	if err != nil || len(cs) != 1 || cs[0].Started != 1 || cs[0].Open != 5*time.Minute {
		t.Errorf("counts while open: got %+v, %v", cs, err)
	}
	if err := s.EndOverride(ctx, id, start.Add(7*time.Minute), "CM-SUP-2", EndStaff); err != nil {
		t.Fatal(err)
	}
	if err := s.EndOverride(ctx, id, start.Add(8*time.Minute), "CM-SUP-2", EndStaff); err == nil {
		t.Error("ending it twice: want an error")
	}
	if _, ok, _ := s.OpenOverride(ctx); ok {
		t.Error("an ended override is still open")
	}
	id2, err := s.StartOverride(ctx, start.Add(time.Hour), start.Add(time.Hour+15*time.Minute), "button")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EndOverride(ctx, id2, start.Add(time.Hour+15*time.Minute), "timeout", EndTimeout); err != nil {
		t.Fatal(err)
	}
	all, err := s.Overrides(ctx, start, start)
	if err != nil || len(all) != 2 {
		t.Fatalf("overrides: got %+v, %v", all, err)
	}
	if all[0].EndedBy != "CM-SUP-2" || all[0].EndReason != EndStaff || !all[0].Ended.Equal(start.Add(7*time.Minute)) || all[1].StartedBy != "button" || all[1].EndReason != EndTimeout {
		t.Errorf("overrides: got %+v", all)
	}
	cs, err = s.OverrideCountsRange(ctx, start, start, start.Add(24*time.Hour))
	if err != nil || len(cs) != 1 || cs[0].Started != 2 || cs[0].Open != 22*time.Minute {
		t.Errorf("counts: got %+v, %v; want 2 overrides open 22m in all", cs, err)
	}
	for _, tc := range []struct {
		name       string
		from, till time.Time
		by         string
	}{
		{"no one", start, start.Add(time.Minute), ""},
		{"a name with spaces", start, start.Add(time.Minute), "Mr Chan"},
		{"backwards", start, start.Add(-time.Minute), "X"},
		{"before 1970", time.Unix(-10, 0), start, "X"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.StartOverride(ctx, tc.from, tc.till, tc.by); err == nil {
				t.Errorf("%s: want an error", tc.name)
			}
		})
	}
	if err := s.EndOverride(ctx, 999, start, "X", EndStaff); err == nil {
		t.Error("ending an unknown override: want an error")
	}
	if err := s.EndOverride(ctx, id2, start, "X", "bored"); err == nil {
		t.Error("an unknown reason: want an error")
	}
	// A year and more later, the old ones are erased when a new one starts.
	later := start.Add(overrideKeep + 24*time.Hour)
	if _, err := s.StartOverride(ctx, later, later.Add(time.Minute), "X"); err != nil {
		t.Fatal(err)
	}
	if old, err := s.Overrides(ctx, start, start); err != nil || len(old) != 0 {
		t.Errorf("after 400 days: got %+v, %v; want the old overrides erased", old, err)
	}
}
