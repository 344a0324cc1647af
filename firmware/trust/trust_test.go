package trust

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/firmware/verify/dcc"
)

var formats = verify.Namings()

func makeCert(t *testing.T, pub, priv any, ekus ...string) []byte {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{Country: []string{"AT"}, CommonName: "DSC test"},
		NotBefore:    time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for _, e := range ekus {
		var oid asn1.ObjectIdentifier
		for _, part := range strings.Split(e, ".") {
			var n int
			for _, c := range part {
				n = n*10 + int(c-'0')
			}
			oid = append(oid, n)
		}
		tmpl.UnknownExtKeyUsage = append(tmpl.UnknownExtKeyUsage, oid)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func pemOf(ders ...[]byte) []byte {
	var b []byte
	for _, d := range ders {
		b = append(b, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: d})...)
	}
	return b
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPEM(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rs, _ := rsa.GenerateKey(rand.Reader, 2048)
	tests := []struct {
		name string
		der  []byte
		want pass.Usage
	}{
		{"no EKU", makeCert(t, &ec.PublicKey, ec), 0},
		{"vaccination", makeCert(t, &ec.PublicKey, ec, "1.3.6.1.4.1.1847.2021.1.2"), pass.UseVaccination},
		{"test and recovery, alternate arc", makeCert(t, &ec.PublicKey, ec, "1.3.6.1.4.1.0.1847.2021.1.1", "1.3.6.1.4.1.0.1847.2021.1.3"), pass.UseTest | pass.UseRecovery},
		{"unrelated EKU", makeCert(t, &ec.PublicKey, ec, "1.2.3.4"), 0},
		{"rsa", makeCert(t, &rs.PublicKey, rs, "1.3.6.1.4.1.1847.2021.1.1"), pass.UseTest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := Parse(pemOf(tt.der), "", formats)
			if err != nil {
				t.Fatal(err)
			}
			k := keys[0]
			if k.Usage != tt.want {
				t.Errorf("usage: got %b, want %b", k.Usage, tt.want)
			}
			sum := sha256.Sum256(tt.der)
			if got, want := k.KID, base64.StdEncoding.EncodeToString(sum[:8]); got != want {
				t.Errorf("kid: got %s, want %s", got, want)
			}
			if k.Issuer != "AT" || k.Format != "dcc" || k.NotAfter.Year() != 2023 {
				t.Errorf("got %+v", k)
			}
		})
	}
	ecDER := makeCert(t, &ec.PublicKey, ec)
	for _, tt := range []struct {
		name string
		data []byte
		decl string
		err  string
	}{
		{"two", pemOf(ecDER, ecDER), "", ""},
		{"declared dcc", pemOf(ecDER), "dcc", ""},
		{"declared shc", pemOf(ecDER), "shc", "cannot hold SMART Health Card keys"},
		{"private key block", append(pemOf(ecDER), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: []byte{1, 2}})...), "", "block 2"},
		{"garbage DER", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1, 2, 3}}), "", "block 1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.data, tt.decl, formats)
			checkErr(t, err, tt.err)
		})
	}
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("got %v, want no error", err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Fatalf("got %v, want an error containing %q", err, want)
	}
}

func TestUsageAllows(t *testing.T) {
	if !pass.Usage(0).Allows(pass.Test) {
		t.Error("zero usage must allow everything")
	}
	u := pass.UseVaccination
	if !u.Allows(pass.Vaccination) || u.Allows(pass.Test) || u.Allows(pass.Recovery) {
		t.Errorf("vaccination-only usage: wrong Allows")
	}
}

