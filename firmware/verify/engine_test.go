package verify

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
)

// fakeFormat returns a copy of p for payloads starting with "FAKE:", or err.
type fakeFormat struct {
	p   pass.Pass
	err error
}

func (f *fakeFormat) Name() string              { return "fake" }
func (f *fakeFormat) Match(payload string) bool { return strings.HasPrefix(payload, "FAKE:") }
func (f *fakeFormat) Naming() *pass.Naming      { return &pass.Naming{Name: "fake"} }
func (f *fakeFormat) Decode(string, pass.Trust) (*pass.Pass, error) {
	if f.err != nil {
		return nil, f.err
	}
	p := f.p
	return &p, nil
}

type revoked map[pass.ID]bool

func (r revoked) Revoked(id pass.ID) (bool, error) { return r[id], nil }

type codes map[pass.ID]pass.Code

func (c codes) Code(id pass.ID, at time.Time) (pass.Code, error) { return c[id], nil }

type brokenLists struct{}

func (brokenLists) Revoked(pass.ID) (bool, error)              { return false, errors.New("disk on fire") }
func (brokenLists) Code(pass.ID, time.Time) (pass.Code, error) { return "", errors.New("disk on fire") }
func (brokenLists) DataTime() (time.Time, bool)                { return time.Time{}, false }

type fresh struct{ t time.Time }

func (f fresh) DataTime() (time.Time, bool) { return f.t, !f.t.IsZero() }

var now = time.Date(2022, 3, 1, 12, 0, 0, 0, time.UTC)

func vaccinated() pass.Pass {
	return pass.Pass{
		Format:   "fake",
		KID:      "k1",
		Key:      &pass.Key{Format: "fake", KID: "k1"},
		Issuer:   "HK",
		IssuedAt: now.AddDate(0, -1, 0),
		Expires:  now.AddDate(1, 0, 0),
		Holder:   pass.Holder{Name: "CHAN, TAI MAN", DOB: "1970-01-01"},
		ID:       pass.NewID("fake", "uvci-1"),
		Vaccinations: []pass.Dose{
			{Date: now.AddDate(0, -2, 0), Dose: 2, Series: 2, Product: "EU/1/20/1528"},
		},
	}
}

