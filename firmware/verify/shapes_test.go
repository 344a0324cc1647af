package verify_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/firmware/verify/dcc"
)

// revokedIDs is a revocation list.
type revokedIDs map[pass.ID]bool

func (r revokedIDs) Revoked(id pass.ID) (bool, error) { return r[id], nil }

// TestDCCShapes holds real-world certificate shapes the issuers' own test
// data carries (see the dcc package's schema notes), each issued here with
// dcc.Sign and a throw-away key: authentic with no policy, and under the
// default policy the verdict a guard would expect.
func TestDCCShapes(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	kid := []byte("shapes01")
	at := time.Date(2021, 7, 1, 10, 0, 0, 0, time.UTC)
	day := func(n int) string { return at.AddDate(0, 0, n).Format(time.DateOnly) }
	name := dcc.PersonName{Family: "Petkov", FamilyICAO: "PETKOV", Given: "Stamo", GivenICAO: "STAMO"}
	dose := func(n, of int, date, uvci string) dcc.Vaccination {
		return dcc.Vaccination{Target: dcc.TargetCOVID19, Prophylaxis: "J07BX03", Product: "EU/1/20/1528", Manufacturer: "ORG-100030215",
			Dose: n, Series: of, Date: date, Country: "BG", Issuer: "Ministry of Health", ID: uvci}
	}
	vac := func(ver string, doses ...dcc.Vaccination) dcc.DGC {
		return dcc.DGC{Ver: ver, Name: name, DOB: "1978-01-26", V: doses}
	}
	test := dcc.DGC{Ver: "1.3.0", Name: name, DOB: "1978-01-26", T: []dcc.Test{{
		Target: dcc.TargetCOVID19, Type: dcc.TestRAT, Manufacturer: "1232", Sampled: at.Add(-6 * time.Hour).Format(time.RFC3339),
		Result: dcc.ResultNegative, Centre: strings.Repeat("Nemzeti Népegészségügyi Központ ", 4), Country: "HU",
		Issuer: strings.Repeat("Nemzeti Népegészségügyi és Gyógyszerészeti Központ ", 4), ID: "URN:UVCI:01:HU:RAT0001"}}}
	tests := []struct {
		name    string
		dgc     func() dcc.DGC
		iss     string
		revoked string // a UVCI on the revocation list
		none    pass.Code
		def     verify.Status
		defCode pass.Code // a reason the default policy's verdict must carry
		detail  string    // and a text its details must hold
	}{
		{name: "1.0.0 date-times in dob and dt (Bulgaria)", dgc: func() dcc.DGC {
			d := vac("1.0.0", dose(2, 2, day(-30)+"T00:00:00", "URN:UVCI:01:BG:SHAPE1"))
			d.DOB = "1978-01-26T00:00:00"
			return d
		}, def: verify.Green},
		{name: "1.0.0 dose number 0 (unknown) of 2", dgc: func() dcc.DGC {
			return vac("1.0.0", dose(0, 2, day(-30), "URN:UVCI:01:NL:SHAPE2"))
		}, def: verify.Red, defCode: pass.Policy, detail: "1 dose(s); the policy needs 2"},
		{name: "1.0.0 dose 2, series 0 (unknown)", dgc: func() dcc.DGC {
			return vac("1.0.0", dose(2, 0, day(-30), "URN:UVCI:01:NL:SHAPE3"))
		}, def: verify.Green},
		{name: "1.0.0 two vaccination entries (Romania)", dgc: func() dcc.DGC {
			return vac("1.0.0", dose(1, 2, day(-60), "URN:UVCI:01:RO:FIRST"), dose(2, 2, day(-30), "URN:UVCI:01:RO:SECOND"))
		}, def: verify.Green, defCode: pass.Policy, detail: "counted vaccination entry 2 of 2 (the latest: dose 2/2, 30 days ago)"},
		{name: "1.2.1 two entries, the latest too recent (Slovakia)", dgc: func() dcc.DGC {
			return vac("1.2.1", dose(1, 2, day(-40), "URN:UVCI:01:SK:FIRST"), dose(2, 2, day(-5), "URN:UVCI:01:SK:SECOND"))
		}, def: verify.Red, defCode: pass.Policy, detail: "judged on vaccination entry 2 of 2 (the latest): last dose 5 day(s) ago"},
		{name: "1.2.1 two entries, the second revoked", dgc: func() dcc.DGC {
			return vac("1.2.1", dose(1, 2, day(-60), "URN:UVCI:01:SK:KEEP"), dose(2, 2, day(-30), "URN:UVCI:01:SK:REVOKED"))
		}, revoked: "URN:UVCI:01:SK:REVOKED", none: pass.Revoked, def: verify.Red, defCode: pass.Revoked},
		{name: "long test centre and issuer (Hungary)", dgc: func() dcc.DGC { return test }, def: verify.Green},
		{name: "long iss claim (Georgia)", dgc: func() dcc.DGC {
			return vac("1.3.0", dose(2, 2, day(-30), "URN:UVCI:01:GE:SHAPE6"))
		}, iss: "Ministry of IDPs from the occupied territories, Labour, Health and Social Affairs of Georgia", def: verify.Green},
		{name: "recovery dates with time and zone (Singapore)", dgc: func() dcc.DGC {
			return dcc.DGC{Ver: "1.3.0", Name: name, DOB: "1990-01-15", R: []dcc.Recovery{{Target: dcc.TargetCOVID19,
				FirstPositive: day(-30) + "T00:00:00.000Z", ValidFrom: day(-19) + "T00:00:00.000Z", ValidUntil: day(150) + "T00:00:00+08:00",
				Country: "SG", Issuer: "Ministry of Health", ID: "URN:UVCI:01:SG:SHAPE7"}}}
		}, def: verify.Green},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.dgc()
			iss := tt.iss
			if iss == "" {
				iss = "XA"
			}
			claims := dcc.Claims{Issuer: iss, IssuedAt: at.AddDate(0, 0, -20), Expires: at.AddDate(1, 0, 0), DGC: d}
			payload, err := dcc.Sign(claims, key, kid)
			if err != nil {
				t.Fatal(err)
			}
			e := &verify.Engine{Formats: verify.Formats(), Trust: trust.NewSet(dcc.TrustedKey(key.Public(), kid, "XA"))}
			if tt.revoked != "" {
				e.Revocations = revokedIDs{dcc.PassID(tt.revoked): true}
			}
			v := e.Verify(payload, at)
			if tt.none == "" {
				if v.Status != verify.Green || len(v.Reasons) != 0 {
					t.Errorf("no policy: got %v %+v, want green", v.Status, v.Reasons)
				}
				if v.Issuer != iss {
					t.Errorf("issuer: got %q, want %q", v.Issuer, iss)
				}
			} else if v.Status != verify.Red || !v.Has(tt.none) {
				t.Errorf("no policy: got %v %+v, want red %s", v.Status, v.Reasons, tt.none)
			}
			e.Policy = policy.Default()
			v = e.Verify(payload, at)
			if v.Status != tt.def {
				t.Errorf("default policy: got %v %+v, want %v", v.Status, v.Reasons, tt.def)
			}
			if tt.defCode != "" && !v.Has(tt.defCode) {
				t.Errorf("default policy: reasons %+v lack %s", v.Reasons, tt.defCode)
			}
			if tt.detail != "" && !hasDetail(v, tt.detail) {
				t.Errorf("default policy: reasons %+v, want one saying %q", v.Reasons, tt.detail)
			}
			if v.Has(pass.Schema) && tt.def != verify.Red {
				t.Errorf("a policy decision reported as schema: %+v", v.Reasons)
			}
		})
	}
}

func hasDetail(v *verify.Verdict, s string) bool {
	for _, r := range v.Reasons {
		if strings.Contains(r.Detail, s) {
			return true
		}
	}
	return false
}
