package shc

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// Code systems (FHIR canonical URLs).
const (
	systemCVX    = "http://hl7.org/fhir/sid/cvx"
	systemSNOMED = "http://snomed.info/sct"
	systemLOINC  = "http://loinc.org"
)

// covid19 is the SNOMED CT code of the disease, the Target of every
// statement this package produces.
const covid19 = "840539006"

// maxName bounds the holder's name as shown (family, given names).
const maxName = 200

type coding struct {
	System string `json:"system"`
	Code   string `json:"code"`
}

type codeableConcept struct {
	Coding []coding `json:"coding"`
}

// code returns the first code of system in cc.
func (cc *codeableConcept) code(system string) (string, bool) {
	for _, c := range cc.Coding {
		if c.System == system {
			return c.Code, true
		}
	}
	return "", false
}

type wirePatient struct {
	Name []struct {
		Family *string  `json:"family"`
		Given  []string `json:"given"`
	} `json:"name"`
	BirthDate *string `json:"birthDate"`
}

type wireImmunization struct {
	Status             *string          `json:"status"`
	VaccineCode        *codeableConcept `json:"vaccineCode"`
	OccurrenceDateTime *string          `json:"occurrenceDateTime"`
}

type wireObservation struct {
	Status               *string          `json:"status"`
	Code                 *codeableConcept `json:"code"`
	EffectiveDateTime    *string          `json:"effectiveDateTime"`
	ValueCodeableConcept *codeableConcept `json:"valueCodeableConcept"`
}

// bundleContent gathers what the bundle's entries state.
type bundleContent struct {
	patients int
	holder   pass.Holder
	doses    []pass.Dose
	results  []pass.TestResult
}

