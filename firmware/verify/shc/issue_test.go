package shc_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/firmware/verify/shc"
)

func TestKID(t *testing.T) {
	// The signing key shown in the SMART Health Cards spec ("Determining
	// keys associated with an issuer") and its kid.
	const (
		x   = "7xbC_9ZmFwKqOHpwX6-LnlhIh5SMIuNwl0PW1yVI_sk"
		y   = "7k2fdIRNDHdf93vL76wxdXEPtj_GiMTTyecm7EUUMQo"
		kid = "_IY9W2kRRFUigDfSB9r8jHgMRrT0w4p5KN93nGThdH8"
	)
	xb, _ := base64.RawURLEncoding.DecodeString(x)
	yb, _ := base64.RawURLEncoding.DecodeString(y)
	pub := &ecdsa.PublicKey{Curve: elliptic.P256(), X: new(big.Int).SetBytes(xb), Y: new(big.Int).SetBytes(yb)}
	got, err := shc.KID(pub)
	if err != nil || got != kid {
		t.Errorf("KID: got %q, %v; want %q", got, err, kid)
	}
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if _, err := shc.KID(&p384.PublicKey); err == nil {
		t.Error("KID of a P-384 key: want an error")
	}
	if _, err := shc.KID(nil); err == nil {
		t.Error("KID(nil): want an error")
	}
}

func TestSignRoundTrip(t *testing.T) {
	keys(t)
	issuedAt := time.Date(2022, 1, 10, 8, 0, 0, 0, time.UTC)
	person := shc.Person{Family: "Anyperson", Given: []string{"John", "B."}, BirthDate: "1951-01-20"}
	vac := shc.ImmunizationCard(testIss, issuedAt, person,
		shc.Vaccination{Date: day(2021, 1, 1), CVX: "207", Lot: "0000001", Performer: "ABC General Hospital"},
		shc.Vaccination{Date: day(2021, 1, 29), CVX: "207", Lot: "0000007"},
	)
	vac.RID = "MKyCxh7p6uQ"
	vac.Expires = issuedAt.AddDate(1, 0, 0)
	lab := shc.LabCard(testIss, issuedAt, person,
		shc.LabTest{LOINC: "94500-6", Sampled: issuedAt.Add(-time.Hour), Negative: true, Performer: "ABC Labs"},
		shc.LabTest{LOINC: "94558-4", Sampled: issuedAt.Add(-2 * time.Hour)},
	)

	// The issuer's key as a technician would load it: a JWKS document.
	jwk := trust.PublicJWK(&key1.PublicKey, kid1)
	jwk.Iss = testIss
	doc, _ := json.Marshal(trust.JWKS{Keys: []trust.JWK{jwk}})
	ks, err := trust.Parse(doc, "", verify.Namings())
	if err != nil {
		t.Fatal(err)
	}
	e := &verify.Engine{Formats: verify.Formats(), Trust: trust.NewSet(ks...)}
	if !hasSHC(e.Formats) {
		e.Formats = append(e.Formats, shc.New()) // verify.Formats does not list shc yet
	}

	t.Run("immunization", func(t *testing.T) {
		text, err := shc.Sign(vac, key1, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(text) > len("shc:/")+2*shc.MaxSingleQR {
			t.Errorf("QR text is %d characters, over one QR code", len(text))
		}
		v := e.Verify(text, issuedAt.Add(time.Minute))
		if v.Status != verify.Green {
			t.Fatalf("got %v %+v, want green", v.Status, v.Reasons)
		}
		if got, want := v.Holder, (pass.Holder{Name: "ANYPERSON, John B.", DOB: "1951-01-20"}); got != want {
			t.Errorf("holder: got %+v, want %+v", got, want)
		}
		if got, want := v.PassID, pass.NewID(shc.Name, testIss+"#MKyCxh7p6uQ"); got != want {
			t.Errorf("pass ID: got %s, want %s", got, want)
		}
		if !v.Expires.Equal(vac.Expires) || v.KID != kid1 || v.Issuer != testIss {
			t.Errorf("got expires %v kid %q issuer %q", v.Expires, v.KID, v.Issuer)
		}
		p, err := shc.New().Decode(text, trust.NewSet(ks...))
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Vaccinations) != 2 || p.Vaccinations[1].Dose != 2 || !p.Vaccinations[1].Date.Equal(day(2021, 1, 29)) || p.Vaccinations[1].Product != "207" {
			t.Errorf("doses: got %+v", p.Vaccinations)
		}
		if !p.IssuedAt.Equal(issuedAt) {
			t.Errorf("issued: got %v, want %v", p.IssuedAt, issuedAt)
		}
		// The test side's decoder agrees on the header.
		jwsText := decodeQR(t, text)
		h, _ := base64.RawURLEncoding.DecodeString(strings.SplitN(jwsText, ".", 2)[0])
		var hdr map[string]string
		if err := json.Unmarshal(h, &hdr); err != nil || hdr["alg"] != "ES256" || hdr["zip"] != "DEF" || hdr["kid"] != kid1 || len(hdr) != 3 {
			t.Errorf("header: got %s (%v)", h, err)
		}
	})
	t.Run("lab", func(t *testing.T) {
		text, err := shc.Sign(lab, key1, kid1)
		if err != nil {
			t.Fatal(err)
		}
		p, err := shc.New().Decode(text, trust.NewSet(ks...))
		if err != nil {
			t.Fatal(err)
		}
		want := []pass.TestResult{
			{Sampled: issuedAt.Add(-2 * time.Hour), Negative: false, Type: "rat", Target: "840539006"},
			{Sampled: issuedAt.Add(-time.Hour), Negative: true, Type: "naat", Target: "840539006"},
		}
		if len(p.Tests) != 2 {
			t.Fatalf("tests: got %+v, want %+v", p.Tests, want)
		}
		for i := range want {
			if got := p.Tests[i]; !got.Sampled.Equal(want[i].Sampled) || got.Negative != want[i].Negative || got.Type != want[i].Type {
				t.Errorf("test %d: got %+v, want %+v", i, got, want[i])
			}
		}
	})
	t.Run("another kid", func(t *testing.T) {
		text, err := shc.Sign(vac, key1, "not-the-thumbprint")
		if err != nil {
			t.Fatal(err)
		}
		if v := e.Verify(text, issuedAt.Add(time.Minute)); !v.Has(pass.UnknownKey) {
			t.Errorf("got %v %+v, want unknown_key", v.Status, v.Reasons)
		}
	})
}

