package dcc

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// Limits of the DCC JSON schema 1.3.0, in Unicode code points.
const (
	maxNameLen  = 80 // fn, fnt, gn, gnt
	maxFieldLen = 80 // is, ci, nm, tc
)

// parseDGC decodes and schema-checks the CBOR map of a certificate.
func parseDGC(b []byte) (*DGC, error) {
	var w dgcWire
	if err := decMode.Unmarshal(b, &w); err != nil {
		return nil, cborFail("DGC", err, pass.Schema)
	}
	return w.check()
}

// schemaErr reports a schema violation of the field at path. It never
// quotes the field's value.
func schemaErr(path, problem string) *pass.Error {
	return fail(pass.Schema, "DGC "+path+": "+problem, nil)
}

// check applies the eHealth Network DCC schema 1.3.0 and returns the
// certificate.
func (w *dgcWire) check() (*DGC, error) {
	d := &DGC{}
	var err error
	if d.Ver, err = required(w.Ver, "ver"); err != nil {
		return nil, err
	}
	if !isVersion(d.Ver) {
		return nil, schemaErr("ver", "not a schema version (want digits.digits.digits)")
	}
	if w.Nam == nil {
		return nil, schemaErr("nam", "missing")
	}
	if d.Name, err = w.Nam.check(); err != nil {
		return nil, err
	}
	if d.DOB, err = required(w.DOB.text, "dob"); err != nil {
		return nil, err
	}
	if !isDOB(d.DOB) {
		return nil, schemaErr("dob", "not YYYY, YYYY-MM or YYYY-MM-DD in 1900-2099, nor empty")
	}

	groups := 0
	for _, g := range []bool{w.V != nil, w.T != nil, w.R != nil} {
		if g {
			groups++
		}
	}
	if groups != 1 {
		return nil, schemaErr("v/t/r", "holds "+strconv.Itoa(groups)+" of the vaccination, test and recovery groups; exactly one is allowed")
	}
	switch {
	case w.V != nil:
		if err := one("v", len(*w.V)); err != nil {
			return nil, err
		}
		v, err := (*w.V)[0].check("v[0]")
		if err != nil {
			return nil, err
		}
		d.V = []Vaccination{v}
	case w.T != nil:
		if err := one("t", len(*w.T)); err != nil {
			return nil, err
		}
		t, err := (*w.T)[0].check("t[0]")
		if err != nil {
			return nil, err
		}
		d.T = []Test{t}
	default:
		if err := one("r", len(*w.R)); err != nil {
			return nil, err
		}
		r, err := (*w.R)[0].check("r[0]")
		if err != nil {
			return nil, err
		}
		d.R = []Recovery{r}
	}
	return d, nil
}

func one(path string, n int) error {
	if n != 1 {
		return schemaErr(path, "holds "+strconv.Itoa(n)+" entries; exactly one is allowed")
	}
	return nil
}

func (w *nameWire) check() (PersonName, error) {
	var n PersonName
	var err error
	if n.FamilyICAO, err = required(w.FNT, "nam.fnt"); err != nil {
		return n, err
	}
	if n.GivenICAO, err = optional(w.GNT, "nam.gnt"); err != nil {
		return n, err
	}
	if n.Family, err = optional(w.FN, "nam.fn"); err != nil {
		return n, err
	}
	if n.Given, err = optional(w.GN, "nam.gn"); err != nil {
		return n, err
	}
	for _, f := range []struct {
		path, s string
		icao    bool
	}{{"nam.fnt", n.FamilyICAO, true}, {"nam.gnt", n.GivenICAO, true}, {"nam.fn", n.Family, false}, {"nam.gn", n.Given, false}} {
		if utf8.RuneCountInString(f.s) > maxNameLen {
			return n, schemaErr(f.path, "longer than "+strconv.Itoa(maxNameLen)+" characters")
		}
		if f.icao && !isICAO(f.s) {
			return n, schemaErr(f.path, "not ICAO 9303 transliterated (A-Z and '<' only)")
		}
	}
	return n, nil
}

func (w *vacWire) check(path string) (Vaccination, error) {
	var v Vaccination
	var err error
	for _, f := range []struct {
		dst  *string
		src  text
		name string
	}{{&v.Target, w.TG, "tg"}, {&v.Prophylaxis, w.VP, "vp"}, {&v.Product, w.MP, "mp"}, {&v.Manufacturer, w.MA, "ma"},
		{&v.Date, w.DT.text, "dt"}, {&v.Country, w.CO, "co"}, {&v.Issuer, w.IS, "is"}, {&v.ID, w.CI, "ci"}} {
		if *f.dst, err = required(f.src, path+"."+f.name); err != nil {
			return v, err
		}
	}
	if v.Dose, err = doseNumber(w.DN, path+".dn"); err != nil {
		return v, err
	}
	if v.Series, err = doseNumber(w.SD, path+".sd"); err != nil {
		return v, err
	}
	if _, err := parseDate(v.Date, path+".dt"); err != nil {
		return v, err
	}
	return v, bounded(path, v.Issuer, v.ID)
}

