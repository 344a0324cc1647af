package verify_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/firmware/verify/dcc"
)

// BenchmarkVerifyDCC measures one scan of an ES256 DCC from the "HC1:" text
// to the verdict: Base45, inflate, COSE, trust lookup in a trust.Set, the
// signature, claims, schema and the engine's checks, with no policy. Compare
// it with BenchmarkBareP256Verify: the goal is at most 1.1 times that, and at
// most 15 allocations (the bare check makes 10).
func BenchmarkVerifyDCC(b *testing.B) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	kid := []byte{0x1c, 0x14, 0x43, 0xb3, 0x75, 0xa4, 0x5d, 0x07}
	issued := time.Date(2021, 6, 1, 8, 0, 0, 0, time.UTC)
	payload, err := dcc.Sign(dcc.Claims{
		Issuer:   "AT",
		IssuedAt: issued,
		Expires:  issued.AddDate(1, 0, 0),
		DGC: dcc.DGC{
			Ver:  "1.3.0",
			Name: dcc.PersonName{Family: "Musterfrau-Gößinger", FamilyICAO: "MUSTERFRAU<GOESSINGER", Given: "Gabriele", GivenICAO: "GABRIELE"},
			DOB:  "1998-02-26",
			V: []dcc.Vaccination{{
				Target: dcc.TargetCOVID19, Prophylaxis: "1119349007", Product: "EU/1/20/1528", Manufacturer: "ORG-100030215",
				Dose: 2, Series: 2, Date: "2021-05-18", Country: "AT", Issuer: "Ministry of Health, Austria",
				ID: "URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B",
			}},
		},
	}, key, kid)
	if err != nil {
		b.Fatal(err)
	}
	e := &verify.Engine{
		Formats: []verify.Format{dcc.New()},
		Trust:   trust.NewSet(dcc.TrustedKey(key.Public(), kid, "AT")),
	}
	at := issued.AddDate(0, 1, 0)
	if v := e.Verify(payload, at); v.Status != verify.Green {
		b.Fatalf("sample pass: got %v %+v, want green", v.Status, v.Reasons)
	}
	b.ReportAllocs()
	for b.Loop() {
		if v := e.Verify(payload, at); v.Status != verify.Green {
			b.Fatal(v.Reasons)
		}
	}
}

// BenchmarkBareP256Verify is the floor: one ECDSA P-256 signature check.
func BenchmarkBareP256Verify(b *testing.B) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	digest := sha256.Sum256([]byte("Signature1"))
	sig, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
	if err != nil {
		b.Fatal(err)
	}
	pub := &key.PublicKey
	b.ReportAllocs()
	for b.Loop() {
		if !ecdsa.VerifyASN1(pub, digest[:], sig) {
			b.Fatal("signature does not verify")
		}
	}
}

// BenchmarkVerifyDCCVector is BenchmarkVerifyDCC on a real issuer's test
// certificate (dgc-testdata AT 1, ES256), at its validation clock.
func BenchmarkVerifyDCCVector(b *testing.B) {
	root := dgcTestdata(b)
	raw, err := os.ReadFile(filepath.Join(root, "AT", "2DCode", "raw", "1.json"))
	if err != nil {
		b.Skipf("dgc-testdata AT 1: %v", err)
	}
	var v vector
	if err := json.Unmarshal(raw, &v); err != nil {
		b.Fatal(err)
	}
	der, err := base64.StdEncoding.DecodeString(v.TestCtx.Certificate)
	if err != nil {
		b.Fatal(err)
	}
	key, err := dcc.CertKey(der)
	if err != nil {
		b.Fatal(err)
	}
	at, err := parseClock(v.TestCtx.ValidationClock)
	if err != nil {
		b.Fatal(err)
	}
	e := &verify.Engine{Formats: verify.Formats(), Trust: trust.NewSet(key)}
	if got := e.Verify(v.Prefix, at); got.Status != verify.Green {
		b.Fatalf("AT 1: got %v %+v, want green", got.Status, got.Reasons)
	}
	b.ReportAllocs()
	for b.Loop() {
		if got := e.Verify(v.Prefix, at); got.Status != verify.Green {
			b.Fatal(got.Reasons)
		}
	}
}
