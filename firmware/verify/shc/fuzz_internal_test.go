package shc

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"testing"
	"unicode/utf8"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// FuzzPayload feeds the layers behind the signature, which FuzzDecode
// rarely reaches: inflate, then the claim and FHIR parsers.
func FuzzPayload(f *testing.F) {
	for _, s := range []string{
		`{"iss":"https://issuer.example.org","nbf":1646136000,"vc":{"type":["https://smarthealth.cards#health-card"],"credentialSubject":{"fhirVersion":"4.0.1","fhirBundle":{"resourceType":"Bundle","type":"collection","entry":[` +
			`{"fullUrl":"resource:0","resource":{"resourceType":"Patient","name":[{"family":"Doe","given":["Jane"]}],"birthDate":"1970-01-01"}},` +
			`{"fullUrl":"resource:1","resource":{"resourceType":"Immunization","status":"completed","vaccineCode":{"coding":[{"system":"http://hl7.org/fhir/sid/cvx","code":"207"}]},"occurrenceDateTime":"2021-08-01"}},` +
			`{"fullUrl":"resource:2","resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"94500-6"}]},"effectiveDateTime":"2022-02-28T09:15:00Z","valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"260385009"}]}}}` +
			`]}},"rid":"abc"},"exp":1.5e9}`,
		`{"iss":"https://a.b","nbf":0,"vc":{"type":["https://smarthealth.cards#health-card"],"credentialSubject":{"fhirVersion":"4","fhirBundle":{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","name":[{"given":["\u0000"]}]}}]}}}}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
	} {
		f.Add([]byte(s), true)
	}
	f.Add([]byte{0x78, 0x9c, 0x03, 0x00}, false)
	f.Fuzz(func(t *testing.T, in []byte, compress bool) {
		seg := in
		if compress {
			var z bytes.Buffer
			w, _ := flate.NewWriter(&z, flate.BestSpeed)
			w.Write(in)
			w.Close()
			seg = z.Bytes()
		}
		raw, err := inflate(base64.RawURLEncoding.EncodeToString(seg))
		if err != nil {
			if pass.CodeOf(err) == pass.Internal {
				t.Fatalf("internal error: %v", err)
			}
			return
		}
		if len(raw) > MaxInflated {
			t.Fatalf("inflated %d bytes, over the bound", len(raw))
		}
		c, err := parseClaims(raw)
		if err != nil {
			if code := pass.CodeOf(err); code != pass.Schema && code != pass.TooLarge && code != pass.UnsupportedFormat {
				t.Fatalf("claims: code %s (%v)", code, err)
			}
			return
		}
		p := c.pass()
		if !validIssuer(p.Issuer) || p.IssuedAt.IsZero() && c.nbf.Unix() != 0 {
			t.Fatalf("bad issuer or time: %q %v", p.Issuer, p.IssuedAt)
		}
		if p.Holder.Name == "" || !utf8.ValidString(p.Holder.Name) || !displayable(p.Holder.Name) || !validDate(p.Holder.DOB) {
			t.Fatalf("bad holder %q %q", p.Holder.Name, p.Holder.DOB)
		}
		for i, d := range p.Vaccinations {
			if d.Dose != i+1 || d.Product == "" || (i > 0 && d.Date.Before(p.Vaccinations[i-1].Date)) {
				t.Fatalf("doses out of order or incomplete: %+v", p.Vaccinations)
			}
		}
		for _, r := range p.Tests {
			if r.Type != "naat" && r.Type != "rat" {
				t.Fatalf("bad test type %+v", r)
			}
		}
	})
}
