package shc_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/firmware/verify/shc"
)

// checkOutcome holds for every input: a typed error that names no holder,
// or a complete pass.
func checkOutcome(t *testing.T, p *pass.Pass, err error) {
	t.Helper()
	if err != nil {
		var pe *pass.Error
		if !errors.As(err, &pe) {
			t.Fatalf("untyped error %v", err)
		}
		if pe.Code == pass.Internal {
			t.Fatalf("internal error from a healthy trust store: %v", err)
		}
		for _, secret := range []string{testFamily, strings.ToUpper(testFamily), testGiven, testDOB} {
			if strings.Contains(pe.Detail, secret) {
				t.Fatalf("detail %q names the holder", pe.Detail)
			}
		}
		if p != nil {
			t.Fatalf("both a pass and an error (%v)", err)
		}
		return
	}
	switch {
	case p == nil:
		t.Fatal("neither pass nor error")
	case p.Format != shc.Name || p.Key == nil || p.KID == "" || p.ID.IsZero() || p.IssuedAt.IsZero():
		t.Fatalf("incomplete pass %+v", p)
	case p.Holder.Name == "" || !utf8.ValidString(p.Holder.Name) || p.Holder.DOB == "":
		t.Fatalf("bad holder %q %q", p.Holder.Name, p.Holder.DOB)
	}
	for i, d := range p.Vaccinations {
		if d.Dose != i+1 || d.Date.IsZero() || d.Product == "" || (i > 0 && d.Date.Before(p.Vaccinations[i-1].Date)) {
			t.Fatalf("dose %d out of order or incomplete: %+v", i, p.Vaccinations)
		}
	}
	for _, r := range p.Tests {
		if r.Sampled.IsZero() || (r.Type != "naat" && r.Type != "rat") {
			t.Fatalf("bad test result %+v", r)
		}
	}
}

func FuzzDecode(f *testing.F) {
	keys(f)
	good := signedQR(f, goodClaims())
	f.Add(good)
	f.Add(signedQR(f, claimsJSON(testIss, issued, "", "", patientJSON(testFamily, testGiven, testDOB), observationJSON("94500-6", "2022-02-28", "260385009"))))
	f.Add(good[:len(good)-2])
	f.Add("shc:/1/2/" + good[5:])
	f.Add("shc:/")
	f.Add("shc:/78")
	f.Add(qr(`eyJ6aXAiOiJERUYiLCJhbGciOiJub25lIn0..`))
	set := trust.NewSet(trustKey(f, testIss))
	format := shc.New()
	f.Fuzz(func(t *testing.T, s string) {
		p, err := format.Decode(s, set)
		checkOutcome(t, p, err)
	})
}