func TestVerify(t *testing.T) {
	id := pass.NewID("fake", "uvci-1")
	mod := func(f func(p *pass.Pass)) pass.Pass {
		p := vaccinated()
		f(&p)
		return p
	}
	tests := []struct {
		name     string
		payload  string
		p        pass.Pass
		decErr   error
		e        Engine
		want     Status
		wantCode pass.Code
	}{
		{name: "green, authenticity only", payload: "FAKE:1", p: vaccinated(), want: Green},
		{name: "green, default policy", payload: "FAKE:1", p: vaccinated(), e: Engine{Policy: policy.Default()}, want: Green},
		{name: "no prefix", payload: "hello", p: vaccinated(), want: Red, wantCode: pass.Prefix},
		{name: "empty", payload: "", p: vaccinated(), want: Red, wantCode: pass.Prefix},
		{name: "too large", payload: "FAKE:" + strings.Repeat("A", MaxPayload), p: vaccinated(), want: Red, wantCode: pass.TooLarge},
		{name: "decode error keeps its code", payload: "FAKE:1", decErr: pass.Errorf(pass.Signature, "bad"), want: Red, wantCode: pass.Signature},
		{name: "untyped decode error is internal", payload: "FAKE:1", decErr: errors.New("boom"), want: Red, wantCode: pass.Internal},
		{name: "expired", payload: "FAKE:1", p: mod(func(p *pass.Pass) { p.Expires = now.Add(-time.Second) }), want: Red, wantCode: pass.Expired},
		{name: "expires exactly now", payload: "FAKE:1", p: mod(func(p *pass.Pass) { p.Expires = now }), want: Red, wantCode: pass.Expired},
		{name: "issued in the future", payload: "FAKE:1", p: mod(func(p *pass.Pass) { p.IssuedAt = now.Add(time.Minute) }), want: Red, wantCode: pass.NotYetValid},
		{name: "key usage test-only signs vaccination", payload: "FAKE:1", p: mod(func(p *pass.Pass) { p.Key = &pass.Key{Usage: pass.UseTest} }), want: Red, wantCode: pass.KeyUsage},
		{name: "key usage matching", payload: "FAKE:1", p: mod(func(p *pass.Pass) { p.Key = &pass.Key{Usage: pass.UseVaccination} }), want: Green},
		{name: "signed after signer cert expired", payload: "FAKE:1", p: mod(func(p *pass.Pass) { p.Key = &pass.Key{NotAfter: now.AddDate(0, -2, 0)} }), want: Red, wantCode: pass.Expired},
		{name: "signed before signer cert valid", payload: "FAKE:1", p: mod(func(p *pass.Pass) { p.Key = &pass.Key{NotBefore: now} }), want: Red, wantCode: pass.NotYetValid},
		{name: "revoked", payload: "FAKE:1", p: vaccinated(), e: Engine{Revocations: revoked{id: true}}, want: Red, wantCode: pass.Revoked},
		{name: "not revoked", payload: "FAKE:1", p: vaccinated(), e: Engine{Revocations: revoked{pass.NewID("fake", "other"): true}}, want: Green},
		{name: "red code", payload: "FAKE:1", p: vaccinated(), e: Engine{Codes: codes{id: pass.RedCode}}, want: Red, wantCode: pass.RedCode},
		{name: "amber code", payload: "FAKE:1", p: vaccinated(), e: Engine{Codes: codes{id: pass.AmberCode}}, want: Amber, wantCode: pass.AmberCode},
		{name: "amber code, policy says red", payload: "FAKE:1", p: vaccinated(), e: Engine{Codes: codes{id: pass.AmberCode}, Policy: &policy.Policy{AmberCode: policy.Red, Vaccination: policy.VaccinationRule{MinDoses: 1}}}, want: Red, wantCode: pass.AmberCode},
		{name: "store failure is red, never green", payload: "FAKE:1", p: vaccinated(), e: Engine{Revocations: brokenLists{}}, want: Red, wantCode: pass.Internal},
		{name: "code store failure", payload: "FAKE:1", p: vaccinated(), e: Engine{Codes: brokenLists{}}, want: Red, wantCode: pass.Internal},
		{name: "policy: too few doses", payload: "FAKE:1", p: mod(func(p *pass.Pass) { p.Vaccinations[0].Dose, p.Vaccinations[0].Series = 1, 2 }), e: Engine{Policy: policy.Default()}, want: Red, wantCode: pass.Policy},
		{name: "stale data", payload: "FAKE:1", p: vaccinated(), e: Engine{Policy: policy.Default(), Freshness: fresh{now.Add(-73 * time.Hour)}}, want: Amber, wantCode: pass.StaleData},
		{name: "never synced", payload: "FAKE:1", p: vaccinated(), e: Engine{Policy: policy.Default(), Freshness: brokenLists{}}, want: Amber, wantCode: pass.StaleData},
		{name: "fresh data", payload: "FAKE:1", p: vaccinated(), e: Engine{Policy: policy.Default(), Freshness: fresh{now.Add(-71 * time.Hour)}}, want: Green},
		{name: "stale data does not soften red", payload: "FAKE:1", p: vaccinated(), e: Engine{Policy: policy.Default(), Freshness: fresh{now.Add(-100 * time.Hour)}, Revocations: revoked{id: true}}, want: Red, wantCode: pass.Revoked},
		{name: "exemption is amber", payload: "FAKE:1", p: mod(func(p *pass.Pass) {
			p.Vaccinations = nil
			p.Exemptions = []pass.ExemptionStatement{{ValidFrom: now.AddDate(0, -1, 0), ValidUntil: now.AddDate(0, 1, 0)}}
		}), e: Engine{Policy: policy.Default()}, want: Amber, wantCode: pass.Policy},
		{name: "trailing newline tolerated", payload: "FAKE:1\r\n", p: vaccinated(), want: Green},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.e
			e.Formats = []Format{&fakeFormat{p: tt.p, err: tt.decErr}}
			v := e.Verify(tt.payload, now)
			if v.Status != tt.want {
				t.Fatalf("status: got %v, want %v (reasons %+v)", v.Status, tt.want, v.Reasons)
			}
			if tt.wantCode != "" && !v.Has(tt.wantCode) {
				t.Errorf("reasons: got %+v, want one with code %q", v.Reasons, tt.wantCode)
			}
			if tt.want == Green && len(v.Reasons) != 0 {
				t.Errorf("green with reasons %+v", v.Reasons)
			}
			if tt.want != Green && len(v.Reasons) == 0 {
				t.Errorf("%v without a reason", v.Status)
			}
		})
	}
}

func TestVerifyCarriesPassFields(t *testing.T) {
	p := vaccinated()
	e := Engine{Formats: []Format{&fakeFormat{p: p}}}
	v := e.Verify("FAKE:1", now)
	if v.Format != "fake" || v.KID != "k1" || v.Issuer != "HK" || v.PassID != p.ID || !v.Expires.Equal(p.Expires) || v.Holder != p.Holder {
		t.Errorf("got %+v, want the pass's fields carried over", v)
	}
	j := v.JSON()
	if j.Verdict != "green" || j.Holder == nil || j.Holder.Name != p.Holder.Name || j.Expires != "2023-03-01T12:00:00Z" {
		t.Errorf("JSON: got %+v", j)
	}
}

func TestPrefixReasonDoesNotEchoPayload(t *testing.T) {
	e := Engine{}
	for _, payload := range []string{"CHAN TAI MAN 1970-01-01", "secret:stuff", "HC2:NCFOXN", "\x00\x01binary|x"} {
		v := e.Verify(payload, now)
		for _, r := range v.Reasons {
			if strings.Contains(r.Detail, "TAI MAN") || strings.Contains(r.Detail, "stuff") || strings.Contains(r.Detail, "NCFOXN") || strings.Contains(r.Detail, "\x00") {
				t.Errorf("%q: detail %q echoes the payload", payload, r.Detail)
			}
		}
	}
}

func TestStatusText(t *testing.T) {
	for _, s := range []Status{Green, Amber, Red} {
		b, _ := s.MarshalText()
		var got Status
		if err := got.UnmarshalText(b); err != nil || got != s {
			t.Errorf("round trip %v: got %v, %v", s, got, err)
		}
	}
	var s Status
	if err := s.UnmarshalText([]byte("blue")); err == nil {
		t.Error("blue: want an error")
	}
}