func TestJWKS(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	good := PublicJWK(&ec.PublicKey, "abc")
	hk := PublicJWK(&ec.PublicKey, "HKSARG:VAC3")
	withIss := good
	withIss.Iss = "https://spec.smarthealth.cards/examples/issuer"
	hkWithIss := hk
	hkWithIss.Iss = "https://spec.smarthealth.cards/examples/issuer"
	hkWithHK := hk
	hkWithHK.Iss = "HK"
	hkBadKid := hk
	hkBadKid.Kid = "HKSARG:XYZ3"
	priv := good
	priv.D = "AAAA"
	rsaKey := good
	rsaKey.Kty = "RSA"
	badX := good
	badX.X = "AAAA"
	offCurve := good
	offCurve.Y = good.X
	noKid := good
	noKid.Kid = ""
	hs := good
	hs.Alg = "HS256"
	enc := func(keys ...JWK) []byte { return mustJSON(t, JWKS{Keys: keys}) }
	tests := []struct {
		name   string
		data   []byte
		decl   string
		format string
		issuer string
		err    string
	}{
		{"shc key", enc(good), "", "shc", "", ""},
		{"shc key, declared", enc(good), "shc", "shc", "", ""},
		{"issuer kept", enc(withIss), "", "shc", withIss.Iss, ""},
		// A kid does not make a key Hong Kong's.
		{"HKSARG kid in an issuer's JWKS", enc(good, hk), "", "", "", `kid "HKSARG:VAC3" is named as a Hong Kong`},
		{"HKSARG kid with iss in an issuer's JWKS", enc(hkWithIss), "", "", "", `is named as a Hong Kong`},
		{"HK keys declared", enc(hk), "hksarg", "hksarg", "HK", ""},
		{"HK key naming HK", enc(hkWithHK), "hksarg", "hksarg", "HK", ""},
		{"a key with iss declared hksarg", enc(hkWithIss), "hksarg", "", "", `names issuer "https://spec.smarthealth.cards/examples/issuer", but every Hong Kong`},
		{"an SHC kid declared hksarg", enc(good), "hksarg", "", "", "a Hong Kong key's kid is HKSARG:"},
		{"an unknown record type declared hksarg", enc(hkBadKid), "hksarg", "", "", `record type "XYZ"`},
		{"declared dcc", enc(good), "dcc", "", "", "a JWKS input cannot hold EU Digital COVID Certificate keys"},
		{"declared for an unknown format", enc(good), "xyz", "", "", `format "xyz" is not one`},
		{"private member", enc(priv), "", "", "", "private"},
		{"rsa", enc(rsaKey), "", "", "", "P-256"},
		{"short x", enc(badX), "", "", "", "x:"},
		{"off curve", enc(offCurve), "", "", "", "not a point"},
		{"no kid", enc(noKid), "", "", "", "no kid"},
		{"wrong alg", enc(hs), "", "", "", "ES256"},
		{"no keys", []byte(`{"keys":[]}`), "", "", "", "no keys"},
		{"not json", []byte(`{`), "", "", "", "JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := Parse(tt.data, tt.decl, formats)
			checkErr(t, err, tt.err)
			if tt.err != "" {
				return
			}
			for _, k := range keys {
				if k.Format != tt.format || k.Issuer != tt.issuer {
					t.Errorf("got format %q issuer %q, want %q %q", k.Format, k.Issuer, tt.format, tt.issuer)
				}
				pub, ok := k.Public.(*ecdsa.PublicKey)
				if !ok || !pub.Equal(&ec.PublicKey) {
					t.Errorf("public key does not round-trip")
				}
			}
		})
	}
}

func TestGatewayTrustList(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	dsc := makeCert(t, &ec.PublicKey, ec, "1.3.6.1.4.1.1847.2021.1.1")
	other := makeCert(t, &ec.PublicKey, ec)
	entry := func(typ, country string, der []byte) map[string]string {
		sum := sha256.Sum256(der)
		return map[string]string{"kid": dcc.KID(dcc.CertKID(der)), "timestamp": "2021-06-01T10:00:00Z", "country": country,
			"certificateType": typ, "thumbprint": hex.EncodeToString(sum[:]), "signature": "x", "rawData": base64.StdEncoding.EncodeToString(der)}
	}
	good := []map[string]string{entry("CSCA", "DE", other), entry("DSC", "DE", dsc), entry("UPLOAD", "DE", other)}
	wrongKid := []map[string]string{entry("DSC", "DE", dsc)}
	wrongKid[0]["kid"] = "AAAAAAAAAAA="
	wrongThumb := []map[string]string{entry("DSC", "DE", dsc)}
	wrongThumb[0]["thumbprint"] = strings.Repeat("0", 64)
	badCountry := []map[string]string{entry("DSC", "Germany", dsc)}
	onlyCSCA := []map[string]string{entry("CSCA", "DE", other)}
	for _, tt := range []struct {
		name string
		data []byte
		n    int
		err  string
	}{
		{"DSC entries only", mustJSON(t, good), 1, ""},
		{"wrapped in certificates", mustJSON(t, map[string]any{"certificates": good}), 1, ""},
		{"kid not the certificate's", mustJSON(t, wrongKid), 0, "is not its certificate's"},
		{"thumbprint not the certificate's", mustJSON(t, wrongThumb), 0, "thumbprint"},
		{"country not two letters", mustJSON(t, badCountry), 0, "two letters"},
		{"no DSC", mustJSON(t, onlyCSCA), 0, "no DSC entries"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := Parse(tt.data, "", formats)
			checkErr(t, err, tt.err)
			if tt.err != "" {
				return
			}
			if len(keys) != tt.n {
				t.Fatalf("got %d keys, want %d", len(keys), tt.n)
			}
			k := keys[0]
			if k.Format != "dcc" || k.Issuer != "DE" || k.KID != dcc.KID(dcc.CertKID(dsc)) || k.Usage != pass.UseTest {
				t.Errorf("got %+v", k)
			}
		})
	}
}

