package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/policy"
)

func TestDataVersionsAndFreshness(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	if _, ok := s.DataTime(); ok {
		t.Errorf("DataTime before any sync: ok; want none")
	}
	if _, ok, err := s.DataVersion(ctx, DataRevocations); ok || err != nil {
		t.Errorf("DataVersion before any sync: %v, %v", ok, err)
	}
	rev, codes := t0.Add(-time.Hour), t0.Add(-3*time.Hour)
	apply(t, s, func(tx *Tx) error { return tx.SetDataVersion(DataTrust, 9, "repo", t0) })
	if _, ok := s.DataTime(); ok {
		t.Errorf("DataTime after a trust sync only: ok; want none (trust is not revocation data)")
	}
	apply(t, s, func(tx *Tx) error { return tx.SetDataVersion(DataRevocations, 4, "repo", rev) })
	if got, ok := s.DataTime(); !ok || !got.Equal(rev) {
		t.Errorf("DataTime after revocations: got %v, %v; want %v", got, ok, rev)
	}
	apply(t, s, func(tx *Tx) error { return tx.SetDataVersion(DataCodes, 2, "usb", codes) })
	if got, ok := s.DataTime(); !ok || !got.Equal(codes) {
		t.Errorf("DataTime with older codes: got %v, %v; want the older %v", got, ok, codes)
	}
	v, ok, err := s.DataVersion(ctx, DataCodes)
	want := DataVersion{Name: DataCodes, Version: 2, AppliedAt: t0, Source: "usb", SignedAt: codes}
	if err != nil || !ok || v != want {
		t.Errorf("DataVersion(codes): got %+v, %v, %v; want %+v", v, ok, err, want)
	}
	all, err := s.DataVersions(ctx)
	if err != nil || len(all) != 3 || all[0].Name != DataCodes || all[2].Name != DataTrust {
		t.Errorf("DataVersions: got %+v, %v", all, err)
	}
	// The same version again is fine; an older one is a rollback.
	apply(t, s, func(tx *Tx) error { return tx.SetDataVersion(DataRevocations, 4, "repo", rev) })
	err = s.Apply(ctx, func(tx *Tx) error { return tx.SetDataVersion(DataRevocations, 3, "repo", t0) })
	var re *RollbackError
	if !errors.As(err, &re) || re.Current != 4 || re.Next != 3 {
		t.Errorf("older version: got %v, want a RollbackError 4 → 3", err)
	}
	// Survives reopening.
	p := s.Path()
	s.Close()
	s = openT(t, p, nil)
	if got, ok := s.DataTime(); !ok || !got.Equal(codes) {
		t.Errorf("DataTime after reopening: got %v, %v; want %v", got, ok, codes)
	}
}

func TestSetDataVersionRejects(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	for _, tc := range []struct {
		name    string
		set     string
		version int64
		source  string
		signed  time.Time
	}{
		{"no name", "", 1, "x", t0},
		{"long name", strings.Repeat("n", 65), 1, "x", t0},
		{"negative version", "a", -1, "x", t0},
		{"long source", "a", 1, strings.Repeat("s", 257), t0},
		{"no signed time", "a", 1, "x", time.Time{}},
		{"signed before 1970", "a", 1, "x", time.Unix(-10, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Apply(context.Background(), func(tx *Tx) error { return tx.SetDataVersion(tc.set, tc.version, tc.source, tc.signed) })
			var ie *InvalidError
			if !errors.As(err, &ie) {
				t.Errorf("%s: got %v, want InvalidError", tc.name, err)
			}
		})
	}
}

func TestPolicyStored(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	if _, ok, err := s.Policy(ctx); ok || err != nil {
		t.Errorf("Policy before any: %v, %v; want none", ok, err)
	}
	doc := policy.DefaultJSON()
	apply(t, s, func(tx *Tx) error { return tx.SetPolicy(doc) })
	got, ok, err := s.Policy(ctx)
	if err != nil || !ok {
		t.Fatalf("Policy: %v, %v", ok, err)
	}
	want := policy.Default()
	if got.Name != want.Name || got.Vaccination.MinDoses != want.Vaccination.MinDoses || got.MaxDataAgeHours != want.MaxDataAgeHours {
		t.Errorf("Policy: got %+v, want %+v", got, want)
	}
	text, _, _ := s.PolicyJSON(ctx)
	if string(text) != string(doc) {
		t.Errorf("PolicyJSON is not the text stored")
	}
	for _, bad := range []string{"", "{", `{"unknown_field": 1}`, `{"max_data_age_hours": -1}`, "{}" + strings.Repeat(" ", policy.MaxSize)} {
		err := s.Apply(ctx, func(tx *Tx) error { return tx.SetPolicy([]byte(bad)) })
		var ie *InvalidError
		if !errors.As(err, &ie) {
			t.Errorf("SetPolicy(%.30q): got %v, want InvalidError", bad, err)
		}
	}
	if text, _, _ := s.PolicyJSON(ctx); string(text) != string(doc) {
		t.Errorf("a rejected policy replaced the stored one")
	}
}

func TestSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	if _, ok, err := s.Setting(ctx, "venue.id"); ok || err != nil {
		t.Errorf("unset: %v, %v", ok, err)
	}
	for _, v := range []string{"V-123", "二號"} {
		if err := s.SetSetting(ctx, "venue.id", v); err != nil {
			t.Fatal(err)
		}
		if got, ok, err := s.Setting(ctx, "venue.id"); got != v || !ok || err != nil {
			t.Errorf("Setting: got %q, %v, %v; want %q", got, ok, err, v)
		}
	}
	if err := s.deleteSetting(ctx, "venue.id"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Setting(ctx, "venue.id"); ok {
		t.Errorf("deleted setting still set")
	}
	for _, key := range []string{"", "Upper", "-lead", "sp ace", strings.Repeat("k", 65), "ü"} {
		var ie *InvalidError
		if err := s.SetSetting(ctx, key, "x"); !errors.As(err, &ie) {
			t.Errorf("SetSetting(%q): got %v, want InvalidError", key, err)
		}
		if _, _, err := s.Setting(ctx, key); !errors.As(err, &ie) {
			t.Errorf("Setting(%q): got %v, want InvalidError", key, err)
		}
	}
	for _, v := range []string{strings.Repeat("v", maxSettingValue+1), "\xff"} {
		var ie *InvalidError
		if err := s.SetSetting(ctx, "k", v); !errors.As(err, &ie) {
			t.Errorf("SetSetting(k, %.20q): got %v, want InvalidError", v, err)
		}
	}
}

