package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// TestSeveralEntries: the policy decides on every entry and says which
// counted, with code policy, never schema.
func TestSeveralEntries(t *testing.T) {
	p := Default()
	two := func(d1, d2 pass.Dose, ids int) *pass.Pass {
		ps := &pass.Pass{Format: "dcc", Vaccinations: []pass.Dose{d1, d2}}
		for range ids {
			ps.OtherIDs = append(ps.OtherIDs, pass.NewID("dcc", "other"))
		}
		return ps
	}
	tests := []struct {
		name   string
		ps     *pass.Pass
		want   Outcome
		detail string // "" for no finding
	}{
		{"two certificates, the latest counts", two(pass.Dose{Date: daysAgo(60), Dose: 1, Series: 2}, pass.Dose{Date: daysAgo(30), Dose: 2, Series: 2}, 1),
			Green, "counted vaccination entry 2 of 2 (the latest: dose 2/2, 30 days ago)"},
		{"the latest listed first", two(pass.Dose{Date: daysAgo(30), Dose: 2, Series: 2}, pass.Dose{Date: daysAgo(60), Dose: 1, Series: 2}, 1),
			Green, "counted vaccination entry 1 of 2"},
		{"a dose history (SHC, HK) is one statement", two(pass.Dose{Date: daysAgo(60), Dose: 1}, pass.Dose{Date: daysAgo(30), Dose: 2}, 0),
			Green, ""},
		{"the latest too recent", two(pass.Dose{Date: daysAgo(60), Dose: 1, Series: 2}, pass.Dose{Date: daysAgo(3), Dose: 2, Series: 2}, 1),
			Red, "judged on vaccination entry 2 of 2 (the latest): last dose 3 day(s) ago"},
		{"unknown dose numbers count one dose each at most", two(pass.Dose{Date: daysAgo(60)}, pass.Dose{Date: daysAgo(30)}, 1),
			Red, "judged on vaccination entry 2 of 2 (the latest): 1 dose(s); the policy needs 2"},
		{"two tests, the second negative", &pass.Pass{OtherIDs: []pass.ID{{1}}, Tests: []pass.TestResult{
			{Sampled: at.Add(-2 * time.Hour), Negative: false, Type: "naat"}, {Sampled: at.Add(-1 * time.Hour), Negative: true, Type: "naat"}}},
			Green, "counted test entry 2 of 2"},
		{"two tests, both old", &pass.Pass{OtherIDs: []pass.ID{{1}}, Tests: []pass.TestResult{
			{Sampled: at.Add(-100 * time.Hour), Negative: true, Type: "naat"}, {Sampled: at.Add(-90 * time.Hour), Negative: true, Type: "naat"}}},
			Red, "test entry 2 of 2: test sampled 90 hours ago"},
		{"two recoveries, the first in range", &pass.Pass{OtherIDs: []pass.ID{{1}}, Recoveries: []pass.RecoveryStatement{
			{FirstPositive: daysAgo(30)}, {FirstPositive: daysAgo(300)}}},
			Green, "counted recovery entry 1 of 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := p.Evaluate(tt.ps, at)
			if got != tt.want {
				t.Fatalf("got %v (%+v), want %v", got, why, tt.want)
			}
			if tt.detail == "" {
				if len(why) != 0 {
					t.Errorf("findings %+v, want none", why)
				}
				return
			}
			found := false
			for _, f := range why {
				if f.Code != pass.Policy {
					t.Errorf("finding %+v: want code policy", f)
				}
				found = found || strings.Contains(f.Detail, tt.detail)
			}
			if !found {
				t.Errorf("findings %+v, want one saying %q", why, tt.detail)
			}
		})
	}
}
