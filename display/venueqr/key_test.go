package venueqr

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"testing"
)

func TestParsePublicKey(t *testing.T) {
	pub := testKey.Public().(ed25519.PublicKey)
	pemForm, err := MarshalPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"PEM":               pemForm,
		"base64":            []byte(base64.StdEncoding.EncodeToString(pub)),
		"base64 + newline":  []byte(base64.StdEncoding.EncodeToString(pub) + "\n"),
		"base64 no padding": []byte(base64.RawStdEncoding.EncodeToString(pub)),
	} {
		got, err := ParsePublicKey(data)
		if err != nil || !bytes.Equal(got, pub) {
			t.Errorf("%s: got %x, %v; want %x", name, got, err, pub)
		}
	}
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	privPEM, _ := MarshalPrivateKey(testKey)
	for name, data := range map[string][]byte{
		"empty":           nil,
		"ECDSA key":       pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecDER}),
		"private key PEM": privPEM,
		"bad DER":         pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1, 2, 3}}),
		"31 bytes":        []byte(base64.StdEncoding.EncodeToString(pub[:31])),
		"not base64":      []byte("not a key!"),
		"too large":       []byte(strings.Repeat("A", MaxKeyFile+1)),
	} {
		if _, err := ParsePublicKey(data); err == nil {
			t.Errorf("%s: parsed, want an error", name)
		}
	}
}

func TestParsePrivateKey(t *testing.T) {
	pemForm, err := MarshalPrivateKey(testKey)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"PEM":           pemForm,
		"base64 seed":   []byte(base64.StdEncoding.EncodeToString(testKey.Seed())),
		"base64 64-key": []byte(base64.StdEncoding.EncodeToString(testKey) + "\n"),
	} {
		got, err := ParsePrivateKey(data)
		if err != nil || !bytes.Equal(got, testKey) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	mismatched := append(append([]byte{}, testKey.Seed()...), make([]byte, 32)...)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	pubPEM, _ := MarshalPublicKey(testKey.Public().(ed25519.PublicKey))
	for name, data := range map[string][]byte{
		"empty":             nil,
		"public half wrong": []byte(base64.StdEncoding.EncodeToString(mismatched)),
		"ECDSA key":         pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}),
		"public key PEM":    pubPEM,
		"bad DER":           pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1}}),
		"40 bytes":          []byte(base64.StdEncoding.EncodeToString(make([]byte, 40))),
		"too large":         []byte(strings.Repeat("A", MaxKeyFile+1)),
	} {
		if _, err := ParsePrivateKey(data); err == nil {
			t.Errorf("%s: parsed, want an error", name)
		}
	}
}
