package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

var hkt = time.FixedZone("HKT", 8*3600)

// TestDaysInTheIssuersZone: a Hong Kong record at its 180-day limit is
// green for the whole of its last Hong Kong day and red for the whole of
// the next — not green at 07:00 and red at 09:00 of one day, as counting
// in UTC made it.
func TestDaysInTheIssuersZone(t *testing.T) {
	p, err := Parse(strings.NewReader(`{"name":"t","formats":{"hksarg":{"time_zone":"Asia/Hong_Kong","vaccination":{"min_doses":2,"max_days":180}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	dose := time.Date(2022, 1, 10, 0, 0, 0, 0, time.UTC) // a date, as passes carry it
	ps := &pass.Pass{Format: "hksarg", Vaccinations: []pass.Dose{{Date: dose, Dose: 2, Series: 2}}}
	last := dose.AddDate(0, 0, 180) // 2022-07-09, the last valid day
	for _, tc := range []struct {
		at   time.Time
		want Outcome
	}{
		{time.Date(2022, 7, 9, 0, 1, 0, 0, hkt), Green},
		{time.Date(2022, 7, 9, 7, 0, 0, 0, hkt), Green},
		{time.Date(2022, 7, 9, 23, 59, 0, 0, hkt), Green},
		{time.Date(2022, 7, 10, 0, 1, 0, 0, hkt), Red},
		{time.Date(2022, 7, 10, 7, 0, 0, 0, hkt), Red},
		{time.Date(2022, 7, 10, 9, 0, 0, 0, hkt), Red},
		{time.Date(2022, 7, 10, 23, 59, 0, 0, hkt), Red},
	} {
		t.Run(tc.at.Format(time.RFC3339), func(t *testing.T) {
			if got, why := p.Evaluate(ps, tc.at.UTC()); got != tc.want {
				t.Errorf("%s (last valid day %s): %s %v, want %s", tc.at.Format("2006-01-02 15:04 MST"), last.Format(time.DateOnly), got, why, tc.want)
			}
		})
	}
}

// TestScheduleStartsAtLocalMidnight: Hong Kong's third-dose stage began on
// 31 May 2022 in Hong Kong, at midnight there, not at 08:00.
func TestScheduleStartsAtLocalMidnight(t *testing.T) {
	p := Default()
	if got := p.Location("hksarg").String(); got != "Asia/Hong_Kong" {
		t.Fatalf("default policy: hksarg days counted in %s, want Asia/Hong_Kong", got)
	}
	// Two doses, the last 200 days before: enough until 30 May, not after
	// (three, or two within 180 days).
	ps := &pass.Pass{Format: "hksarg", Vaccinations: []pass.Dose{{Date: time.Date(2021, 11, 11, 0, 0, 0, 0, time.UTC), Dose: 2, Series: 2}}}
	for _, tc := range []struct {
		at   time.Time
		want Outcome
	}{
		{time.Date(2022, 5, 30, 23, 30, 0, 0, hkt), Green},
		{time.Date(2022, 5, 31, 0, 30, 0, 0, hkt), Red},
		{time.Date(2022, 5, 31, 7, 0, 0, 0, hkt), Red},
		{time.Date(2022, 5, 31, 9, 0, 0, 0, hkt), Red},
	} {
		t.Run(tc.at.Format(time.RFC3339), func(t *testing.T) {
			if got, why := p.Evaluate(ps, tc.at); got != tc.want {
				t.Errorf("%s: %s %v, want %s", tc.at.Format("2006-01-02 15:04 MST"), got, why, tc.want)
			}
		})
	}
}

// TestRecoveryDatesInTheZone: a recovery statement valid until a date is
// valid for the whole of that day where the policy counts.
func TestRecoveryDatesInTheZone(t *testing.T) {
	p, err := Parse(strings.NewReader(`{"name":"t","time_zone":"Asia/Hong_Kong","recovery":{"accept":true,"min_days":11}}`))
	if err != nil {
		t.Fatal(err)
	}
	ps := &pass.Pass{Format: "dcc", Recoveries: []pass.RecoveryStatement{{FirstPositive: time.Date(2022, 5, 1, 0, 0, 0, 0, time.UTC),
		ValidFrom: time.Date(2022, 5, 12, 0, 0, 0, 0, time.UTC), ValidUntil: time.Date(2022, 10, 28, 0, 0, 0, 0, time.UTC)}}}
	for _, tc := range []struct {
		at   time.Time
		want Outcome
	}{
		{time.Date(2022, 5, 12, 0, 30, 0, 0, hkt), Green},
		{time.Date(2022, 5, 11, 23, 30, 0, 0, hkt), Red},
		{time.Date(2022, 10, 28, 23, 30, 0, 0, hkt), Green},
		{time.Date(2022, 10, 29, 0, 30, 0, 0, hkt), Red},
	} {
		t.Run(tc.at.Format(time.RFC3339), func(t *testing.T) {
			if got, why := p.Evaluate(ps, tc.at); got != tc.want {
				t.Errorf("%s: %s %v, want %s", tc.at.Format("2006-01-02 15:04 MST"), got, why, tc.want)
			}
		})
	}
}

func TestTimeZoneRefused(t *testing.T) {
	for _, bad := range []string{`{"time_zone":"Mars/Olympus"}`, `{"time_zone":"Local"}`, `{"formats":{"dcc":{"time_zone":"HKT+8"}}}`} {
		if _, err := Parse(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "time zone") {
			t.Errorf("%s: %v; want a time zone error", bad, err)
		}
	}
}
