package hksarg_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/firmware/verify/hksarg"
)

var _ verify.Format = (*hksarg.Format)(nil)

var hkt = time.FixedZone("HKT", 8*60*60)

func hk(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, hkt) }
func day(y int, m time.Month, d int) time.Time        { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// trustKey returns the trusted key of pub under kid as a JWKS trust file
// would give it.
func trustKey(t testing.TB, pub *ecdsa.PublicKey, kid string) *pass.Key {
	t.Helper()
	j := trust.PublicJWK(pub, kid)
	k, err := j.Key(hksarg.New().Naming(), verify.Namings())
	if err != nil {
		t.Fatal(err)
	}
	if k.Format != hksarg.Name || k.Issuer != "HK" {
		t.Fatalf("trust made %s key with issuer %q, want hksarg/HK", k.Format, k.Issuer)
	}
	return k
}

// allKIDs trusts pub under the kid of every supported layout.
func allKIDs(t testing.TB, pub *ecdsa.PublicKey) *trust.Set {
	set := trust.NewSet()
	for _, kid := range hksarg.SampleKIDs() {
		set.Add(trustKey(t, pub, kid))
	}
	return set
}

func engine(tr pass.Trust) *verify.Engine {
	return &verify.Engine{Formats: []verify.Format{hksarg.New()}, Trust: tr}
}

func sign(t testing.TB, rec hksarg.Record, key *ecdsa.PrivateKey) string {
	t.Helper()
	s, err := hksarg.Sign(rec, key)
	if err != nil {
		t.Fatalf("Sign(%s %s): %v", rec.Type, rec.Version, err)
	}
	return s
}

// unsigned returns the text before the signature, ending in "|".
func unsigned(payload string) string { return payload[:strings.LastIndexByte(payload, '|')+1] }

// vectors are one record of every layout, checked at checkTime.
var checkTime = hk(2022, 6, 1, 12, 0)

type vector struct {
	name string
	rec  hksarg.Record
	// what the pass must say
	kinds    []pass.Kind
	holder   pass.Holder
	doses    []pass.Dose
	issued   time.Time
	expires  time.Time
	negative bool
	testType string
}

func vectors() []vector {
	comirnaty := func(seq int, d time.Time) hksarg.Dose {
		return hksarg.Dose{Seq: seq, Date: d, Vaccine: "Comirnaty", VaccineZh: "復必泰"}
	}
	return []vector{
		{
			name: "VAC2 two doses",
			rec: hksarg.Record{Type: "VAC", Version: "2", KeyVersion: "1", Ref: "C19-0000-2001", Doc: "A123****", Name: "CHAN T** M**",
				Doses: []hksarg.Dose{comirnaty(1, day(2021, 3, 1)), comirnaty(2, day(2021, 3, 22))}, Printed: hk(2021, 6, 1, 10, 30)},
			kinds:  []pass.Kind{pass.Vaccination},
			holder: pass.Holder{Name: "CHAN T** M** (A123****)"},
			doses:  []pass.Dose{{Date: day(2021, 3, 1), Dose: 1, Product: "Comirnaty"}, {Date: day(2021, 3, 22), Dose: 2, Product: "Comirnaty"}},
			issued: hk(2021, 6, 1, 10, 30),
		},
		{
			name: "VAC2 one dose, recovered",
			rec: hksarg.Record{Type: "VAC", Version: "2", KeyVersion: "1", Ref: "C19-0000-2002", Doc: "B234****", Name: "LEE, K** Y**", Recovered: true,
				Doses: []hksarg.Dose{{Seq: 1, Date: day(2021, 9, 1), Vaccine: "CoronaVac", VaccineZh: "克爾來福"}}, Printed: hk(2021, 9, 20, 9, 5)},
			kinds:  []pass.Kind{pass.Vaccination, pass.Recovery},
			holder: pass.Holder{Name: "LEE, K** Y** (B234****)"},
			doses:  []pass.Dose{{Date: day(2021, 9, 1), Dose: 1, Product: "CoronaVac"}},
			issued: hk(2021, 9, 20, 9, 5),
		},
		{
			name: "VAC3 three doses",
			rec: hksarg.Record{Type: "VAC", Version: "3", KeyVersion: "1", Ref: "C19-0000-3001", Doc: "C345****", Name: "WONG S** L**",
				Doses:   []hksarg.Dose{comirnaty(1, day(2021, 5, 1)), comirnaty(2, day(2021, 5, 22)), comirnaty(3, day(2021, 12, 1))},
				Printed: hk(2021, 12, 10, 18, 45)},
			kinds:  []pass.Kind{pass.Vaccination},
			holder: pass.Holder{Name: "WONG S** L** (C345****)"},
			doses: []pass.Dose{{Date: day(2021, 5, 1), Dose: 1, Product: "Comirnaty"}, {Date: day(2021, 5, 22), Dose: 2, Product: "Comirnaty"},
				{Date: day(2021, 12, 1), Dose: 3, Product: "Comirnaty"}},
			issued: hk(2021, 12, 10, 18, 45),
		},
		{
			name: "VAC3 version 3.00, first dose only",
			rec: hksarg.Record{Type: "VAC", Version: "3.00", KeyVersion: "1", Ref: "C19-0000-3002", Doc: "D456****", Name: "HO W**",
				Doses: []hksarg.Dose{comirnaty(1, day(2022, 1, 5))}, Printed: hk(2022, 1, 6, 8, 0)},
			kinds:  []pass.Kind{pass.Vaccination},
			holder: pass.Holder{Name: "HO W** (D456****)"},
			doses:  []pass.Dose{{Date: day(2022, 1, 5), Dose: 1, Product: "Comirnaty"}},
			issued: hk(2022, 1, 6, 8, 0),
		},
		{
			name: "VAC4 four doses, last three listed, recovered",
			rec: hksarg.Record{Type: "VAC", Version: "4", KeyVersion: "2", Ref: "C19-0000-4001", Doc: "E567****", Name: "CHEUNG M** K**", Recovered: true,
				DOB: day(1961, 1, 1), MaxDose: 4,
				Doses:   []hksarg.Dose{{Date: day(2021, 6, 1), Vaccine: "BNT"}, {Date: day(2021, 12, 1), Vaccine: "BNT"}, {Seq: 4, Date: day(2022, 4, 20), Vaccine: "SV"}},
				Printed: hk(2022, 5, 2, 14, 59)},
			kinds:  []pass.Kind{pass.Vaccination, pass.Recovery},
			holder: pass.Holder{Name: "CHEUNG M** K** (E567****)", DOB: "1961"},
			doses:  []pass.Dose{{Date: day(2021, 6, 1), Product: "BNT"}, {Date: day(2021, 12, 1), Product: "BNT"}, {Date: day(2022, 4, 20), Dose: 4, Product: "SV"}},
			issued: hk(2022, 5, 2, 14, 59),
		},
		{
			name: "MEC",
			rec: hksarg.Record{Type: "MEC", Version: "1", KeyVersion: "1", Ref: "MEC-0000-0001", Doc: "F678****", Name: "LAM K** W**",
				DOB: day(1950, 7, 15), ValidUntil: day(2022, 8, 31), Printed: hk(2022, 3, 1, 11, 0)},
			kinds:   []pass.Kind{pass.Exemption},
			holder:  pass.Holder{Name: "LAM K** W** (F678****)", DOB: "1950"},
			issued:  hk(2022, 3, 1, 11, 0),
			expires: hk(2022, 9, 1, 0, 0),
		},
		{
			name: "EVT 12 fields",
			rec: hksarg.Record{Type: "EVT", Version: "1", Ref: "EVT-0000-0001", DocType: "HKIC", Doc: "G789****",
				Test: hksarg.Test{Collected: hk(2022, 5, 31, 9, 0), Specimen: "Deep throat saliva", Platform: "PCR", Result: "Negative", Reported: hk(2022, 5, 31, 21, 0)}},
			kinds:    []pass.Kind{pass.Test},
			holder:   pass.Holder{Name: "(HKIC G789****)"},
			issued:   hk(2022, 5, 31, 21, 0),
			negative: true,
			testType: "naat",
		},
		{
			name: "EVT 13 fields",
			rec: hksarg.Record{Type: "EVT", Version: "1", Ref: "EVT-0000-0002", DocType: "HKIC", Doc: "H890****",
				Test: hksarg.Test{Collected: hk(2022, 5, 31, 9, 0), Specimen: "Nasal swab", Platform: "RAT", Result: "Positive",
					Reported: hk(2022, 5, 31, 10, 0), Downloaded: hk(2022, 5, 31, 10, 30)}},
			kinds:    []pass.Kind{pass.Test},
			holder:   pass.Holder{Name: "(HKIC H890****)"},
			issued:   hk(2022, 5, 31, 10, 30),
			testType: "rat",
		},
	}
}