func TestVCISnapshot(t *testing.T) {
	a, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	b, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ja, jb := PublicJWK(&a.PublicKey, "ka"), PublicJWK(&b.PublicKey, "kb")
	issA, issB := "https://a.example.invalid", "https://b.example.invalid/shc"
	snapshot := map[string]any{"directory": "x", "time": "2022-02-01 12:00:00", "issuerInfo": []any{
		map[string]any{"issuer": map[string]any{"iss": issA, "name": "A"}, "keys": []any{ja}},
		map[string]any{"issuer": map[string]any{"iss": issB, "name": "B", "canonical_iss": "https://b.example.invalid"}, "keys": []any{jb}, "crls": []any{}},
		map[string]any{"issuer": map[string]any{"iss": "https://c.example.invalid", "name": "C"}, "keys": []any{}},
	}}
	list := []any{map[string]any{"iss": issA, "keys": []any{ja}}, map[string]any{"iss": issB, "keys": []any{jb}}}
	otherIss := ja
	otherIss.Iss = issB
	hkKid := PublicJWK(&a.PublicKey, "HKSARG:VAC3")
	for _, tt := range []struct {
		name string
		data []byte
		err  string
	}{
		{"snapshot", mustJSON(t, snapshot), ""},
		{"list of issuers", mustJSON(t, list), ""},
		{"a key naming another issuer", mustJSON(t, []any{map[string]any{"iss": issA, "keys": []any{otherIss}}}), "names another issuer"},
		{"an issuer without iss", mustJSON(t, []any{map[string]any{"iss": "", "keys": []any{ja}}}), "no iss"},
		{"a Hong Kong kid", mustJSON(t, []any{map[string]any{"iss": issA, "keys": []any{hkKid}}}), "is named as a Hong Kong"},
		{"an issuer URL that is not https", mustJSON(t, []any{map[string]any{"iss": "http://a.example.invalid", "keys": []any{ja}}}), "not an https URL"},
		{"the directory without keys", []byte(`{"participating_issuers":[{"iss":"https://a.example.invalid","name":"A"}]}`), "vci_snapshot.json"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := Parse(tt.data, "", formats)
			checkErr(t, err, tt.err)
			if tt.err != "" {
				return
			}
			if len(keys) != 2 || keys[0].Issuer != issA || keys[1].Issuer != issB || keys[0].Format != "shc" || keys[0].KID != "ka" {
				t.Fatalf("got %+v %+v", keys[0], keys[1])
			}
		})
	}
}

