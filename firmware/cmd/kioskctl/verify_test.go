package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/firmware/verify/hksarg"
	"github.com/venuekiosk/venuekiosk/internal/command"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// TestVerifyWithPublishedTrustList: the trust list the repository
// publishes (and the simulator seeds) is a --trust input, so the samples can
// be tried by hand. Before, it failed with a JWKS error.
func TestVerifyWithPublishedTrustList(t *testing.T) {
	at := time.Now().UTC()
	s, err := samples.Make(at)
	if err != nil {
		t.Fatal(err)
	}
	list, err := repo.MarshalTrust(s.Trust)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "trust.json")
	if err := os.WriteFile(path, list, 0o644); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, sm := range s.Samples {
		if sm.Kind != "" || sm.Expect != "green" || sm.Reason != "" {
			continue
		}
		code, out, errOut := kioskctl(t, "", "verify", "--trust", path, "--policy", "none", "--json", sm.Payload)
		if code != command.ExitOK {
			t.Errorf("%s: exit %d, %s%s; want green", sm.Name, code, out, errOut)
			continue
		}
		var v struct{ Verdict string }
		if err := json.Unmarshal([]byte(out), &v); err != nil || v.Verdict != "green" {
			t.Errorf("%s: %s (%v)", sm.Name, out, err)
		}
		checked++
	}
	if checked < 3 {
		t.Fatalf("only %d green samples checked", checked)
	}
}

// TestVerifyRefusesHongKongKeyFromIssuerJWKS: a SMART
// Health Card issuer's JWKS (or any JWKS not declared for Hong Kong keys)
// must not mint Hong Kong record keys by naming a kid "HKSARG:…". Before,
// such a key verified a forged Hong Kong record green.
func TestVerifyRefusesHongKongKeyFromIssuerJWKS(t *testing.T) {
	attacker, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2022, 6, 1, 10, 0, 0, 0, time.UTC)
	forged, err := hksarg.Sign(hksarg.Record{Type: hksarg.Vaccination, Version: "3", Ref: "FORGED-0001", Doc: "Z000****", Name: "CHAN T** M**",
		Printed: at.Add(-time.Hour),
		Doses:   []hksarg.Dose{{Seq: 1, Date: at.AddDate(0, -3, 0), Vaccine: "BNT"}, {Seq: 2, Date: at.AddDate(0, -2, 0), Vaccine: "BNT"}}}, attacker)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, jwks trust.JWKS) string {
		b, err := json.Marshal(jwks)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	shcLike := trust.PublicJWK(&attacker.PublicKey, "HKSARG:VAC3")
	withIss := shcLike
	withIss.Iss = "https://issuer.example.invalid"
	issuerJWKS := write("issuer.jwks", trust.JWKS{Keys: []trust.JWK{shcLike}})
	issJWKS := write("iss.jwks", trust.JWKS{Keys: []trust.JWK{withIss}})
	for _, tt := range []struct {
		name, trust, want string
	}{
		{"an issuer JWKS naming an HKSARG kid", issuerJWKS, `kid "HKSARG:VAC3" is named as a Hong Kong record key`},
		{"the same declared for SHC", "shc:" + issuerJWKS, `kid "HKSARG:VAC3" is named as a Hong Kong record key`},
		{"a key with iss declared for Hong Kong", "hksarg:" + issJWKS, `names issuer "https://issuer.example.invalid", but every Hong Kong record key's issuer is HK`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := kioskctl(t, "", "verify", "--trust", tt.trust, "--at", at.Format(time.RFC3339), "--policy", "none", forged)
			if code != command.ExitUsage || !strings.Contains(errOut, tt.want) {
				t.Fatalf("exit %d, %s%s; want a usage error naming the conflict (%q)", code, out, errOut, tt.want)
			}
		})
	}
	// Declared for Hong Kong, without an issuer of its own, the key is one:
	// the record verifies (a real Hong Kong key input is declared so).
	code, out, errOut := kioskctl(t, "", "verify", "--trust", "hksarg:"+issuerJWKS, "--at", at.Format(time.RFC3339), "--policy", "none", forged)
	if code != command.ExitOK {
		t.Errorf("declared hksarg: exit %d, %s%s; want green", code, out, errOut)
	}
}
