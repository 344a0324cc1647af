package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

var at = time.Date(2022, 6, 15, 10, 0, 0, 0, time.UTC)

func daysAgo(n int) time.Time { return at.AddDate(0, 0, -n) }

func TestEvaluateDefault(t *testing.T) {
	p := Default()
	vac := func(dose, series, ago int) *pass.Pass {
		return &pass.Pass{Format: "dcc", Vaccinations: []pass.Dose{{Date: daysAgo(ago), Dose: dose, Series: series}}}
	}
	tests := []struct {
		name string
		ps   *pass.Pass
		want Outcome
	}{
		{"2/2 after 20 days", vac(2, 2, 20), Green},
		{"2/2 after exactly 14 days", vac(2, 2, 14), Green},
		{"2/2 after 13 days", vac(2, 2, 13), Red},
		{"2/2 after 270 days", vac(2, 2, 270), Green},
		{"2/2 after 271 days", vac(2, 2, 271), Red},
		{"1/2", vac(1, 2, 30), Red},
		{"1/1 complete one-dose series", vac(1, 1, 30), Green},
		{"3/2 booster after 400 days", vac(3, 2, 400), Green},
		{"dose in the future", vac(2, 2, -3), Red},
		{"recovery after 30 days", &pass.Pass{Recoveries: []pass.RecoveryStatement{{FirstPositive: daysAgo(30), ValidFrom: daysAgo(19), ValidUntil: at.AddDate(0, 0, 150)}}}, Green},
		{"recovery after 5 days", &pass.Pass{Recoveries: []pass.RecoveryStatement{{FirstPositive: daysAgo(5)}}}, Red},
		{"recovery after 181 days", &pass.Pass{Recoveries: []pass.RecoveryStatement{{FirstPositive: daysAgo(181)}}}, Red},
		{"recovery past its own end", &pass.Pass{Recoveries: []pass.RecoveryStatement{{FirstPositive: daysAgo(100), ValidUntil: daysAgo(2)}}}, Red},
		{"recovery before its own start", &pass.Pass{Recoveries: []pass.RecoveryStatement{{FirstPositive: daysAgo(12), ValidFrom: at.AddDate(0, 0, 1)}}}, Red},
		{"negative PCR 70h", &pass.Pass{Tests: []pass.TestResult{{Sampled: at.Add(-70 * time.Hour), Negative: true, Type: "naat"}}}, Green},
		{"negative PCR 73h", &pass.Pass{Tests: []pass.TestResult{{Sampled: at.Add(-73 * time.Hour), Negative: true, Type: "naat"}}}, Red},
		{"negative RAT 47h", &pass.Pass{Tests: []pass.TestResult{{Sampled: at.Add(-47 * time.Hour), Negative: true, Type: "rat"}}}, Green},
		{"negative RAT 49h", &pass.Pass{Tests: []pass.TestResult{{Sampled: at.Add(-49 * time.Hour), Negative: true, Type: "rat"}}}, Red},
		{"positive PCR", &pass.Pass{Tests: []pass.TestResult{{Sampled: at.Add(-2 * time.Hour), Negative: false, Type: "naat"}}}, Red},
		{"unknown test type", &pass.Pass{Tests: []pass.TestResult{{Sampled: at.Add(-2 * time.Hour), Negative: true, Type: "LP000"}}}, Red},
		{"sample in the future", &pass.Pass{Tests: []pass.TestResult{{Sampled: at.Add(5 * time.Hour), Negative: true, Type: "naat"}}}, Red},
		{"exemption valid", &pass.Pass{Exemptions: []pass.ExemptionStatement{{ValidFrom: daysAgo(10), ValidUntil: at.AddDate(0, 1, 0)}}}, Amber},
		{"exemption expired", &pass.Pass{Exemptions: []pass.ExemptionStatement{{ValidFrom: daysAgo(100), ValidUntil: daysAgo(10)}}}, Red},
		{"exemption not yet valid", &pass.Pass{Exemptions: []pass.ExemptionStatement{{ValidFrom: at.AddDate(0, 0, 2)}}}, Red},
		{"nothing stated", &pass.Pass{}, Red},
		{"failing vaccination but a good test", &pass.Pass{Vaccinations: []pass.Dose{{Date: daysAgo(3), Dose: 1, Series: 2}}, Tests: []pass.TestResult{{Sampled: at.Add(-1 * time.Hour), Negative: true, Type: "rat"}}}, Green},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := p.Evaluate(tt.ps, at)
			if got != tt.want {
				t.Fatalf("got %v (%+v), want %v", got, why, tt.want)
			}
			if got == Green && len(why) != 0 {
				t.Errorf("green with findings %+v", why)
			}
			if got != Green && len(why) == 0 {
				t.Errorf("%v without findings", got)
			}
			for _, f := range why {
				if f.Code != pass.Policy || f.Detail == "" {
					t.Errorf("finding %+v: want code policy with a detail", f)
				}
			}
		})
	}
}

