package nzcp

import (
	"cmp"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify/cose"
)

const testIss = "did:web:issuer.example.invalid"

var (
	testKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	nbf        = time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	testID     = [16]byte{0x60, 0xa4, 0xf5, 0x4d, 0x4e, 0x30, 0x43, 0x32, 0xbe, 0x33, 0xad, 0x78, 0xb1, 0xea, 0xfa, 0x4b}
)

// keys is a pass.Trust of the test issuer's key-1.
type keys map[string]*pass.Key

func (k keys) Keys(format, kid string) ([]*pass.Key, error) {
	if key, ok := k[format+" "+kid]; ok {
		return []*pass.Key{key}, nil
	}
	return nil, nil
}

func testTrust() keys {
	return keys{Name + " " + testIss + "#key-1": {Format: Name, KID: testIss + "#key-1", Issuer: testIss, Public: &testKey.PublicKey}}
}

func goodClaims() Claims {
	return Claims{Issuer: testIss, NotBefore: nbf, Expires: nbf.AddDate(1, 0, 0), ID: testID, Given: "Jack", Family: "Sparrow", DOB: "1960-04-16"}
}

func TestRoundTrip(t *testing.T) {
	payload, err := Sign(goodClaims(), testKey, "key-1")
	if err != nil {
		t.Fatal(err)
	}
	p, err := New().Decode(payload, testTrust())
	if err != nil {
		t.Fatal(err)
	}
	if p.Format != Name || p.KID != testIss+"#key-1" || p.Issuer != testIss || !p.NotBefore.Equal(nbf) || !p.Expires.Equal(nbf.AddDate(1, 0, 0)) ||
		p.Holder != (pass.Holder{Name: "Sparrow, Jack", DOB: "1960-04-16"}) || len(p.Kinds()) != 0 {
		t.Errorf("got %+v", p)
	}
	if want, _ := PassID("60A4F54D-4E30-4332-BE33-AD78B1EAFA4B"); p.ID != want {
		t.Errorf("ID: got %v, want %v", p.ID, want)
	}
	c := goodClaims()
	c.Family = ""
	payload, _ = Sign(c, testKey, "key-1")
	if p, err := New().Decode(payload, testTrust()); err != nil || p.Holder.Name != "Jack" {
		t.Errorf("given name only: got %+v, %v", p, err)
	}
}

// signWith signs payload (CBOR claims) under protected and unprotected
// headers, tag 18 unless untagged.
func signWith(t *testing.T, protected []byte, unprot map[int]any, claims any, untagged bool) string {
	t.Helper()
	payload, err := encMode.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := cose.Sign(protected, payload, testKey)
	if err != nil {
		t.Fatal(err)
	}
	var msg any = []any{protected, unprot, payload, sig}
	if !untagged {
		msg = cbor.Tag{Number: cose.TagSign1, Content: msg}
	}
	b, err := encMode.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	return Prefix + Version + "/" + b32.EncodeToString(b)
}

func claimsMap() map[any]any {
	return map[any]any{
		1: testIss, 5: nbf.Unix(), 4: nbf.AddDate(1, 0, 0).Unix(), 7: testID[:],
		"vc": map[string]any{
			"@context": []string{contextVC}, "version": "1.0.0", "type": []string{typeVC, typePublic},
			"credentialSubject": map[string]any{"givenName": "Jack", "familyName": "Sparrow", "dob": "1960-04-16"},
		},
	}
}