func TestCounters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	hk := time.FixedZone("HKT", 8*3600)
	day1 := time.Date(2026, 11, 23, 23, 30, 0, 0, hk)
	day2 := day1.Add(time.Hour) // after midnight in Hong Kong
	for _, c := range []Counters{{Green: 1, Entries: 1}, {Red: 1}, {Amber: 2, Entries: 1}} {
		if err := s.AddCounters(ctx, day1, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddCounters(ctx, day2, Counters{Green: 5, Entries: 4}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		day  time.Time
		want Counters
	}{
		{day1, Counters{Green: 1, Red: 1, Amber: 2, Entries: 2}},
		{day2, Counters{Green: 5, Entries: 4}},
		{day1.AddDate(0, 0, -1), Counters{}},
	} {
		t.Run(tc.day.Format(time.DateOnly), func(t *testing.T) {
			if got, err := s.Counters(ctx, tc.day); got != tc.want || err != nil {
				t.Errorf("Counters(%s): got %+v, %v; want %+v", tc.day.Format(time.DateOnly), got, err, tc.want)
			}
		})
	}
	got, err := s.CountersRange(ctx, day1.AddDate(0, 0, -5), day2)
	if err != nil || len(got) != 2 || got[0].Day != "2026-11-23" || got[1].Day != "2026-11-24" || got[1].Green != 5 {
		t.Errorf("CountersRange: got %+v, %v", got, err)
	}
	var ie *InvalidError
	if _, err := s.CountersRange(ctx, day2, day1.AddDate(0, 0, -1)); !errors.As(err, &ie) {
		t.Errorf("CountersRange backwards: got %v", err)
	}
	if _, err := s.CountersRange(ctx, day1.AddDate(-2, 0, 0), day1); !errors.As(err, &ie) {
		t.Errorf("CountersRange of two years: got %v", err)
	}
	for _, tc := range []struct {
		name string
		day  time.Time
		c    Counters
	}{
		{"negative", day1, Counters{Green: -1}},
		{"huge", day1, Counters{Entries: maxCountDelta + 1}},
		{"zero day", time.Time{}, Counters{Green: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.AddCounters(ctx, tc.day, tc.c); !errors.As(err, &ie) {
				t.Errorf("AddCounters %s: got %v, want InvalidError", tc.name, err)
			}
		})
	}
	if got, _ := s.Counters(ctx, day1); got != (Counters{Green: 1, Red: 1, Amber: 2, Entries: 2}) {
		t.Errorf("rejected increments changed the counters: %+v", got)
	}
}

func TestTimeFloorOnlyRises(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	if got, err := s.TimeFloor(); !got.IsZero() || err != nil {
		t.Errorf("unset floor: got %v, %v; want zero", got, err)
	}
	for _, tc := range []struct {
		raise, want time.Time
	}{
		{t0, t0},
		{t0.Add(-time.Hour), t0},
		{t0.Add(90*time.Second + 700*time.Millisecond), t0.Add(90 * time.Second)}, // to the second, down
		{time.Time{}, t0.Add(90 * time.Second)},
		{t0.Add(time.Minute), t0.Add(90 * time.Second)},
		{t0.AddDate(1, 0, 0), t0.AddDate(1, 0, 0)},
	} {
		t.Run(tc.raise.Format(time.RFC3339), func(t *testing.T) {
			if err := s.RaiseTimeFloor(tc.raise); err != nil {
				t.Fatalf("RaiseTimeFloor(%v): %v", tc.raise, err)
			}
			if got, err := s.TimeFloor(); !got.Equal(tc.want) || err != nil {
				t.Errorf("after raising to %v: got %v, %v; want %v", tc.raise, got, err, tc.want)
			}
		})
	}
	var ie *InvalidError
	if err := s.RaiseTimeFloor(time.Unix(-5, 0)); !errors.As(err, &ie) {
		t.Errorf("raise to 1969: got %v, want InvalidError", err)
	}
}

// TestTimeFloorReset: a signed reset lowers the floor and records its
// version in the same transaction.
func TestTimeFloorReset(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	if v, err := s.FloorResetVersion(); v != 0 || err != nil {
		t.Errorf("FloorResetVersion of a new store: %d, %v", v, err)
	}
	if err := s.RaiseTimeFloor(t0.AddDate(70, 0, 0)); err != nil {
		t.Fatal(err)
	}
	if err := s.ResetTimeFloor(t0, 3); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.TimeFloor(); !got.Equal(t0) {
		t.Errorf("floor after the reset: %v, want %v", got, t0)
	}
	if v, err := s.FloorResetVersion(); v != 3 || err != nil {
		t.Errorf("FloorResetVersion: %d, %v; want 3", v, err)
	}
	var ie *InvalidError
	if err := s.ResetTimeFloor(time.Time{}, 4); !errors.As(err, &ie) {
		t.Errorf("reset to the zero time: %v, want InvalidError", err)
	}
}

func TestExposures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	ex := []Exposure{
		{Venue: "V1", Start: t0.Add(2 * time.Hour), End: t0.Add(3 * time.Hour), NoticeEN: "Case at V1", NoticeZH: "確診者曾到訪", NoticeUntil: t0.AddDate(0, 0, 14)},
		{Venue: "V1", Start: t0, End: t0.Add(time.Hour), NoticeEN: "Earlier", NoticeZH: "較早", NoticeUntil: t0.AddDate(0, 0, 14)},
		{Venue: "V2", Start: t0, End: t0.Add(time.Hour), NoticeEN: "Other", NoticeUntil: t0.AddDate(0, 0, 1)},
	}
	apply(t, s, func(tx *Tx) error { return tx.ReplaceExposures(ex) })
	got, err := s.Exposures(ctx, "V1")
	if err != nil || len(got) != 2 || got[0] != ex[1] || got[1] != ex[0] {
		t.Errorf("Exposures(V1): got %+v, %v; want the two by start", got, err)
	}
	good := ex[0]
	for _, tc := range []struct {
		name string
		mod  func(e *Exposure)
	}{
		{"no venue", func(e *Exposure) { e.Venue = "" }},
		{"long venue", func(e *Exposure) { e.Venue = strings.Repeat("v", 129) }},
		{"no start", func(e *Exposure) { e.Start = time.Time{} }},
		{"end before start", func(e *Exposure) { e.End = e.Start.Add(-time.Second) }},
		{"long notice", func(e *Exposure) { e.NoticeZH = strings.Repeat("字", 700) }},
		{"bad UTF-8", func(e *Exposure) { e.NoticeEN = "\xff" }},
		{"no notice end", func(e *Exposure) { e.NoticeUntil = time.Time{} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := good
			tc.mod(&e)
			err := s.Apply(ctx, func(tx *Tx) error { return tx.ReplaceExposures([]Exposure{good, e}) })
			var ie *InvalidError
			if !errors.As(err, &ie) {
				t.Errorf("%s: got %v, want InvalidError", tc.name, err)
			}
		})
	}
	if got, _ := s.Exposures(ctx, "V2"); len(got) != 1 {
		t.Errorf("rejected replaces changed the list: V2 has %d", len(got))
	}
	err = s.Apply(ctx, func(tx *Tx) error { return tx.ReplaceExposures(make([]Exposure, MaxExposures+1)) })
	var ie *InvalidError
	if !errors.As(err, &ie) {
		t.Errorf("too many exposures: got %v", err)
	}
}
