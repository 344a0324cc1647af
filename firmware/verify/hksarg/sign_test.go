package hksarg_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/firmware/verify/hksarg"
)

func TestSignPrintsTheIssuerLayout(t *testing.T) {
	key := newKey(t)
	vs := vectors()
	tests := []struct {
		name string
		rec  hksarg.Record
		want string // the signed text
	}{
		{"VAC2", vs[0].rec, "HKSARG|VAC|2|1|C19-0000-2001|A123****|CHAN T** M**|01-03-2021|Comirnaty|復必泰|||22-03-2021|Comirnaty|復必泰|||01-06-2021 10:30|"},
		{"VAC2 recovered, one dose", vs[1].rec, "HKSARG|VAC|2|1|C19-0000-2002|B234****|LEE, K** Y**|01-09-2021|CoronaVac|克爾來福|001||NA||-|||20-09-2021 09:05|"},
		{"VAC3", vs[2].rec, "HKSARG|VAC|3|1|C19-0000-3001|C345****|WONG S** L**|22-05-2021|Comirnaty|復必泰||01-05-2021,Comirnaty|01-12-2021|Comirnaty|復必泰||復必泰|10-12-2021 18:45|"},
		{"VAC3 first dose only", vs[3].rec, "HKSARG|VAC|3.00|1|C19-0000-3002|D456****|HO W**|05-01-2022|Comirnaty|復必泰|||-||-|||06-01-2022 08:00|"},
		{"VAC4", vs[4].rec, "HKSARG|VAC|4|2|C19-0000-4001|E567****|CHEUNG M** K**|01-12-2021|BNT||001|01-06-2021,BNT|20-04-2022|SV||01-01-1961,4||02-05-2022 14:59|"},
		{"MEC", vs[5].rec, "HKSARG|MEC|1|1|MEC-0000-0001|F678****|LAM K** W**||||002|31-08-2022|||||15-07-1950||01-03-2022 11:00|"},
		{"EVT 12", vs[6].rec, "HKSARG|EVT|1|EVT-0000-0001|HKIC|G789****|31-05-2022 09:00|Deep throat saliva|PCR|Negative|31-05-2022 21:00|"},
		{"EVT 13", vs[7].rec, "HKSARG|EVT|1|EVT-0000-0002|HKIC|H890****|31-05-2022 09:00|Nasal swab|RAT|Positive|31-05-2022 10:00|31-05-2022 10:30|"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sign(t, tt.rec, key)
			if !strings.HasPrefix(got, tt.want) {
				t.Fatalf("got  %s\nwant %s<signature>", got, tt.want)
			}
			if sig := got[len(tt.want):]; strings.Contains(sig, "|") || len(sig) < 80 || len(sig) > 96 {
				t.Errorf("signature field %q: want one base64 DER signature", sig)
			}
		})
	}
}

func TestSignRefuses(t *testing.T) {
	key := newKey(t)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ok := vectors()[2].rec
	mod := func(f func(r *hksarg.Record)) hksarg.Record {
		r := ok
		r.Doses = append([]hksarg.Dose(nil), ok.Doses...)
		f(&r)
		return r
	}
	tests := []struct {
		name string
		rec  hksarg.Record
		key  *ecdsa.PrivateKey
		want string
	}{
		{"nil key", ok, nil, "P-256"},
		{"P-384 key", ok, p384, "P-256"},
		{"unknown version", mod(func(r *hksarg.Record) { r.Version = "9" }), key, "no layout for VAC version 9"},
		{"version not a number", mod(func(r *hksarg.Record) { r.Version = "x" }), key, "not a version number"},
		{"unknown type", mod(func(r *hksarg.Record) { r.Type = "ABC" }), key, "no layout"},
		{"v2 third dose", mod(func(r *hksarg.Record) { r.Version = "2" }), key, "doses 1 and 2"},
		{"v3 fourth dose", mod(func(r *hksarg.Record) { r.Doses[0].Seq = 4 }), key, "cannot print dose sequences"},
		{"v3 same sequence twice", mod(func(r *hksarg.Record) { r.Doses[0].Seq = 2 }), key, "twice"},
		{"a '|' in a value", mod(func(r *hksarg.Record) { r.Name = "CHAN|T" }), key, "'|'"},
		{"a control character", mod(func(r *hksarg.Record) { r.Name = "CHAN\nT" }), key, "control character"},
		{"invalid UTF-8", mod(func(r *hksarg.Record) { r.Name = "CHAN \xff" }), key, "UTF-8"},
		{"a value over its bound", mod(func(r *hksarg.Record) { r.Name = strings.Repeat("C", hksarg.MaxField+1) }), key, "at most 256"},
		{"no print time", mod(func(r *hksarg.Record) { r.Printed = time.Time{} }), key, "print time"},
		{"dose before 2020", mod(func(r *hksarg.Record) { r.Doses[0].Date = day(2019, 12, 31) }), key, "dose date"},
		{"key version with a space", mod(func(r *hksarg.Record) { r.KeyVersion = "1 2" }), key, "key version"},
		{"v4 without date of birth", mod(func(r *hksarg.Record) { r.Version = "4" }), key, "date of birth"},
		{"v4 MaxDose below a sequence", mod(func(r *hksarg.Record) { r.Version, r.DOB, r.MaxDose = "4", day(1980, 1, 1), 2 }), key, "MaxDose 2"},
		{"exemption with doses", mod(func(r *hksarg.Record) { r.Type, r.Version, r.ValidUntil = "MEC", "1", day(2022, 1, 1) }), key, "carry no doses"},
		{"exemption without end", hksarg.Record{Type: "MEC", Version: "1", Ref: "M", Printed: hk(2022, 1, 1, 0, 0)}, key, "valid until"},
		{"test without result", hksarg.Record{Type: "EVT", Version: "1", Ref: "E", Test: hksarg.Test{Collected: hk(2022, 1, 1, 0, 0), Reported: hk(2022, 1, 1, 1, 0)}}, key, "test result"},
		{"test without times", hksarg.Record{Type: "EVT", Version: "1", Ref: "E", Test: hksarg.Test{Result: "Negative"}}, key, "collection time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := hksarg.Sign(tt.rec, tt.key)
			if err == nil {
				t.Fatalf("signed %q, want an error", got)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestSamples(t *testing.T) {
	key := newKey(t)
	at := hk(2022, 6, 1, 12, 0)
	samples, err := hksarg.Samples(key, at)
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) != len(hksarg.SampleKIDs()) {
		t.Errorf("got %d samples for %d kids", len(samples), len(hksarg.SampleKIDs()))
	}
	e := engine(allKIDs(t, &key.PublicKey))
	seen := map[string]bool{}
	for _, s := range samples {
		v := e.Verify(s.Payload, at)
		if v.Status != verify.Green || seen[v.KID] {
			t.Errorf("%s: got %v %+v with kid %s (seen before: %v), want green under its own kid", s.Name, v.Status, v.Reasons, v.KID, seen[v.KID])
		}
		seen[v.KID] = true
		if s.Name == "" || strings.Contains(s.Payload, "\n") {
			t.Errorf("sample %+v: want a name and a one-line payload", s)
		}
	}
	// Another key's trust rejects them all.
	other := newKey(t)
	for _, s := range samples {
		if v := engine(allKIDs(t, &other.PublicKey)).Verify(s.Payload, at); !v.Has(pass.Signature) {
			t.Errorf("%s under another key: got %v %+v, want signature", s.Name, v.Status, v.Reasons)
		}
	}
}