func TestDecodeErrors(t *testing.T) {
	prot := func(m map[int]any) []byte {
		b, err := encMode.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	good := prot(map[int]any{1: -7, 4: []byte("key-1")})
	with := func(f func(m map[any]any)) map[any]any {
		m := claimsMap()
		f(m)
		return m
	}
	vc := func(f func(v map[string]any)) map[any]any {
		return with(func(m map[any]any) { f(m["vc"].(map[string]any)) })
	}
	subject := func(f func(s map[string]any)) map[any]any {
		return vc(func(v map[string]any) { f(v["credentialSubject"].(map[string]any)) })
	}
	tests := []struct {
		name    string
		payload string
		want    pass.Code
	}{
		{"good", signWith(t, good, map[int]any{}, claimsMap(), false), ""},
		{"kid as text", signWith(t, prot(map[int]any{1: -7, 4: "key-1"}), map[int]any{}, claimsMap(), false), ""},
		{"untagged", signWith(t, good, map[int]any{}, claimsMap(), true), pass.COSE},
		{"kid unprotected", signWith(t, prot(map[int]any{1: -7}), map[int]any{4: []byte("key-1")}, claimsMap(), false), pass.COSE},
		{"PS256", signWith(t, prot(map[int]any{1: -37, 4: []byte("key-1")}), map[int]any{}, claimsMap(), false), pass.COSE},
		{"unknown kid", signWith(t, prot(map[int]any{1: -7, 4: []byte("key-9")}), map[int]any{}, claimsMap(), false), pass.UnknownKey},
		{"another issuer", signWith(t, good, map[int]any{}, with(func(m map[any]any) { m[1] = "did:web:other.example.invalid" }), false), pass.UnknownKey},
		{"issuer not did:web", signWith(t, good, map[int]any{}, with(func(m map[any]any) { m[1] = "https://issuer.example.invalid" }), false), pass.COSE},
		{"issuer with a fragment", signWith(t, good, map[int]any{}, with(func(m map[any]any) { m[1] = testIss + "#key-1" }), false), pass.COSE},
		{"no issuer", signWith(t, good, map[int]any{}, with(func(m map[any]any) { delete(m, 1) }), false), pass.COSE},
		{"no nbf", signWith(t, good, map[int]any{}, with(func(m map[any]any) { delete(m, 5) }), false), pass.COSE},
		{"no exp", signWith(t, good, map[int]any{}, with(func(m map[any]any) { delete(m, 4) }), false), pass.COSE},
		{"exp as text", signWith(t, good, map[int]any{}, with(func(m map[any]any) { m[4] = "2031" }), false), pass.COSE},
		{"no cti", signWith(t, good, map[int]any{}, with(func(m map[any]any) { delete(m, 7) }), false), pass.COSE},
		{"cti of 8 bytes", signWith(t, good, map[int]any{}, with(func(m map[any]any) { m[7] = testID[:8] }), false), pass.COSE},
		{"no vc", signWith(t, good, map[int]any{}, with(func(m map[any]any) { delete(m, "vc") }), false), pass.COSE},
		{"duplicate claim", signWith(t, good, map[int]any{}, cbor.RawMessage{0xa2, 0x01, 0x61, 'x', 0x01, 0x61, 'y'}, false), pass.CBOR},
		{"payload not a map", signWith(t, good, map[int]any{}, []any{1}, false), pass.COSE},
		{"vc not a map", signWith(t, good, map[int]any{}, with(func(m map[any]any) { m["vc"] = "x" }), false), pass.Schema},
		{"wrong context", signWith(t, good, map[int]any{}, vc(func(v map[string]any) { v["@context"] = []string{"https://example.invalid"} }), false), pass.Schema},
		{"version 2", signWith(t, good, map[int]any{}, vc(func(v map[string]any) { v["version"] = "2.0.0" }), false), pass.UnsupportedFormat},
		{"another pass type", signWith(t, good, map[int]any{}, vc(func(v map[string]any) { v["type"] = []string{typeVC, "PrivateCovidPass"} }), false), pass.UnsupportedFormat},
		{"one type", signWith(t, good, map[int]any{}, vc(func(v map[string]any) { v["type"] = []string{typeVC} }), false), pass.Schema},
		{"no given name", signWith(t, good, map[int]any{}, subject(func(s map[string]any) { delete(s, "givenName") }), false), pass.Schema},
		{"given name of 101", signWith(t, good, map[int]any{}, subject(func(s map[string]any) { s["givenName"] = strings.Repeat("J", 101) }), false), pass.Schema},
		{"dob not a date", signWith(t, good, map[int]any{}, subject(func(s map[string]any) { s["dob"] = "1960" }), false), pass.Schema},
		{"dob an integer", signWith(t, good, map[int]any{}, subject(func(s map[string]any) { s["dob"] = 1960 }), false), pass.Schema},
		{"no subject", signWith(t, good, map[int]any{}, vc(func(v map[string]any) { delete(v, "credentialSubject") }), false), pass.Schema},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New().Decode(tt.payload, testTrust())
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if got := pass.CodeOf(err); got != tt.want {
				t.Fatalf("got %v, want %s", err, tt.want)
			}
			if strings.Contains(err.Error(), "Sparrow") || strings.Contains(err.Error(), "1960-04-16") {
				t.Errorf("error %q quotes the holder", err)
			}
		})
	}
	if _, err := New().Decode(Prefix+Version+"/"+strings.Repeat("A", MaxBase32+1), testTrust()); pass.CodeOf(err) != pass.TooLarge {
		t.Errorf("too long: got %v", err)
	}
	if _, err := New().Decode(tests[0].payload, nil); pass.CodeOf(err) != pass.UnknownKey {
		t.Errorf("no trust: got %v", err)
	}
}

