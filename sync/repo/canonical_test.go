package repo

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func TestCanonical(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"sorted keys", `{"b":1,"a":2,"_t":3}`, `{"_t":3,"a":2,"b":1}`},
		{"space dropped", " { \"a\" : [ 1 , 2 ] ,\n\"b\":{ } } ", `{"a":[1,2],"b":{}}`},
		{"escapes only quote and backslash", `{"s":"a\"b\\c\/d\u00e9\u4e2d"}`, "{\"s\":\"a\\\"b\\\\c/d\u00e9\u4e2d\"}"},
		{"html not escaped", `{"s":"\u003c\u003e\u0026"}`, `{"s":"<>&"}`},
		{"literals", `[true,false,null,0,-7,123456789012]`, `[true,false,null,0,-7,123456789012]`},
		{"nested sort", `{"z":{"y":1,"x":2},"a":[{"d":1,"c":2}]}`, `{"a":[{"c":2,"d":1}],"z":{"x":2,"y":1}}`},
		{"bytewise key order", `{"b":1,"B":2,"a":3,"_":4}`, `{"B":2,"_":4,"a":3,"b":1}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Canonical([]byte(tc.in))
			if err != nil {
				t.Fatalf("Canonical(%s): %v", tc.in, err)
			}
			if string(got) != tc.want {
				t.Errorf("Canonical(%s) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestCanonicalRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"repeated key", `{"a":1,"a":2}`, "repeated"},
		{"float", `{"a":1.5}`, "not an integer"},
		{"exponent", `{"a":1e3}`, "not an integer"},
		{"negative zero", `{"a":-0}`, "not an integer"},
		{"control character", `{"a":"x\ny"}`, "control character"},
		{"control character in key", `{"a\u0001":1}`, "control character"},
		{"trailing data", `{"a":1} {}`, "after the document"},
		{"too deep", strings.Repeat("[", 40) + strings.Repeat("]", 40), "deeper"},
		{"truncated", `{"a":`, "EOF"},
		{"not JSON", `garbage`, "invalid"},
		{"number too long", `[12345678901234567890]`, "not an integer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Canonical([]byte(tc.in))
			if err == nil {
				t.Fatalf("Canonical(%s) = %s, want an error", tc.in, got)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Canonical(%s): %v, want it to mention %q", tc.in, err, tc.want)
			}
		})
	}
}

// TestKeyID checks the key ID against the TUF definition written out by
// hand: the SHA-256 of the key object's canonical JSON.
func TestKeyID(t *testing.T) {
	pub := ed25519.NewKeyFromSeed(make([]byte, 32)).Public().(ed25519.PublicKey)
	doc := `{"keytype":"ed25519","keyval":{"public":"` + hex.EncodeToString(pub) + `"},"scheme":"ed25519"}`
	h := sha256.Sum256([]byte(doc))
	if got, want := PublicKey(pub).ID(), hex.EncodeToString(h[:]); got != want {
		t.Errorf("ID = %s, want %s", got, want)
	}
}

func TestPrivateKeyRoundTrip(t *testing.T) {
	s := NewSigner(ed25519.NewKeyFromSeed([]byte(strings.Repeat("k", 32))))
	b, err := s.MarshalPrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParsePrivateKey(b)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != s.ID {
		t.Errorf("read back key %s, want %s", got.ID, s.ID)
	}
	for _, bad := range []string{"", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", strings.Repeat("x", 20000)} {
		if _, err := ParsePrivateKey([]byte(bad)); err == nil {
			t.Errorf("ParsePrivateKey(%.30q) succeeded, want an error", bad)
		}
	}
}