func hasSHC(fs []verify.Format) bool {
	for _, f := range fs {
		if f.Name() == shc.Name {
			return true
		}
	}
	return false
}

func TestSignErrors(t *testing.T) {
	keys(t)
	person := shc.Person{Family: "A", BirthDate: "1970"}
	good := shc.ImmunizationCard(testIss, now, person, shc.Vaccination{Date: now, CVX: "207"})
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	large := good
	for range 80 {
		large.Resources = append(large.Resources, shc.PatientResource(shc.Person{Family: randomName(t), BirthDate: "1970"}))
	}
	tests := []struct {
		name string
		card shc.Card
		key  *ecdsa.PrivateKey
		err  string
	}{
		{"http issuer", withIssuer(good, "http://issuer.example.org"), key1, "issuer"},
		{"trailing slash", withIssuer(good, testIss+"/"), key1, "issuer"},
		{"no issue time", func() shc.Card { c := good; c.NotBefore = time.Time{}; return c }(), key1, "NotBefore"},
		{"bad rid", func() shc.Card { c := good; c.RID = "a.b"; return c }(), key1, "rid"},
		{"P-384 key", good, p384, "P-256"},
		{"nil key", good, nil, "P-256"},
		{"too large for one QR code", large, key1, "one QR code"},
		{"resource that is not JSON", func() shc.Card { c := good; c.Resources = append(c.Resources, make(chan int)); return c }(), key1, "card"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := shc.Sign(tt.card, tt.key, "")
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("got %q, %v; want an error containing %q", got, err, tt.err)
			}
		})
	}
}

func withIssuer(c shc.Card, iss string) shc.Card { c.Issuer = iss; return c }

// randomName returns 24 random letters, which do not compress.
func randomName(t *testing.T) string {
	b := make([]byte, 24)
	rand.Read(b)
	for i := range b {
		b[i] = 'a' + b[i]%26
	}
	return string(b)
}

func TestCardID(t *testing.T) {
	keys(t)
	sig := es256(t, key1, "x.y")
	if got, want := shc.CardID(testIss, "abc", sig), pass.NewID(shc.Name, testIss+"#abc"); got != want {
		t.Errorf("with rid: got %s, want %s", got, want)
	}
	n := elliptic.P256().Params().N
	high := append([]byte(nil), sig...)
	s := new(big.Int).SetBytes(sig[32:])
	if s.Cmp(new(big.Int).Rsh(n, 1)) <= 0 {
		new(big.Int).Sub(n, s).FillBytes(high[32:])
	}
	low := lowS(high)
	if string(low) == string(high) {
		t.Fatal("test setup: want a high-s signature")
	}
	if got, want := shc.CardID(testIss, "", high), pass.NewID(shc.Name, testIss+"#"+b64(low)); got != want {
		t.Errorf("high s: got %s, want %s", got, want)
	}
	if got, want := shc.CardID(testIss, "", low), pass.NewID(shc.Name, testIss+"#"+b64(low)); got != want {
		t.Errorf("low s: got %s, want %s", got, want)
	}
	if shc.CardID(testIss, "", low) == shc.CardID("https://other.example.org", "", low) {
		t.Error("the issuer must be part of the ID")
	}
}