func TestSignRefuses(t *testing.T) {
	for _, c := range []Claims{
		func() Claims { c := goodClaims(); c.Issuer = "https://x"; return c }(),
		func() Claims { c := goodClaims(); c.Expires = c.NotBefore; return c }(),
		func() Claims { c := goodClaims(); c.DOB = "1960"; return c }(),
		func() Claims { c := goodClaims(); c.Given = ""; return c }(),
	} {
		if _, err := Sign(c, testKey, "key-1"); err == nil {
			t.Errorf("Sign(%+v): no error", c)
		}
	}
}

func TestNaming(t *testing.T) {
	for _, tt := range []struct {
		kid, iss string
		pub      any
		want     string
	}{
		{testIss + "#key-1", testIss, &testKey.PublicKey, ""},
		{testIss, testIss, &testKey.PublicKey, "did:web:<host>#<key id>"},
		{testIss + "#", testIss, &testKey.PublicKey, "did:web:<host>#<key id>"},
		{"did:key:z6Mk#key-1", "did:key:z6Mk", &testKey.PublicKey, "did:web:<host>#<key id>"},
		{testIss + "#key-1", "did:web:other.example.invalid", &testKey.PublicKey, "bound to issuer"},
	} {
		t.Run(cmp.Or(tt.want, "good key"), func(t *testing.T) {
			err := CheckKey(&pass.Key{KID: tt.kid, Issuer: tt.iss, Public: tt.pub})
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("CheckKey(%q, %q): got %v, want %q", tt.kid, tt.iss, err, tt.want)
			}
		})
	}
	for _, tt := range []struct {
		id string
		ok bool
	}{{"urn:uuid:60a4f54d-4e30-4332-be33-ad78b1eafa4b", true}, {"60A4F54D-4E30-4332-BE33-AD78B1EAFA4B", true},
		{"urn:uuid:60a4f54d4e304332be33ad78b1eafa4b", false}, {"urn:uuid:60a4f54d-4e30-4332-be33-ad78b1eafa4", false}, {"", false}} {
		t.Run(tt.id, func(t *testing.T) {
			if _, err := PassID(tt.id); (err == nil) != tt.ok {
				t.Errorf("PassID(%q): got %v", tt.id, err)
			}
		})
	}
}

// decodeCodes are the codes Decode may fail with.
var decodeCodes = []pass.Code{pass.Prefix, pass.UnsupportedFormat, pass.Encoding, pass.CBOR, pass.COSE, pass.UnknownKey,
	pass.Signature, pass.Schema, pass.TooLarge}

// FuzzDecode feeds whole payloads to Decode: it must never panic, fail only
// with a known code, and return complete passes.
func FuzzDecode(f *testing.F) {
	good, err := Sign(goodClaims(), testKey, "key-1")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	for _, x := range SpecExamples() {
		f.Add(x.Payload)
	}
	f.Add("NZCP:/1/")
	f.Add("NZCP:/1/2KCEVIQEIVVWK6JNGEASNICZAEP2KALYDZSGSZB2O5SWEOTOPJRXALTDN53GSZBRHEXGQZLBNR2GQLTOPICRU")
	tr := testTrust()
	f.Fuzz(func(t *testing.T, payload string) {
		p, err := New().Decode(payload, tr)
		if err != nil {
			var pe *pass.Error
			if !errors.As(err, &pe) || !slices.Contains(decodeCodes, pe.Code) {
				t.Fatalf("unexpected error %v (%T)", err, err)
			}
			return
		}
		if p.Format != Name || p.Key == nil || p.ID.IsZero() || p.Expires.IsZero() || p.NotBefore.IsZero() || p.Holder.Name == "" {
			t.Fatalf("incomplete pass %+v", p)
		}
	})
}

// FuzzClaims feeds signed-over payloads to the claims reader, which the
// signature shields from all but trusted issuers.
func FuzzClaims(f *testing.F) {
	b, err := encMode.Marshal(claimsMap())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte{0xa0})
	f.Fuzz(func(t *testing.T, payload []byte) {
		if _, err := issuer(payload); err != nil {
			return // parseClaims runs only on what issuer accepted, after the signature
		}
		c, err := parseClaims(string(payload))
		if err != nil {
			if code := pass.CodeOf(err); !slices.Contains(decodeCodes, code) {
				t.Fatalf("unexpected code %q: %v", code, err)
			}
			return
		}
		if c.jti == "" || c.given == "" || c.exp.IsZero() {
			t.Fatalf("incomplete claims %+v", c)
		}
	})
}
