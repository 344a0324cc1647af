package hksarg

import (
	"strconv"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// toPass turns an authenticated record into the format-neutral pass.
func toPass(rec *Record, o *opened) *pass.Pass {
	p := &pass.Pass{
		Format:   Name,
		KID:      o.kid,
		Key:      o.key,
		Issuer:   "HK",
		IssuedAt: rec.Printed,
		Holder:   holder(rec),
		ID:       passID(rec, o.signed),
	}
	switch rec.Type {
	case Vaccination:
		p.Vaccinations = make([]pass.Dose, 0, len(rec.Doses))
		for _, d := range rec.Doses {
			product := d.Vaccine
			if product == "" {
				product = d.VaccineZh
			}
			p.Vaccinations = append(p.Vaccinations, pass.Dose{Date: d.Date, Dose: d.Seq, Product: product})
		}
		if rec.Recovered {
			// The record states recovery but not when: every date is
			// left zero for the policy to judge.
			p.Recoveries = []pass.RecoveryStatement{{}}
		}
	case Exemption:
		p.Exemptions = []pass.ExemptionStatement{{ValidUntil: rec.ValidUntil}}
		// The certificate ends with its last valid day, Hong Kong time.
		y, m, d := rec.ValidUntil.Date()
		p.Expires = time.Date(y, m, d+1, 0, 0, 0, 0, hkt)
	case TestResult:
		t := rec.Test
		p.IssuedAt = t.Reported
		if !t.Downloaded.IsZero() {
			p.IssuedAt = t.Downloaded
		}
		typ, ok := testTypes[strings.ToUpper(t.Platform)]
		if !ok {
			typ = t.Platform
		}
		p.Tests = []pass.TestResult{{Sampled: t.Collected, Negative: negative(t.Result), Type: typ}}
	}
	return p
}

func negative(result string) bool {
	for _, n := range negativeResults {
		if strings.EqualFold(result, n) {
			return true
		}
	}
	return false
}

// holder shows the guard what the record prints: the masked English name
// and, in parentheses, the masked document number ("CHAN T** M**
// (A123****)"); test results carry no name, so the document type goes
// there ("(HKIC A123****)"). The date of birth is shown as its year only.
func holder(rec *Record) pass.Holder {
	var h pass.Holder
	doc := rec.Doc
	if rec.DocType != "" {
		doc = strings.TrimSpace(rec.DocType + " " + doc)
	}
	switch {
	case rec.Name != "" && doc != "":
		h.Name = rec.Name + " (" + doc + ")"
	case rec.Name != "":
		h.Name = rec.Name
	case doc != "":
		h.Name = "(" + doc + ")"
	}
	if !rec.DOB.IsZero() {
		h.DOB = strconv.Itoa(rec.DOB.Year())
	}
	return h
}

// passID is the pass's stable identifier: the record type and reference
// number. A record printed without a reference number (the issuer can
// omit it) is identified by its signed text instead, so that such
// records never share one ID.
func passID(rec *Record, signed string) pass.ID {
	if rec.Ref != "" {
		return pass.NewID(Name, rec.Type+":"+rec.Ref)
	}
	return pass.NewID(Name, rec.Type+":-:"+signed)
}
