package policy

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/venuekiosk/venuekiosk/internal/bounded"
)

// Outcome is the colour a rule leads to.
type Outcome string

// Outcomes.
const (
	Green Outcome = "green"
	Amber Outcome = "amber"
	Red   Outcome = "red"
)

// Policy is a set of entry rules. Zero durations mean "no bound".
type Policy struct {
	Name string `json:"name"`

	Vaccination VaccinationRule `json:"vaccination"`
	Recovery    RecoveryRule    `json:"recovery"`
	Test        TestRule        `json:"test"`

	// Exemption is the outcome for a valid medical exemption.
	Exemption Outcome `json:"exemption"`
	// AmberCode is the outcome for a pass on the amber code list.
	AmberCode Outcome `json:"amber_code"`
	// StaleData is the outcome for an otherwise green pass when the
	// revocation and code data are older than MaxDataAgeHours.
	StaleData Outcome `json:"stale_data"`
	// MaxDataAgeHours bounds the age of revocation and code data; 0: unbounded.
	MaxDataAgeHours int `json:"max_data_age_hours"`
	// VisitRetentionDays is how long the visit log keeps a visit (see
	// VisitRetention); 0: DefaultVisitRetentionDays.
	VisitRetentionDays int `json:"visit_retention_days,omitempty"`
	// Stays sets how long a visit without a check-out is assumed to last,
	// by venue category (stays.go); nil: DefaultStays.
	Stays *StayRule `json:"stays,omitempty"`
	// Staff bounds staff cards (staff.go).
	Staff StaffRule `json:"staff,omitzero"`
	// TimeZone is the IANA zone days are counted in (zone.go); "": the
	// kiosk's local zone.
	TimeZone string `json:"time_zone,omitempty"`
	loc      *time.Location

	// Formats overrides the vaccination rule for one pass format (for
	// example Hong Kong's Vaccine Pass for "hksarg").
	Formats map[string]FormatRule `json:"formats,omitempty"`
}

// VaccinationRule admits vaccinated holders.
type VaccinationRule struct {
	// MinDoses is the number of doses needed, unless AcceptCompleteSeries
	// and the pass says its primary series is complete.
	MinDoses int `json:"min_doses"`
	// AcceptCompleteSeries admits a completed primary series of fewer doses
	// (a one-dose vaccine).
	AcceptCompleteSeries bool `json:"accept_complete_series"`
	// MinDays after the last dose before it counts.
	MinDays int `json:"min_days"`
	// MaxDays after the last dose of a primary series; 0: unbounded.
	MaxDays int `json:"max_days"`
	// BoosterMaxDays after a booster (a dose beyond the series); 0: unbounded.
	BoosterMaxDays int `json:"booster_max_days"`
	// Schedule raises MinDoses from given dates (Hong Kong's Vaccine Pass
	// stages). The entry with the latest From not after the check time wins.
	Schedule []DoseStage `json:"schedule,omitempty"`
	// RecoveredSchedule replaces Schedule for a holder whose pass states a
	// recovery (Hong Kong's recovered persons needed one dose fewer).
	RecoveredSchedule []DoseStage `json:"recovered_schedule,omitempty"`
}

// DoseStage is one stage of a dose schedule.
type DoseStage struct {
	From  Date `json:"from"`
	Doses int  `json:"doses"`
	// GraceDays, when set, still admits a holder one dose short of Doses
	// while their last dose is at most this many days old (Hong Kong from
	// 31 May 2022: two doses counted for six months after the second).
	GraceDays int `json:"grace_days,omitempty"`
}

// RecoveryRule admits recovered holders.
type RecoveryRule struct {
	Accept  bool `json:"accept"`
	MinDays int  `json:"min_days"` // after the first positive test
	MaxDays int  `json:"max_days"` // after the first positive test; 0: until the pass's own end
}

// TestRule admits holders with a recent negative test.
type TestRule struct {
	NAATMaxHours int  `json:"naat_max_hours"` // 0: NAAT not accepted
	RATMaxHours  int  `json:"rat_max_hours"`  // 0: rapid antigen not accepted
	AcceptOther  bool `json:"accept_other"`   // test types the pass does not name
}

