package hksarg

import "time"

// Record types.
const (
	Vaccination = "VAC" // vaccination record
	Exemption   = "MEC" // COVID-19 Vaccination Medical Exemption Certificate
	TestResult  = "EVT" // electronic test result
)

// Record is the content of one Hong Kong record, as Sign prints it and as
// decoding reads it after the signature verified. Dates without a time of
// day are UTC midnight of the calendar day printed; times are Hong Kong
// time (UTC+8).
type Record struct {
	Type       string // Vaccination, Exemption or TestResult
	Version    string // QR code version as printed: "2", "3", "4", "3.00"
	KeyVersion string // issuer key version (VAC, MEC); "" when none
	Ref        string // reference number
	DocType    string // EVT: identity document type
	Doc        string // masked identity document number, as printed ("A123****")
	Name       string // masked English name, as printed ("CHAN T** M**"); VAC and MEC

	// Doses are the vaccinations a VAC record carries in dose order
	// (oldest first): up to two (version 2) or the last three (versions
	// 3 and 4; Sign prints the last three of a longer list).
	Doses []Dose
	// Recovered is the recovery indicator ("001"): the holder recovered
	// from COVID-19. The record carries no date of recovery.
	Recovered bool
	// MaxDose is the highest dose sequence the holder received (VAC 4);
	// Sign uses the highest Dose.Seq when it is 0.
	MaxDose int
	// DOB is the date of birth where the version carries it (VAC 4, MEC);
	// the issuer prints 01-01-yyyy when only the year is known.
	DOB time.Time

	ValidUntil time.Time // MEC: last day of the exemption
	Printed    time.Time // VAC, MEC: when the record was generated

	Test Test // EVT
}

// Dose is one vaccination in a record.
type Dose struct {
	// Seq is the dose sequence number: explicit in version 2, derived
	// from the issuer's slot rules in version 3 (a lower bound where the
	// slots are ambiguous), known only for the last dose in version 4
	// (0 for the others).
	Seq       int
	Date      time.Time
	Vaccine   string // English name (versions 2, 3) or vaccine code (version 4)
	VaccineZh string // Chinese name (versions 2, 3)
}

// Test is the content of a test result record. The meaning of these
// fields is taken from an open-source verifier; their values are not
// publicly documented.
type Test struct {
	Collected  time.Time // specimen collection
	Specimen   string    // specimen type
	Platform   string    // testing platform
	Result     string    // as issued
	Reported   time.Time // report time
	Downloaded time.Time // zero in the 12-field layout
}

// hkt is Hong Kong time. Asia/Hong_Kong has been UTC+8 without daylight
// saving since 1979, so a fixed zone is exact for these records and needs
// no tz database on the kiosk.
var hkt = time.FixedZone("HKT", 8*60*60)

// Printed layouts of dates and times.
const (
	dateLayout  = "02-01-2006"
	clockLayout = "02-01-2006 15:04"
)

// Bounds on dates, so nonsense years are rejected rather than shown.
var (
	firstDoseDay = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	firstBirth   = time.Date(1890, 1, 1, 0, 0, 0, 0, time.UTC)
	lastDay      = time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC)
	// Times are bounded by the same calendar days, in Hong Kong time.
	firstClock = time.Date(2020, 1, 1, 0, 0, 0, 0, hkt)
	lastClock  = time.Date(2099, 12, 31, 23, 59, 0, 0, hkt)
)

func parseDate(s string, min time.Time) (time.Time, bool) {
	if len(s) != len(dateLayout) {
		return time.Time{}, false
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil || t.Before(min) || t.After(lastDay) {
		return time.Time{}, false
	}
	return t, true
}

func parseClock(s string) (time.Time, bool) {
	if len(s) != len(clockLayout) {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(clockLayout, s, hkt)
	if err != nil || t.Before(firstClock) || t.After(lastClock) {
		return time.Time{}, false
	}
	return t, true
}

// parseClockOrDate reads "dd-MM-yyyy HH:mm" or "dd-MM-yyyy" (midnight,
// Hong Kong time): the EVT time fields' exact form is not public.
func parseClockOrDate(s string) (time.Time, bool) {
	if len(s) == len(dateLayout) {
		t, ok := parseDate(s, firstDoseDay)
		if !ok {
			return time.Time{}, false
		}
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, hkt), true
	}
	return parseClock(s)
}

func fmtDate(t time.Time) string  { return t.Format(dateLayout) }
func fmtClock(t time.Time) string { return t.In(hkt).Format(clockLayout) }