func TestDIDDocument(t *testing.T) {
	a, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	jwk := PublicJWK(&a.PublicKey, "")
	jwk.Kid, jwk.Use, jwk.Alg = "", "", ""
	doc := func(assert []any, methods ...map[string]any) []byte {
		return mustJSON(t, map[string]any{"@context": "https://w3.org/ns/did/v1", "id": "did:web:issuer.example.invalid",
			"verificationMethod": methods, "assertionMethod": assert})
	}
	m := func(id string) map[string]any {
		return map[string]any{"id": id, "controller": "did:web:issuer.example.invalid", "type": "JsonWebKey2020", "publicKeyJwk": jwk}
	}
	for _, tt := range []struct {
		name string
		data []byte
		kids []string
		err  string
	}{
		{"assertion by absolute id", doc([]any{"did:web:issuer.example.invalid#key-1"}, m("did:web:issuer.example.invalid#key-1")), []string{"did:web:issuer.example.invalid#key-1"}, ""},
		{"assertion by relative id", doc([]any{"#key-1"}, m("#key-1")), []string{"did:web:issuer.example.invalid#key-1"}, ""},
		{"embedded method", doc([]any{m("did:web:issuer.example.invalid#key-2")}), []string{"did:web:issuer.example.invalid#key-2"}, ""},
		{"only assertion methods sign", doc([]any{"#key-1"}, m("#key-1"), m("#key-auth")), []string{"did:web:issuer.example.invalid#key-1"}, ""},
		{"no assertionMethod", doc(nil, m("#key-1")), nil, "no key may sign"},
		{"assertion of an unknown method", doc([]any{"#key-9"}, m("#key-1")), nil, "not one of its verification methods"},
		{"a method of another DID", doc([]any{"did:web:other.example.invalid#key-1"}, m("did:web:other.example.invalid#key-1")), nil, "another DID"},
		{"not a JsonWebKey2020", doc([]any{"#key-1"}, map[string]any{"id": "#key-1", "type": "Ed25519VerificationKey2018", "publicKeyBase58": "x"}), nil, "JsonWebKey2020"},
		{"a private key", doc([]any{"#key-1"}, map[string]any{"id": "#key-1", "type": "JsonWebKey2020", "publicKeyJwk": map[string]string{"kty": "EC", "crv": "P-256", "x": jwk.X, "y": jwk.Y, "d": "AAAA"}}), nil, "private"},
		{"a DID that is not did:web", mustJSON(t, map[string]any{"id": "did:key:z6Mk", "verificationMethod": []any{map[string]any{"id": "#k", "type": "JsonWebKey2020", "publicKeyJwk": jwk}}, "assertionMethod": []any{"#k"}}), nil, "did:web"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := Parse(tt.data, "", formats)
			checkErr(t, err, tt.err)
			if tt.err != "" {
				return
			}
			if len(keys) != len(tt.kids) {
				t.Fatalf("got %d keys, want %d", len(keys), len(tt.kids))
			}
			for i, k := range keys {
				if k.KID != tt.kids[i] || k.Issuer != "did:web:issuer.example.invalid" || k.Format != "nzcp" {
					t.Errorf("key %d: got %+v", i, k)
				}
			}
		})
	}
	if _, err := Parse(doc([]any{"#key-1"}, m("#key-1")), "", []*pass.Naming{{Name: "x", Inputs: []pass.Input{pass.InputPEM}}}); err == nil || !strings.Contains(err.Error(), "no format") {
		t.Errorf("a DID document with no format to take it: got %v", err)
	}
}

func TestTrustList(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	nb := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	keys := []*pass.Key{
		{Format: "dcc", KID: dcc.KID([]byte("12345678")), Issuer: "XA", Public: &ec.PublicKey, Usage: pass.UseVaccination | pass.UseTest, NotBefore: nb},
		{Format: "hksarg", KID: "HKSARG:VAC3", Issuer: "HK", Public: &ec.PublicKey},
		{Format: "shc", KID: "k1", Issuer: "https://issuer.example.invalid", Public: &ec.PublicKey},
	}
	b, err := MarshalList(keys)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(b, "", formats)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Usage != keys[0].Usage || !got[0].NotBefore.Equal(nb) || got[1].Issuer != "HK" || got[2].Issuer != keys[2].Issuer {
		t.Fatalf("round trip: got %+v", got)
	}
	hkURL := []*pass.Key{{Format: "hksarg", KID: "HKSARG:VAC3", Issuer: "https://issuer.example.invalid", Public: &ec.PublicKey}}
	shcHK := []*pass.Key{{Format: "shc", KID: "HKSARG:VAC3", Public: &ec.PublicKey}}
	unknown := []*pass.Key{{Format: "xyz", KID: "k", Public: &ec.PublicKey}}
	for _, tt := range []struct {
		name string
		keys []*pass.Key
		decl string
		err  string
	}{
		{"a Hong Kong key naming a URL", hkURL, "", "names issuer"},
		{"an SHC key with a Hong Kong kid", shcHK, "", "is named as a Hong Kong"},
		{"an unknown format", unknown, "", `format "xyz" is not one`},
		{"declared for another format", keys, "shc", "is a dcc key; this input is declared for shc"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := MarshalList(tt.keys)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(b, tt.decl, formats)
			checkErr(t, err, tt.err)
		})
	}
	for _, bad := range []string{`{"keys":[{"format":"dcc","kid":"x","public_key":"AA=="}]}`, `{"keys":[]} {}`, `{"keys":[{"format":"dcc","kid":"x","public_key":"AA==","extra":1}]}`} {
		if _, err := ParseList([]byte(bad)); err == nil {
			t.Errorf("ParseList(%s): no error", bad)
		}
	}
}