func (bc *bundleContent) add(i int, raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return pass.Errorf(pass.Schema, "entry %d has no resource", i)
	}
	var head struct {
		ResourceType *string `json:"resourceType"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return jsonError(fmt.Sprintf("entry %d", i), err)
	}
	if head.ResourceType == nil {
		return pass.Errorf(pass.Schema, "entry %d has no resourceType", i)
	}
	switch *head.ResourceType {
	case "Patient":
		return bc.addPatient(i, raw)
	case "Immunization":
		return bc.addImmunization(i, raw)
	case "Observation":
		return bc.addObservation(i, raw)
	}
	return nil
}

func (bc *bundleContent) addPatient(i int, raw json.RawMessage) error {
	bc.patients++
	if bc.patients > 1 {
		return pass.Errorf(pass.Schema, "the bundle has more than one Patient (entry %d)", i)
	}
	where := fmt.Sprintf("entry %d (Patient)", i)
	var w wirePatient
	if err := json.Unmarshal(raw, &w); err != nil {
		return jsonError(where, err)
	}
	if len(w.Name) == 0 {
		return pass.Errorf(pass.Schema, "%s has no name", where)
	}
	var family string
	if f := w.Name[0].Family; f != nil {
		family = strings.TrimSpace(*f)
	}
	var given []string
	for _, g := range w.Name[0].Given {
		if g = strings.TrimSpace(g); g != "" {
			given = append(given, g)
		}
	}
	name := strings.Join(given, " ")
	switch {
	case family != "" && name != "":
		name = strings.ToUpper(family) + ", " + name
	case family != "":
		name = strings.ToUpper(family)
	case name == "":
		return pass.Errorf(pass.Schema, "%s: name[0] has neither family nor given name", where)
	}
	if len(name) > maxName {
		return pass.Errorf(pass.TooLarge, "%s: the name is over %d bytes", where, maxName)
	}
	if !displayable(name) {
		return pass.Errorf(pass.Schema, "%s: the name has control or invalid characters", where)
	}
	if w.BirthDate == nil {
		return pass.Errorf(pass.Schema, "%s has no birthDate", where)
	}
	if !validDate(*w.BirthDate) {
		return pass.Errorf(pass.Schema, "%s: birthDate is not a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)", where)
	}
	bc.holder = pass.Holder{Name: name, DOB: *w.BirthDate}
	return nil
}

func (bc *bundleContent) addImmunization(i int, raw json.RawMessage) error {
	where := fmt.Sprintf("entry %d (Immunization)", i)
	var w wireImmunization
	if err := json.Unmarshal(raw, &w); err != nil {
		return jsonError(where, err)
	}
	switch {
	case w.Status == nil:
		return pass.Errorf(pass.Schema, "%s has no status", where)
	case *w.Status != "completed":
		return nil // not given: states nothing
	case w.VaccineCode == nil || len(w.VaccineCode.Coding) == 0:
		return pass.Errorf(pass.Schema, "%s has no vaccineCode.coding", where)
	}
	product, known := "", false
	if code, ok := w.VaccineCode.code(systemCVX); ok {
		product, known = code, covidCVX[code]
	} else if code, ok := w.VaccineCode.code(systemSNOMED); ok {
		product, known = code, covidSNOMED[code]
	} else {
		return nil // a vaccine coded in a system this kiosk does not read
	}
	if product == "" {
		return pass.Errorf(pass.Schema, "%s: vaccineCode has an empty code", where)
	}
	if !known {
		return nil // not a COVID-19 vaccine
	}
	if w.OccurrenceDateTime == nil {
		return pass.Errorf(pass.Schema, "%s has no occurrenceDateTime", where)
	}
	day, ok := parseDay(*w.OccurrenceDateTime)
	if !ok {
		return pass.Errorf(pass.Schema, "%s: occurrenceDateTime does not name a day (YYYY-MM-DD, optionally with a time and zone)", where)
	}
	bc.doses = append(bc.doses, pass.Dose{Date: day, Product: product, Target: covid19})
	return nil
}

func (bc *bundleContent) addObservation(i int, raw json.RawMessage) error {
	where := fmt.Sprintf("entry %d (Observation)", i)
	var w wireObservation
	if err := json.Unmarshal(raw, &w); err != nil {
		return jsonError(where, err)
	}
	if w.Code == nil {
		return pass.Errorf(pass.Schema, "%s has no code", where)
	}
	loinc, _ := w.Code.code(systemLOINC)
	kind, ok := covidTests[loinc]
	if !ok {
		return nil // not a SARS-CoV-2 test this kiosk reads
	}
	switch {
	case w.Status == nil:
		return pass.Errorf(pass.Schema, "%s has no status", where)
	case *w.Status != "final" && *w.Status != "amended" && *w.Status != "corrected":
		return nil // no result yet, or withdrawn
	case w.EffectiveDateTime == nil:
		return pass.Errorf(pass.Schema, "%s has no effectiveDateTime", where)
	case w.ValueCodeableConcept == nil || len(w.ValueCodeableConcept.Coding) == 0:
		return pass.Errorf(pass.Schema, "%s has no valueCodeableConcept.coding", where)
	}
	sampled, ok := parseInstant(*w.EffectiveDateTime)
	if !ok {
		return pass.Errorf(pass.Schema, "%s: effectiveDateTime does not name a day (YYYY-MM-DD, optionally with a time and zone)", where)
	}
	bc.results = append(bc.results, pass.TestResult{
		Sampled:  sampled,
		Negative: negative(w.ValueCodeableConcept),
		Type:     kind,
		Target:   covid19,
	})
	return nil
}

// negative reports whether every SNOMED CT coding of v says negative or not
// detected, and there is at least one.
func negative(v *codeableConcept) bool {
	n := 0
	for _, c := range v.Coding {
		if c.System != systemSNOMED {
			continue
		}
		if !negativeResults[c.Code] {
			return false
		}
		n++
	}
	return n > 0
}

// finish checks the bundle as a whole and stores its statements in c.
func (bc *bundleContent) finish(c *claims) error {
	if bc.patients == 0 {
		return pass.Errorf(pass.Schema, "the bundle has no Patient")
	}
	slices.SortStableFunc(bc.doses, func(a, b pass.Dose) int { return a.Date.Compare(b.Date) })
	for i := range bc.doses {
		bc.doses[i].Dose = i + 1
	}
	slices.SortStableFunc(bc.results, func(a, b pass.TestResult) int { return a.Sampled.Compare(b.Sampled) })
	c.holder, c.doses, c.results = bc.holder, bc.doses, bc.results
	return nil
}

// validDate reports whether s is a FHIR date: YYYY, YYYY-MM or YYYY-MM-DD.
func validDate(s string) bool {
	var layout string
	switch len(s) {
	case 4:
		layout = "2006"
	case 7:
		layout = "2006-01"
	case 10:
		layout = time.DateOnly
	default:
		return false
	}
	t, err := time.Parse(layout, s)
	return err == nil && t.Year() >= 1
}

// parseDay returns the day a FHIR dateTime names, as UTC midnight: the date
// as written, whatever the zone. Partial dates name no day.
func parseDay(s string) (time.Time, bool) {
	if len(s) < 10 {
		return time.Time{}, false
	}
	if len(s) > 10 {
		if _, ok := parseDateTime(s); !ok {
			return time.Time{}, false
		}
	}
	d, err := time.Parse(time.DateOnly, s[:10])
	return d, err == nil
}

// earliestZone is the offset of the earliest time zone in use (UTC+14):
// a day written without a time began no earlier than its 00:00 there.
const earliestZone = 14 * time.Hour

// parseInstant returns the instant a FHIR dateTime names. A day without a
// time gives the earliest instant that day began anywhere, so a test result
// never looks more recent than it is.
func parseInstant(s string) (time.Time, bool) {
	if len(s) == 10 {
		d, err := time.Parse(time.DateOnly, s)
		return d.Add(-earliestZone), err == nil
	}
	return parseDateTime(s)
}

// parseDateTime parses YYYY-MM-DDThh:mm:ss[.fff…](Z|±hh:mm).
func parseDateTime(s string) (time.Time, bool) {
	if len(s) < 20 || s[10] != 'T' {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t.UTC(), err == nil
}

// displayable reports whether s is valid UTF-8 without control characters.
func displayable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}
