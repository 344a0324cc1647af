package trust

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

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

func TestKeyFromCertificate(t *testing.T) {
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
			k, err := ParseDER(tt.der)
			if err != nil {
				t.Fatal(err)
			}
			if k.Usage != tt.want {
				t.Errorf("usage: got %b, want %b", k.Usage, tt.want)
			}
			if got, want := k.KID, base64.StdEncoding.EncodeToString(DCCKID(tt.der)); got != want {
				t.Errorf("kid: got %s, want %s", got, want)
			}
			if len(DCCKID(tt.der)) != 8 {
				t.Errorf("kid length %d, want 8", len(DCCKID(tt.der)))
			}
			if k.Issuer != "AT" || k.Format != "dcc" || k.NotAfter.Year() != 2023 {
				t.Errorf("got %+v", k)
			}
		})
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

func TestParsePEMErrors(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der := makeCert(t, &ec.PublicKey, ec)
	good := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyBlock := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: []byte{1, 2}})
	bad := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1, 2, 3}})
	tests := []struct {
		name string
		data []byte
		n    int
		err  string
	}{
		{"one", good, 1, ""},
		{"two", append(append([]byte{}, good...), good...), 2, ""},
		{"empty", nil, 0, "no PEM"},
		{"private key block", append(append([]byte{}, good...), keyBlock...), 0, "block 2"},
		{"garbage DER", bad, 0, "block 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := ParsePEM(tt.data)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %v, want error containing %q", err, tt.err)
				}
				return
			}
			if err != nil || len(keys) != tt.n {
				t.Fatalf("got %d keys, %v; want %d", len(keys), err, tt.n)
			}
		})
	}
}

func TestJWKS(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	good := PublicJWK(&ec.PublicKey, "abc")
	hk := PublicJWK(&ec.PublicKey, "HKSARG:VAC3")
	withIss := good
	withIss.Iss = "https://spec.smarthealth.cards/examples/issuer"
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
	enc := func(keys ...JWK) []byte {
		b, _ := json.Marshal(JWKS{Keys: keys})
		return b
	}
	tests := []struct {
		name   string
		data   []byte
		format string
		err    string
	}{
		{"shc key", enc(good), "shc", ""},
		{"hk key", enc(hk), "hksarg", ""},
		{"issuer kept", enc(withIss), "shc", ""},
		{"private member", enc(priv), "", "private"},
		{"rsa", enc(rsaKey), "", "P-256"},
		{"short x", enc(badX), "", "x:"},
		{"off curve", enc(offCurve), "", "not a point"},
		{"no kid", enc(noKid), "", "no kid"},
		{"wrong alg", enc(hs), "", "ES256"},
		{"no keys", []byte(`{"keys":[]}`), "", "no keys"},
		{"not json", []byte(`{`), "", "JWKS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := ParseJWKS(tt.data)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %v, want error containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) != 1 || keys[0].Format != tt.format {
				t.Fatalf("got %+v, want one %s key", keys, tt.format)
			}
			pub, ok := keys[0].Public.(*ecdsa.PublicKey)
			if !ok || !pub.Equal(&ec.PublicKey) {
				t.Errorf("public key does not round-trip")
			}
		})
	}
	keys, _ := ParseJWKS(enc(withIss))
	if keys[0].Issuer != withIss.Iss {
		t.Errorf("issuer: got %q, want %q", keys[0].Issuer, withIss.Iss)
	}
}

func TestLoadFileAndSet(t *testing.T) {
	dir := t.TempDir()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der := makeCert(t, &ec.PublicKey, ec)
	pemPath := filepath.Join(dir, "dsc.pem")
	os.WriteFile(pemPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	jwksPath := filepath.Join(dir, "keys.jwks")
	b, _ := json.Marshal(JWKS{Keys: []JWK{PublicJWK(&ec.PublicKey, "k1")}})
	os.WriteFile(jwksPath, b, 0o644)
	junk := filepath.Join(dir, "junk.txt")
	os.WriteFile(junk, []byte("hello"), 0o644)

	set := NewSet()
	for _, p := range []string{pemPath, jwksPath} {
		keys, err := LoadFile(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		set.Add(keys...)
	}
	if set.Len() != 2 {
		t.Errorf("set: got %d keys, want 2", set.Len())
	}
	kid := base64.StdEncoding.EncodeToString(DCCKID(der))
	if ks, _ := set.Keys("dcc", kid); len(ks) != 1 {
		t.Errorf("dcc %s: got %d keys, want 1", kid, len(ks))
	}
	if ks, _ := set.Keys("shc", "k1"); len(ks) != 1 {
		t.Errorf("shc k1: got %d keys, want 1", len(ks))
	}
	if ks, _ := set.Keys("dcc", "k1"); len(ks) != 0 {
		t.Errorf("format must separate key spaces: got %d keys", len(ks))
	}
	if _, err := LoadFile(junk); err == nil || !strings.Contains(err.Error(), "neither") {
		t.Errorf("junk: got %v", err)
	}
	if _, err := LoadFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file: want an error")
	}
}
