package dcc

import (
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// uvciPrefix is the optional URN prefix of a UVCI, in any case.
const uvciPrefix = "URN:UVCI:"

// passBox holds a pass with room for one entry of each kind, so that a
// certificate of one entry takes one allocation.
type passBox struct {
	p pass.Pass
	v [1]pass.Dose
	t [1]pass.TestResult
	r [1]pass.RecoveryStatement
}

// newPass builds the format-neutral pass of a verified, schema-checked
// certificate.
func newPass(kid string, key *pass.Key, cl *claims, c *cert) (*pass.Pass, error) {
	box := &passBox{}
	p := &box.p
	*p = pass.Pass{
		Format:   Name,
		KID:      kid,
		Key:      key,
		Issuer:   cl.iss,
		IssuedAt: cl.iat,
		Expires:  cl.exp,
		Holder:   pass.Holder{Name: c.name.display(), DOB: c.dob},
	}
	if p.Issuer == "" {
		p.Issuer = key.Issuer
	}
	if bornAfter(c.dob, cl.iat) {
		// No schema says so, but no one is certified before being born
		// (dgc-testdata NL: a dob of 2023-01-01 in certificates of 2021 is
		// expected to fail).
		return nil, schemaErr("dob", "after the certificate was issued")
	}
	p.Vaccinations, p.Tests, p.Recoveries = box.v[:0], box.t[:0], box.r[:0]
	// The dates were checked when the certificate was read: the paths in
	// these errors are never shown.
	for i := range c.v.n {
		v := c.v.at(i)
		dt, err := parseDate(v.Date, "v.dt")
		if err != nil {
			return nil, err
		}
		p.Vaccinations = append(p.Vaccinations, pass.Dose{Date: dt, Dose: v.Dose, Series: v.Series, Product: v.Product, Target: v.Target})
		addID(p, v.ID)
	}
	for i := range c.t.n {
		t := c.t.at(i)
		sc, err := parseDateTime(t.Sampled, "t.sc")
		if err != nil {
			return nil, err
		}
		p.Tests = append(p.Tests, pass.TestResult{Sampled: sc, Negative: t.Result == ResultNegative, Type: testType(t.Type), Target: t.Target})
		addID(p, t.ID)
	}
	for i := range c.r.n {
		r := c.r.at(i)
		rs := pass.RecoveryStatement{Target: r.Target}
		var err error
		if rs.FirstPositive, err = parseDate(r.FirstPositive, "r.fr"); err != nil {
			return nil, err
		}
		if rs.ValidFrom, err = parseDate(r.ValidFrom, "r.df"); err != nil {
			return nil, err
		}
		if rs.ValidUntil, err = parseDate(r.ValidUntil, "r.du"); err != nil {
			return nil, err
		}
		p.Recoveries = append(p.Recoveries, rs)
		addID(p, r.ID)
	}
	if p.ID.IsZero() {
		return nil, schemaErr("v/t/r", "no entry")
	}
	if len(p.Vaccinations) == 0 {
		p.Vaccinations = nil
	}
	if len(p.Tests) == 0 {
		p.Tests = nil
	}
	if len(p.Recoveries) == 0 {
		p.Recoveries = nil
	}
	return p, nil
}

// bornAfter reports whether the date of birth dob (YYYY, YYYY-MM or
// YYYY-MM-DD, or "") is after the day of t.
func bornAfter(dob string, t time.Time) bool {
	if dob == "" {
		return false
	}
	var buf [16]byte
	day := t.UTC().AppendFormat(buf[:0], time.DateOnly)
	return dob > string(day[:min(len(dob), len(day))])
}

// addID gives p the ID of an entry's certificate identifier: the first
// entry's is the pass's ID, further distinct ones are OtherIDs.
func addID(p *pass.Pass, ci string) {
	id := PassID(ci)
	switch {
	case p.ID.IsZero():
		p.ID = id
	case id == p.ID:
	default:
		for _, o := range p.OtherIDs {
			if o == id {
				return
			}
		}
		p.OtherIDs = append(p.OtherIDs, id)
	}
}

// PassID returns the pass ID of a DCC by its unique certificate identifier
// (UVCI), with or without the "URN:UVCI:" prefix.
func PassID(uvci string) pass.ID { return pass.NewID(Name, UVCI(uvci)) }

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
