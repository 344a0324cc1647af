package hksarg

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// fuzzTrust trusts one key under every kid the samples use.
type fuzzTrust struct{ key *pass.Key }

func (f fuzzTrust) Keys(format, kid string) ([]*pass.Key, error) {
	if format != Name || !strings.HasPrefix(kid, "HKSARG:") {
		return nil, nil
	}
	return []*pass.Key{f.key}, nil
}

func fuzzSeeds(f *testing.F) (*ecdsa.PrivateKey, []string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	samples, err := Samples(key, time.Date(2022, 6, 1, 12, 0, 0, 0, hkt))
	if err != nil {
		f.Fatal(err)
	}
	var seeds []string
	for _, s := range samples {
		seeds = append(seeds, s.Payload)
	}
	d := func(m time.Month) time.Time { return time.Date(2021, m, 1, 0, 0, 0, 0, time.UTC) }
	printed := time.Date(2022, 1, 1, 9, 0, 0, 0, hkt)
	for _, r := range []Record{
		{Type: Vaccination, Version: "3.00", KeyVersion: "2", Ref: "R3", Doc: "A1****", Name: "N", Printed: printed, Recovered: true,
			Doses: []Dose{{Seq: 1, Date: d(1), Vaccine: "A", VaccineZh: "甲"}, {Seq: 2, Date: d(2), Vaccine: "B"}, {Seq: 3, Date: d(3), Vaccine: "C", VaccineZh: "丙"}}},
		{Type: Vaccination, Version: "3", Ref: "R3b", Printed: printed, Recovered: true, Doses: []Dose{{Seq: 1, Date: d(4), Vaccine: "A"}}},
		{Type: Vaccination, Version: "4", Ref: "R4", DOB: d(5), Printed: printed},
		{Type: Vaccination, Version: "2", Ref: "R2", Printed: printed, Doses: []Dose{{Seq: 2, Date: d(6), Vaccine: "B", VaccineZh: "乙"}}},
		{Type: Exemption, Version: "1", Ref: "M", ValidUntil: d(7), Printed: printed},
		{Type: TestResult, Version: "1", Ref: "E", DocType: "HKIC", Doc: "X", Test: Test{Collected: printed, Platform: "RAT", Result: "陰性", Reported: printed}},
	} {
		s, err := Sign(r, key)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, s)
	}
	return key, seeds
}

// FuzzDecode feeds arbitrary text through the whole decoder: it must never
// panic, must report every failure with a reason code other than internal,
// and what decodes must carry the format's fixed fields.
func FuzzDecode(f *testing.F) {
	key, seeds := fuzzSeeds(f)
	for _, s := range seeds {
		f.Add(s)
	}
	f.Add("HKSARG|VAC|3")
	f.Add("HKSARG|EVT|1|||||||||")
	tr := fuzzTrust{&pass.Key{Format: Name, KID: "HKSARG:*", Issuer: "HK", Public: &key.PublicKey}}
	f.Fuzz(func(t *testing.T, payload string) {
		p, err := New().Decode(payload, tr)
		if err != nil {
			if c := pass.CodeOf(err); c == pass.Internal || c == "" {
				t.Fatalf("untyped failure %v", err)
			}
			return
		}
		if p.Format != Name || p.Issuer != "HK" || p.ID.IsZero() || p.Key == nil || len(p.Kinds()) == 0 && !strings.HasPrefix(payload, "HKSARG|VAC|") {
			t.Fatalf("decoded pass lacks fixed fields: %+v", p)
		}
	})
}

// FuzzParse drives the post-signature parser directly, which a fuzzer
// cannot reach through Decode without the key: it must never panic, and
// whatever it accepts must print back (Sign's printer) to text that
// parses to the same record.
func FuzzParse(f *testing.F) {
	_, seeds := fuzzSeeds(f)
	for _, s := range seeds {
		f.Add(s[:strings.LastIndexByte(s, '|')+1])
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > MaxPayload {
			return
		}
		fields := strings.Split(text+"sig", "|")
		if len(fields) < 4 || len(fields) > maxFields || checkFields(fields) != nil {
			return
		}
		major, ok := majorVersion(fields[2])
		if !ok {
			return
		}
		l, _ := lookup(fields[1], major, len(fields))
		if l == nil {
			return
		}
		rec, err := l.parse(fields)
		if err != nil {
			if pass.CodeOf(err) != pass.Schema {
				t.Fatalf("parse failure without the schema code: %v", err)
			}
			return
		}
		again, l2, err := rec.text()
		if err != nil {
			t.Fatalf("accepted %q but cannot print %+v: %v", text, rec, err)
		}
		if l2 != l {
			t.Fatalf("printed with another layout: %s%d/%d", l2.typ, l2.major, len(l2.fields))
		}
		rec2, err := l.parse(strings.Split(again+"sig", "|"))
		if err != nil {
			t.Fatalf("reprinted %q does not parse: %v", again, err)
		}
		if !reflect.DeepEqual(rec, rec2) {
			t.Fatalf("round trip changed the record:\n%q\n%+v\n%q\n%+v", text, rec, again, rec2)
		}
	})
}