// FormatRule overrides parts of the policy for one format.
type FormatRule struct {
	Vaccination *VaccinationRule `json:"vaccination,omitempty"`
	// Recovery replaces the recovery rule (Hong Kong's recovery marker has
	// no date and must not admit by itself: accept false).
	Recovery  *RecoveryRule `json:"recovery,omitempty"`
	Exemption Outcome       `json:"exemption,omitempty"`
	// ExemptionMaxDays bounds an exemption without an end date; 0: unbounded.
	ExemptionMaxDays int `json:"exemption_max_days,omitempty"`
	// TimeZone is the issuer's IANA zone days are counted in for this
	// format (zone.go); "": the policy's.
	TimeZone string `json:"time_zone,omitempty"`
	loc      *time.Location
}

// Date is a calendar day in JSON as "YYYY-MM-DD".
type Date struct{ time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	d.Time = t
	return nil
}

// MarshalJSON implements json.Marshaler.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.Format(time.DateOnly)) }

// MaxDataAge returns MaxDataAgeHours as a duration.
func (p *Policy) MaxDataAge() time.Duration { return time.Duration(p.MaxDataAgeHours) * time.Hour }

//go:embed default.json
var defaultJSON []byte

// Default returns the policy the kiosk ships with.
func Default() *Policy {
	p, err := Parse(bytes.NewReader(defaultJSON))
	if err != nil {
		panic("policy: embedded default.json: " + err.Error())
	}
	return p
}

// DefaultJSON returns the text of the shipped default policy.
func DefaultJSON() []byte { return bytes.Clone(defaultJSON) }

// MaxSize bounds a policy document.
const MaxSize = 64 << 10

// Parse reads a policy from JSON, rejecting unknown fields and values out
// of range.
func Parse(r io.Reader) (*Policy, error) {
	b, err := bounded.ReadAll(r, MaxSize, "policy")
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p Policy
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("policy: trailing data after the JSON object")
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// Load reads a policy file.
func Load(path string) (*Policy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// Validate checks ranges and outcome names.
func (p *Policy) Validate() error {
	for name, o := range map[string]*Outcome{"exemption": &p.Exemption, "amber_code": &p.AmberCode, "stale_data": &p.StaleData} {
		if *o == "" {
			*o = Amber
		}
		if err := o.validate(); err != nil {
			return fmt.Errorf("policy: %s: %w", name, err)
		}
	}
	if err := p.Vaccination.validate("vaccination"); err != nil {
		return err
	}
	if err := p.validateRetention(); err != nil {
		return err
	}
	if err := p.validateStays(); err != nil {
		return err
	}
	if err := p.Staff.validate(); err != nil {
		return err
	}
	if err := p.validateZones(); err != nil {
		return err
	}
	for name, f := range p.Formats {
		if f.Vaccination != nil {
			if err := f.Vaccination.validate("formats." + name + ".vaccination"); err != nil {
				return err
			}
		}
		if f.Exemption != "" {
			if err := f.Exemption.validate(); err != nil {
				return fmt.Errorf("policy: formats.%s.exemption: %w", name, err)
			}
		}
		if f.ExemptionMaxDays < 0 {
			return fmt.Errorf("policy: formats.%s.exemption_max_days: %d is negative", name, f.ExemptionMaxDays)
		}
	}
	for key, n := range map[string]int{
		"recovery.min_days": p.Recovery.MinDays, "recovery.max_days": p.Recovery.MaxDays,
		"test.naat_max_hours": p.Test.NAATMaxHours, "test.rat_max_hours": p.Test.RATMaxHours,
		"max_data_age_hours": p.MaxDataAgeHours,
	} {
		if n < 0 {
			return fmt.Errorf("policy: %s: %d is negative", key, n)
		}
	}
	return nil
}

func (o Outcome) validate() error {
	switch o {
	case Green, Amber, Red:
		return nil
	}
	return fmt.Errorf("outcome %q: want green, amber or red", string(o))
}

func (r *VaccinationRule) validate(key string) error {
	for k, n := range map[string]int{"min_doses": r.MinDoses, "min_days": r.MinDays, "max_days": r.MaxDays, "booster_max_days": r.BoosterMaxDays} {
		if n < 0 {
			return fmt.Errorf("policy: %s.%s: %d is negative", key, k, n)
		}
	}
	for name, sched := range map[string][]DoseStage{"schedule": r.Schedule, "recovered_schedule": r.RecoveredSchedule} {
		for i, s := range sched {
			if s.Doses < 0 || s.From.IsZero() || s.GraceDays < 0 {
				return fmt.Errorf("policy: %s.%s[%d]: want a from date, a non-negative dose count and grace days", key, name, i)
			}
		}
	}
	return nil
}
