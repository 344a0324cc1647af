package policy

import (
	"fmt"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// Finding is one reason a pass did not simply pass.
type Finding struct {
	Code   pass.Code
	Detail string
}

const day = 24 * time.Hour

// Evaluate judges an authenticated pass as of at. A pass with any statement
// that meets the rules is green, with no findings, or with one naming the
// entry that counted when the pass has several entries that are
// certificates of their own (entries.go). Otherwise a valid
// exemption yields the exemption outcome; anything else is red, with one
// finding per statement saying why it fell short.
func (p *Policy) Evaluate(ps *pass.Pass, at time.Time) (Outcome, []Finding) {
	var why []Finding
	// Days are counted in the format's (the issuer's) or the policy's time
	// zone: "today" is at's calendar day there.
	at = at.In(p.Location(ps.Format))
	rule := p.Vaccination
	recovery := p.Recovery
	exemptOutcome := p.Exemption
	exemptMax := 0
	if f, ok := p.Formats[ps.Format]; ok {
		if f.Vaccination != nil {
			rule = *f.Vaccination
		}
		if f.Recovery != nil {
			recovery = *f.Recovery
		}
		if f.Exemption != "" {
			exemptOutcome = f.Exemption
		}
		exemptMax = f.ExemptionMaxDays
	}
	if len(ps.Vaccinations) > 0 {
		ok, detail := rule.admits(ps.Vaccinations, len(ps.Recoveries) > 0, at)
		if ok {
			if len(ps.Vaccinations) > 1 && len(ps.OtherIDs) > 0 {
				return Green, []Finding{countedDose(ps.Vaccinations, at)}
			}
			return Green, nil
		}
		why = append(why, Finding{pass.Policy, judgedDoses(ps.Vaccinations, detail)})
	}
	for i, r := range ps.Recoveries {
		ok, detail := recovery.admits(r, at)
		if ok {
			return Green, countedEntry(ps, "recovery", i, len(ps.Recoveries))
		}
		why = append(why, Finding{pass.Policy, judgedEntry("recovery", i, len(ps.Recoveries), detail)})
	}
	for i, t := range ps.Tests {
		ok, detail := p.Test.admits(t, at)
		if ok {
			return Green, countedEntry(ps, "test", i, len(ps.Tests))
		}
		why = append(why, Finding{pass.Policy, judgedEntry("test", i, len(ps.Tests), detail)})
	}
	for _, e := range ps.Exemptions {
		ok, detail := exemptionValid(e, exemptMax, at)
		if ok {
			return exemptOutcome, []Finding{{pass.Policy, detail}}
		}
		why = append(why, Finding{pass.Policy, detail})
	}
	if len(why) == 0 {
		why = append(why, Finding{pass.Policy, "the pass states no vaccination, recovery, test or exemption"})
	}
	return Red, why
}

// stage returns the schedule stage in force at t (Doses = MinDoses when
// none is), and whether the schedule has any stage at all.
func (r *VaccinationRule) stage(recovered bool, at time.Time) (DoseStage, bool) {
	sched := r.Schedule
	if recovered && len(r.RecoveredSchedule) > 0 {
		sched = r.RecoveredSchedule
	}
	st := DoseStage{Doses: r.MinDoses}
	var from time.Time
	today := localDay(at)
	for _, s := range sched {
		if !civil(s.From.Time).After(today) && !s.From.Before(from) {
			st, from = s, s.From.Time
		}
	}
	return st, len(sched) > 0
}

func (r *VaccinationRule) admits(doses []pass.Dose, recovered bool, at time.Time) (bool, string) {
	last := doses[latestDose(doses)]
	count := 0
	for _, d := range doses {
		n := d.Dose
		if n == 0 {
			n = 1 // an entry of unknown number is at least one dose
		}
		if n > count {
			count = n
		}
	}
	st, scheduled := r.stage(recovered, at)
	need := st.Doses
	complete := last.Series > 0 && last.Dose >= last.Series
	age := daysBetween(last.Date, at)
	if age < 0 {
		return false, "the last dose is dated in the future"
	}
	graced := st.GraceDays > 0 && count == need-1 && age <= st.GraceDays
	if count < need && !graced && !(r.AcceptCompleteSeries && complete && !scheduled) {
		if st.GraceDays > 0 && count == need-1 {
			return false, fmt.Sprintf("%d dose(s), the last %d days ago; the policy needs %d, or %d within %d days", count, age, need, need-1, st.GraceDays)
		}
		return false, fmt.Sprintf("%d dose(s); the policy needs %d", count, need)
	}
	if age < r.MinDays {
		return false, fmt.Sprintf("last dose %d day(s) ago; it counts after %d days", age, r.MinDays)
	}
	limit := r.MaxDays
	if last.Series > 0 && last.Dose > last.Series {
		limit = r.BoosterMaxDays
	}
	if limit > 0 && age > limit {
		return false, fmt.Sprintf("last dose %d days ago; the policy accepts up to %d", age, limit)
	}
	return true, ""
}

func (r *RecoveryRule) admits(s pass.RecoveryStatement, at time.Time) (bool, string) {
	if !r.Accept {
		return false, "recovery is not accepted"
	}
	if !s.ValidFrom.IsZero() && localDay(at).Before(civil(s.ValidFrom)) {
		return false, "recovery statement valid from " + s.ValidFrom.UTC().Format(time.DateOnly)
	}
	if !s.ValidUntil.IsZero() && localDay(at).After(civil(s.ValidUntil)) {
		return false, "recovery statement valid until " + s.ValidUntil.UTC().Format(time.DateOnly)
	}
	if s.FirstPositive.IsZero() {
		return true, ""
	}
	age := daysBetween(s.FirstPositive, at)
	if age < r.MinDays {
		return false, fmt.Sprintf("first positive test %d day(s) ago; recovery counts after %d days", age, r.MinDays)
	}
	if r.MaxDays > 0 && age > r.MaxDays {
		return false, fmt.Sprintf("first positive test %d days ago; recovery counts up to %d days", age, r.MaxDays)
	}
	return true, ""
}

func (r *TestRule) admits(t pass.TestResult, at time.Time) (bool, string) {
	if !t.Negative {
		return false, "the test result is not negative"
	}
	var hours int
	switch t.Type {
	case "naat":
		hours = r.NAATMaxHours
	case "rat":
		hours = r.RATMaxHours
	default:
		if r.AcceptOther {
			hours = max(r.NAATMaxHours, r.RATMaxHours)
		}
	}
	if hours == 0 {
		return false, "this kind of test is not accepted"
	}
	age := at.Sub(t.Sampled)
	if age < -time.Hour {
		return false, "the test sample is dated in the future"
	}
	if age > time.Duration(hours)*time.Hour {
		return false, fmt.Sprintf("test sampled %.0f hours ago; the policy accepts up to %d", age.Hours(), hours)
	}
	return true, ""
}

func exemptionValid(e pass.ExemptionStatement, maxDays int, at time.Time) (bool, string) {
	if !e.ValidFrom.IsZero() && localDay(at).Before(civil(e.ValidFrom)) {
		return false, "exemption valid from " + e.ValidFrom.UTC().Format(time.DateOnly)
	}
	until := e.ValidUntil
	if until.IsZero() && maxDays > 0 && !e.ValidFrom.IsZero() {
		until = e.ValidFrom.Add(time.Duration(maxDays) * day)
	}
	if !until.IsZero() && localDay(at).After(civil(until)) {
		return false, "exemption expired " + until.UTC().Format(time.DateOnly)
	}
	return true, "medical exemption: check the holder's exemption document"
}

// daysBetween counts calendar days from the date a (a pass's dates are
// days, kept as UTC midnight) to b's calendar day in b's location (the
// policy's time zone: Evaluate puts at there).
func daysBetween(a, b time.Time) int {
	return int(localDay(b).Sub(civil(a)) / day)
}

// civil is the calendar day of a pass's date (kept as UTC midnight).
func civil(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// localDay is the calendar day of at in at's location, as a date.
func localDay(at time.Time) time.Time {
	y, m, d := at.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