func (w *testWire) check(path string) (Test, error) {
	var t Test
	var err error
	for _, f := range []struct {
		dst  *string
		src  text
		name string
	}{{&t.Target, w.TG, "tg"}, {&t.Type, w.TT, "tt"}, {&t.Sampled, w.SC.text, "sc"}, {&t.Result, w.TR, "tr"},
		{&t.Country, w.CO, "co"}, {&t.Issuer, w.IS, "is"}, {&t.ID, w.CI, "ci"}} {
		if *f.dst, err = required(f.src, path+"."+f.name); err != nil {
			return t, err
		}
	}
	for _, f := range []struct {
		dst  *string
		src  text
		name string
	}{{&t.Name, w.NM, "nm"}, {&t.Manufacturer, w.MA, "ma"}, {&t.Centre, w.TC, "tc"}} {
		if *f.dst, err = optional(f.src, path+"."+f.name); err != nil {
			return t, err
		}
	}
	if _, err := parseDateTime(t.Sampled, path+".sc"); err != nil {
		return t, err
	}
	if utf8.RuneCountInString(t.Name) > maxFieldLen {
		return t, schemaErr(path+".nm", "longer than "+strconv.Itoa(maxFieldLen)+" characters")
	}
	if utf8.RuneCountInString(t.Centre) > maxFieldLen {
		return t, schemaErr(path+".tc", "longer than "+strconv.Itoa(maxFieldLen)+" characters")
	}
	return t, bounded(path, t.Issuer, t.ID)
}

func (w *recWire) check(path string) (Recovery, error) {
	var r Recovery
	var err error
	for _, f := range []struct {
		dst  *string
		src  text
		name string
	}{{&r.Target, w.TG, "tg"}, {&r.FirstPositive, w.FR.text, "fr"}, {&r.Country, w.CO, "co"}, {&r.Issuer, w.IS, "is"},
		{&r.ValidFrom, w.DF.text, "df"}, {&r.ValidUntil, w.DU.text, "du"}, {&r.ID, w.CI, "ci"}} {
		if *f.dst, err = required(f.src, path+"."+f.name); err != nil {
			return r, err
		}
	}
	for _, f := range []struct{ s, name string }{{r.FirstPositive, "fr"}, {r.ValidFrom, "df"}, {r.ValidUntil, "du"}} {
		if _, err := parseDate(f.s, path+"."+f.name); err != nil {
			return r, err
		}
	}
	return r, bounded(path, r.Issuer, r.ID)
}

// bounded checks the lengths of an entry's issuer and certificate id.
func bounded(path, issuer, id string) error {
	if utf8.RuneCountInString(issuer) > maxFieldLen {
		return schemaErr(path+".is", "longer than "+strconv.Itoa(maxFieldLen)+" characters")
	}
	if utf8.RuneCountInString(id) > maxFieldLen {
		return schemaErr(path+".ci", "longer than "+strconv.Itoa(maxFieldLen)+" characters")
	}
	return nil
}

func required(t text, path string) (string, error) {
	switch t.state {
	case absent:
		return "", schemaErr(path, "missing")
	case wrongType:
		return "", schemaErr(path, t.found+" where a text string is expected")
	}
	return t.s, nil
}

func optional(t text, path string) (string, error) {
	if t.state == wrongType {
		return "", schemaErr(path, t.found+" where a text string is expected")
	}
	return t.s, nil
}

func doseNumber(i integer, path string) (int, error) {
	switch {
	case i.state == absent:
		return 0, schemaErr(path, "missing")
	case i.state == wrongType:
		return 0, schemaErr(path, i.found+" where an integer is expected")
	case i.v < 1:
		return 0, schemaErr(path, "less than 1")
	case i.v > 1<<20:
		return 0, schemaErr(path, "implausibly large")
	}
	return int(i.v), nil
}

// isVersion reports whether s is digits.digits.digits.
func isVersion(s string) bool {
	parts, digits := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && digits > 0 && parts < 2:
			parts++
			digits = 0
		default:
			return false
		}
	}
	return parts == 2 && digits > 0 && len(s) <= 32
}

// isDOB matches the schema's ^((19|20)\d\d(-\d\d){0,2}){0,1}$.
func isDOB(s string) bool {
	switch len(s) {
	case 0:
		return true
	case 4, 7, 10:
	default:
		return false
	}
	if s[:2] != "19" && s[:2] != "20" {
		return false
	}
	for i := 2; i < len(s); i++ {
		if i == 4 || i == 7 {
			if s[i] != '-' {
				return false
			}
		} else if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isICAO matches ^[A-Z<]*$.
func isICAO(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'A' || c > 'Z') && c != '<' {
			return false
		}
	}
	return true
}

// parseDate parses an ISO 8601 full-date (JSON schema "date").
func parseDate(s, path string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, schemaErr(path, "not a date (YYYY-MM-DD)")
	}
	return t, nil
}

// dateTimeLayouts are the RFC 3339 date-time (JSON schema "date-time") and
// the ISO 8601 basic-offset variant some issuers write ("+0200").
var dateTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700"}

// parseDateTime parses an RFC 3339 date-time.
func parseDateTime(s, path string) (time.Time, error) {
	for _, l := range dateTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, schemaErr(path, "not a date-time (RFC 3339)")
}