func TestSchedule(t *testing.T) {
	p := &Policy{
		Vaccination: VaccinationRule{
			MinDoses: 1,
			Schedule: []DoseStage{
				{From: Date{time.Date(2022, 4, 30, 0, 0, 0, 0, time.UTC)}, Doses: 2},
				{From: Date{time.Date(2022, 2, 24, 0, 0, 0, 0, time.UTC)}, Doses: 1},
				{From: Date{time.Date(2022, 5, 31, 0, 0, 0, 0, time.UTC)}, Doses: 3},
			},
			AcceptCompleteSeries: true,
		},
	}
	two := &pass.Pass{Vaccinations: []pass.Dose{{Date: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), Dose: 2, Series: 2}}}
	tests := []struct {
		at   time.Time
		want Outcome
	}{
		{time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC), Green},
		{time.Date(2022, 5, 30, 23, 0, 0, 0, time.UTC), Green},
		{time.Date(2022, 5, 31, 0, 0, 0, 0, time.UTC), Red}, // three doses needed; a complete series does not override a schedule
	}
	for _, tt := range tests {
		t.Run(tt.at.Format(time.RFC3339), func(t *testing.T) {
			if got, why := p.Evaluate(two, tt.at); got != tt.want {
				t.Errorf("at %v: got %v (%+v), want %v", tt.at, got, why, tt.want)
			}
		})
	}
}

func TestFormatOverride(t *testing.T) {
	p := Default()
	p.Formats = map[string]FormatRule{"hksarg": {Vaccination: &VaccinationRule{MinDoses: 3}, Exemption: Green}}
	two := func(format string) *pass.Pass {
		return &pass.Pass{Format: format, Vaccinations: []pass.Dose{{Date: daysAgo(30), Dose: 2, Series: 2}}}
	}
	if got, _ := p.Evaluate(two("dcc"), at); got != Green {
		t.Errorf("dcc: got %v, want green", got)
	}
	if got, _ := p.Evaluate(two("hksarg"), at); got != Red {
		t.Errorf("hksarg: got %v, want red (three doses)", got)
	}
	ex := &pass.Pass{Format: "hksarg", Exemptions: []pass.ExemptionStatement{{ValidFrom: daysAgo(1)}}}
	if got, _ := p.Evaluate(ex, at); got != Green {
		t.Errorf("hksarg exemption: got %v, want the override green", got)
	}
}

