package hksarg

import (
	"strconv"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// slotDose collects the fields of one dose slot while parsing.
type slotDose struct {
	date      time.Time
	dated     bool // a date was printed
	vaccine   string
	vaccineZh string
	named     bool // a vaccine name or code was printed
}

// isAbsent reports whether v is one of the issuer's "no value" marks.
func isAbsent(v string) bool { return v == "" || v == "-" || v == "NA" }

// schemaErr names the field that failed without echoing its value.
func schemaErr(i int, fl field, what string) error {
	return pass.Errorf(pass.Schema, "field %d (%s): %s", i, fl.role, what)
}

// parse reads fields laid out as l into a Record. It runs only after the
// signature verified; every value is still checked, and a value this
// parser does not understand is rejected rather than guessed at.
func (l *layout) parse(fields []string) (Record, error) {
	var (
		rec     Record
		slots   [4]slotDose
		markers [4]bool // per-dose recovery indicators seen, by slot
	)
	rec.Type = l.typ
	for i, fl := range l.fields {
		v := fields[i]
		switch fl.role {
		case rolePrefix, roleType, roleSignature:
			// Checked before the signature.
		case roleVersion:
			rec.Version = v
		case roleKeyVersion:
			if v != "-" {
				rec.KeyVersion = v
			}
		case roleRef:
			rec.Ref = v
		case roleDocType:
			rec.DocType = v
		case roleDoc:
			rec.Doc = v
		case roleName:
			rec.Name = v
		case roleDoseDate:
			if isAbsent(v) {
				continue
			}
			t, ok := parseDate(v, firstDoseDay)
			if !ok {
				return rec, schemaErr(i, fl, "not a dd-MM-yyyy date from 2020 on")
			}
			slots[fl.slot].date, slots[fl.slot].dated = t, true
		case roleDoseVaccine:
			if v != "" {
				slots[fl.slot].vaccine, slots[fl.slot].named = v, true
			}
		case roleDoseVaccineZh:
			if !isAbsent(v) {
				slots[fl.slot].vaccineZh, slots[fl.slot].named = v, true
			}
		case roleDoseDateVaccine:
			if v == "" {
				continue
			}
			d, name, ok := strings.Cut(v, ",")
			t, okd := parseDate(d, firstDoseDay)
			if !ok || !okd {
				return rec, schemaErr(i, fl, `not "dd-MM-yyyy,vaccine"`)
			}
			s := &slots[fl.slot]
			s.date, s.dated = t, true
			if name != "" {
				s.vaccine, s.named = name, true
			}
		case roleRecovered:
			switch v {
			case "001":
				rec.Recovered, markers[fl.slot] = true, true
			case "":
			default:
				return rec, schemaErr(i, fl, `want "001" or empty`)
			}
		case roleExempt:
			if v != "002" {
				return rec, schemaErr(i, fl, `want "002"`)
			}
		case roleValidUntil:
			t, ok := parseDate(v, firstDoseDay)
			if !ok {
				return rec, schemaErr(i, fl, "not a dd-MM-yyyy date from 2020 on")
			}
			rec.ValidUntil = t
		case roleDOB:
			if v == "" {
				continue
			}
			t, ok := parseDate(v, firstBirth)
			if !ok {
				return rec, schemaErr(i, fl, "not a dd-MM-yyyy date")
			}
			rec.DOB = t
		case roleDOBMaxDose:
			d, n, ok := strings.Cut(v, ",")
			t, okd := parseDate(d, firstBirth)
			max, err := strconv.Atoi(n)
			if !ok || !okd || err != nil || max < 0 || max > 20 || n != strconv.Itoa(max) {
				return rec, schemaErr(i, fl, `not "dd-MM-yyyy,N"`)
			}
			rec.DOB, rec.MaxDose = t, max
		case roleReserved:
			if v != "" {
				return rec, schemaErr(i, fl, "must be empty")
			}
		case rolePrinted:
			t, ok := parseClock(v)
			if !ok {
				return rec, schemaErr(i, fl, "not a dd-MM-yyyy HH:mm time")
			}
			rec.Printed = t
		case roleCollected, roleReported, roleDownloaded:
			t, ok := parseClockOrDate(v)
			if !ok {
				return rec, schemaErr(i, fl, "not a dd-MM-yyyy [HH:mm] time")
			}
			switch fl.role {
			case roleCollected:
				rec.Test.Collected = t
			case roleReported:
				rec.Test.Reported = t
			default:
				rec.Test.Downloaded = t
			}
		case roleSpecimen:
			rec.Test.Specimen = v
		case rolePlatform:
			rec.Test.Platform = v
		case roleResult:
			if v == "" {
				return rec, schemaErr(i, fl, "empty")
			}
			rec.Test.Result = v
		default:
			return rec, schemaErr(i, fl, "no parser for this role")
		}
	}
	if err := l.required(&rec); err != nil {
		return rec, err
	}
	for s := 1; s <= 3; s++ {
		if markers[s] && !slots[s].dated {
			// The issuer prints a per-dose indicator only beside its dose.
			return rec, pass.Errorf(pass.Schema, "recovery indicator beside dose slot %d, which is empty", s)
		}
	}
	doses, err := l.placeDoses(&slots, rec.MaxDose)
	if err != nil {
		return rec, err
	}
	rec.Doses = doses
	return rec, nil
}

// required checks the values every record of the layout must carry.
func (l *layout) required(rec *Record) error {
	if l.typ == TestResult && (rec.Test.Collected.IsZero() || rec.Test.Reported.IsZero()) {
		return pass.Errorf(pass.Schema, "test result without collection or report time")
	}
	return nil
}

// placeDoses turns the slots into doses, oldest first, with sequence
// numbers as far as the layout's scheme states them.
func (l *layout) placeDoses(slots *[4]slotDose, maxDose int) ([]Dose, error) {
	var present [4]bool
	count := 0
	for s := 1; s <= 3; s++ {
		if slots[s].named && !slots[s].dated {
			return nil, pass.Errorf(pass.Schema, "dose slot %d names a vaccine but has no date", s)
		}
		present[s] = slots[s].dated
		if present[s] {
			count++
		}
	}
	if count == 0 {
		if l.doses == byOrder && maxDose != 0 {
			return nil, pass.Errorf(pass.Schema, "record states %d doses but lists none", maxDose)
		}
		return nil, nil
	}
	var seqs [4]int // by slot
	var order []int // slots, oldest first
	switch l.doses {
	case bySeq:
		for s := 1; s <= 3; s++ {
			seqs[s] = s
		}
		order = []int{1, 2}
	case lastThree:
		found := false
		for _, e := range v3Slots { // ordered by sequence: the first match is the lower bound
			if (e.slots[1] != 0) == present[1] && (e.slots[2] != 0) == present[2] && (e.slots[3] != 0) == present[3] {
				seqs, found = e.slots, true
				break
			}
		}
		if !found {
			return nil, pass.Errorf(pass.Schema, "dose slots filled in an order the issuer never prints")
		}
		order = []int{3, 2, 1}
	case byOrder:
		if !present[1] || (present[3] && !present[2]) {
			return nil, pass.Errorf(pass.Schema, "dose slots filled in an order the issuer never prints")
		}
		if maxDose < count {
			return nil, pass.Errorf(pass.Schema, "record states %d doses but lists %d", maxDose, count)
		}
		seqs[1] = maxDose
		order = []int{3, 2, 1}
	default:
		return nil, pass.Errorf(pass.Schema, "this record type carries no doses")
	}
	doses := make([]Dose, 0, count)
	for _, s := range order {
		if !present[s] {
			continue
		}
		doses = append(doses, Dose{Seq: seqs[s], Date: slots[s].date, Vaccine: slots[s].vaccine, VaccineZh: slots[s].vaccineZh})
	}
	return doses, nil
}
