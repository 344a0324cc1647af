package dcc

import (
	"strings"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// uvciPrefix is the optional URN prefix of a UVCI, in any case.
const uvciPrefix = "URN:UVCI:"

// newPass builds the format-neutral pass of a verified, schema-checked
// certificate.
func newPass(kid string, key *pass.Key, c *claims, d *DGC) (*pass.Pass, error) {
	p := &pass.Pass{
		Format:   Name,
		KID:      kid,
		Key:      key,
		Issuer:   c.iss,
		IssuedAt: c.iat,
		Expires:  c.exp,
		Holder:   pass.Holder{Name: d.Name.display(), DOB: d.DOB},
	}
	if p.Issuer == "" {
		p.Issuer = key.Issuer
	}
	switch {
	case len(d.V) == 1:
		v := d.V[0]
		dt, err := parseDate(v.Date, "v[0].dt")
		if err != nil {
			return nil, err
		}
		p.ID = pass.NewID(Name, UVCI(v.ID))
		p.Vaccinations = []pass.Dose{{Date: dt, Dose: v.Dose, Series: v.Series, Product: v.Product, Target: v.Target}}
	case len(d.T) == 1:
		t := d.T[0]
		sc, err := parseDateTime(t.Sampled, "t[0].sc")
		if err != nil {
			return nil, err
		}
		p.ID = pass.NewID(Name, UVCI(t.ID))
		p.Tests = []pass.TestResult{{Sampled: sc, Negative: t.Result == ResultNegative, Type: testType(t.Type), Target: t.Target}}
	case len(d.R) == 1:
		r := d.R[0]
		rs := pass.RecoveryStatement{Target: r.Target}
		var err error
		if rs.FirstPositive, err = parseDate(r.FirstPositive, "r[0].fr"); err != nil {
			return nil, err
		}
		if rs.ValidFrom, err = parseDate(r.ValidFrom, "r[0].df"); err != nil {
			return nil, err
		}
		if rs.ValidUntil, err = parseDate(r.ValidUntil, "r[0].du"); err != nil {
			return nil, err
		}
		p.ID = pass.NewID(Name, UVCI(r.ID))
		p.Recoveries = []pass.RecoveryStatement{rs}
	default:
		return nil, schemaErr("v/t/r", "no entry")
	}
	return p, nil
}

// UVCI returns the unique certificate identifier ci without its optional
// "URN:UVCI:" prefix (in any case), so both spellings give the same pass ID.
func UVCI(ci string) string {
	if len(ci) >= len(uvciPrefix) && strings.EqualFold(ci[:len(uvciPrefix)], uvciPrefix) {
		return ci[len(uvciPrefix):]
	}
	return ci
}

// display returns "Family, Given" as printed, falling back to the ICAO
// transliteration (with '<' shown as a space) where the printed form is
// absent.
func (n PersonName) display() string {
	fam, giv := n.Family, n.Given
	if fam == "" {
		fam = strings.ReplaceAll(n.FamilyICAO, "<", " ")
	}
	if giv == "" {
		giv = strings.ReplaceAll(n.GivenICAO, "<", " ")
	}
	fam, giv = strings.TrimSpace(fam), strings.TrimSpace(giv)
	switch {
	case giv == "":
		return fam
	case fam == "":
		return giv
	}
	return fam + ", " + giv
}

// testType maps the LOINC test type to pass.TestResult.Type.
func testType(tt string) string {
	switch tt {
	case TestNAAT:
		return "naat"
	case TestRAT:
		return "rat"
	}
	return tt
}