func TestExemptionMaxDays(t *testing.T) {
	p := Default()
	p.Formats = map[string]FormatRule{"hksarg": {ExemptionMaxDays: 90}}
	ex := func(ago int) *pass.Pass {
		return &pass.Pass{Format: "hksarg", Exemptions: []pass.ExemptionStatement{{ValidFrom: daysAgo(ago)}}}
	}
	if got, _ := p.Evaluate(ex(80), at); got != Amber {
		t.Errorf("80 days: got %v, want amber", got)
	}
	if got, _ := p.Evaluate(ex(100), at); got != Red {
		t.Errorf("100 days: got %v, want red", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, json, want string
	}{
		{"unknown field", `{"vacination":{}}`, "unknown field"},
		{"bad outcome", `{"exemption":"blue"}`, `outcome "blue"`},
		{"negative days", `{"vaccination":{"min_days":-1}}`, "vaccination.min_days"},
		{"negative hours", `{"test":{"rat_max_hours":-5}}`, "test.rat_max_hours"},
		{"bad date", `{"vaccination":{"schedule":[{"from":"30/04/2022","doses":2}]}}`, "YYYY-MM-DD"},
		{"schedule without date", `{"vaccination":{"schedule":[{"doses":2}]}}`, "schedule[0]"},
		{"trailing data", `{} {}`, "trailing"},
		{"not json", `policy`, "policy"},
		{"format outcome", `{"formats":{"hksarg":{"exemption":"maybe"}}}`, "formats.hksarg.exemption"},
		{"too large", `{"name":"` + strings.Repeat("x", MaxSize) + `"}`, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestParseDefaultsOutcomes(t *testing.T) {
	p, err := Parse(strings.NewReader(`{"vaccination":{"min_doses":2}}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Exemption != Amber || p.AmberCode != Amber || p.StaleData != Amber {
		t.Errorf("got %q %q %q, want amber for unset outcomes", p.Exemption, p.AmberCode, p.StaleData)
	}
}

func TestDefaultIsValid(t *testing.T) {
	p := Default()
	if p.Vaccination.MinDoses != 2 || p.MaxDataAge() != 72*time.Hour {
		t.Errorf("default policy: got min_doses %d, max data age %v", p.Vaccination.MinDoses, p.MaxDataAge())
	}
	if _, err := Parse(strings.NewReader(string(DefaultJSON()))); err != nil {
		t.Errorf("DefaultJSON does not parse: %v", err)
	}
}

func TestGraceAndRecoveredSchedule(t *testing.T) {
	d := func(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }
	p := &Policy{
		Vaccination: VaccinationRule{
			Schedule: []DoseStage{
				{From: Date{d(2022, 2, 24)}, Doses: 1},
				{From: Date{d(2022, 5, 31)}, Doses: 3, GraceDays: 180},
			},
			RecoveredSchedule: []DoseStage{
				{From: Date{d(2022, 2, 24)}, Doses: 1},
				{From: Date{d(2022, 4, 30)}, Doses: 2},
			},
		},
		Formats: map[string]FormatRule{"hksarg": {Recovery: &RecoveryRule{Accept: false}}},
	}
	at := d(2022, 7, 1)
	vac := func(recovered bool, dates ...time.Time) *pass.Pass {
		ps := &pass.Pass{Format: "hksarg"}
		for i, dt := range dates {
			ps.Vaccinations = append(ps.Vaccinations, pass.Dose{Date: dt, Dose: i + 1})
		}
		if recovered {
			ps.Recoveries = []pass.RecoveryStatement{{}}
		}
		return ps
	}
	tests := []struct {
		name string
		ps   *pass.Pass
		want Outcome
	}{
		{"two doses, second 92 days ago: grace", vac(false, d(2022, 1, 1), d(2022, 4, 1)), Green},
		{"two doses, second 212 days ago: past grace", vac(false, d(2021, 10, 1), d(2021, 12, 1)), Red},
		{"one dose: grace covers one short only", vac(false, d(2022, 6, 1)), Red},
		{"three doses", vac(false, d(2021, 10, 1), d(2021, 12, 1), d(2022, 3, 1)), Green},
		{"recovered, two doses", vac(true, d(2021, 10, 1), d(2021, 12, 1)), Green},
		{"recovered, one dose", vac(true, d(2021, 10, 1)), Red},
		{"recovered marker alone does not admit", &pass.Pass{Format: "hksarg", Recoveries: []pass.RecoveryStatement{{}}}, Red},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, why := p.Evaluate(tt.ps, at); got != tt.want {
				t.Errorf("%s: got %v %+v, want %v", tt.name, got, why, tt.want)
			}
		})
	}
	if _, err := Parse(strings.NewReader(`{"vaccination":{"schedule":[{"from":"2022-01-01","doses":2,"grace_days":-1}]}}`)); err == nil {
		t.Error("negative grace days: want an error")
	}
}