// TestTestdata reads every example trust input under testdata (one per
// kind, documented in the README).
func TestTestdata(t *testing.T) {
	for _, tt := range []struct {
		arg     string
		kind    pass.Input
		n       int
		format  string
		issuers []string
	}{
		{"testdata/dsc.pem", pass.InputPEM, 2, "dcc", []string{"XA", "XB"}},
		{"testdata/dgcg-trustlist.json", pass.InputDGCG, 2, "dcc", []string{"XA", "XB"}},
		{"testdata/shc-issuer.jwks", pass.InputJWKS, 1, "shc", []string{""}},
		{"hksarg:testdata/hk-keys.jwks", pass.InputJWKS, 2, "hksarg", []string{"HK", "HK"}},
		{"testdata/vci-snapshot.json", pass.InputVCI, 2, "shc", []string{"https://issuer-one.example.invalid", "https://issuer-two.example.invalid/shc"}},
		{"testdata/trust.json", pass.InputList, 2, "", []string{"XA", "HK"}},
		{"testdata/did-nzcp-example.json", pass.InputDID, 1, "nzcp", []string{"did:web:nzcp.covid19.health.nz"}},
	} {
		t.Run(tt.arg, func(t *testing.T) {
			in := ParseArg(tt.arg, formats)
			data, err := os.ReadFile(in.Path)
			if err != nil {
				t.Fatal(err)
			}
			if kind, err := Sniff(data); err != nil || kind != tt.kind {
				t.Errorf("Sniff: got %q, %v; want %q", kind, err, tt.kind)
			}
			keys, err := Load(in, formats)
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) != tt.n {
				t.Fatalf("got %d keys, want %d", len(keys), tt.n)
			}
			for i, k := range keys {
				if (tt.format != "" && k.Format != tt.format) || k.Issuer != tt.issuers[i] {
					t.Errorf("key %d: got %s %q issuer %q", i, k.Format, k.KID, k.Issuer)
				}
			}
		})
	}
	// Undeclared, the Hong Kong keys are refused.
	if _, err := Load(Input{Path: "testdata/hk-keys.jwks"}, formats); err == nil || !strings.Contains(err.Error(), "hksarg:FILE") {
		t.Errorf("Hong Kong keys undeclared: got %v, want a refusal that says how to declare them", err)
	}
}

func TestParseArg(t *testing.T) {
	for _, tt := range []struct {
		arg  string
		want Input
	}{
		{"keys.jwks", Input{Path: "keys.jwks"}},
		{"hksarg:keys.jwks", Input{Path: "keys.jwks", Format: "hksarg"}},
		{"shc:/etc/keys.jwks", Input{Path: "/etc/keys.jwks", Format: "shc"}},
		{"c:keys.jwks", Input{Path: "c:keys.jwks"}},
		{"hksarg:", Input{Path: "hksarg:"}},
	} {
		t.Run(tt.arg, func(t *testing.T) {
			if got := ParseArg(tt.arg, formats); got != tt.want {
				t.Errorf("ParseArg(%q): got %+v, want %+v", tt.arg, got, tt.want)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.txt")
	os.WriteFile(junk, []byte("hello"), 0o644)
	big := filepath.Join(dir, "big.json")
	os.WriteFile(big, make([]byte, MaxFile+1), 0o644)
	for _, tt := range []struct {
		path, err string
	}{
		{junk, "neither"},
		{filepath.Join(dir, "missing"), "no such file"},
		{dir, "not a regular file"},
		{big, big + ": larger than 16777216 bytes"},
	} {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			_, err := Load(Input{Path: tt.path}, formats)
			checkErr(t, err, tt.err)
		})
	}
}

func TestSet(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	keys, err := Load(Input{Path: "testdata/dsc.pem"}, formats)
	if err != nil {
		t.Fatal(err)
	}
	set := NewSet(keys...)
	set.Add(&pass.Key{Format: "shc", KID: "k1", Public: &ec.PublicKey})
	if set.Len() != 3 {
		t.Errorf("set: got %d keys, want 3", set.Len())
	}
	if ks, _ := set.Keys("dcc", keys[0].KID); len(ks) != 1 {
		t.Errorf("dcc %s: got %d keys, want 1", keys[0].KID, len(ks))
	}
	if ks, _ := set.Keys("dcc", "k1"); len(ks) != 0 {
		t.Errorf("format must separate key spaces: got %d keys", len(ks))
	}
	if len(set.All()) != 3 {
		t.Errorf("All: got %d keys", len(set.All()))
	}
}
