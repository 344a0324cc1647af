package dcc

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/trust"
)

var (
	iat = time.Date(2021, 6, 1, 8, 0, 0, 0, time.UTC)
	exp = iat.AddDate(1, 0, 0)

	ecKID  = []byte{1, 2, 3, 4, 5, 6, 7, 8}
	rsaKID = []byte{8, 7, 6, 5, 4, 3, 2, 1}
)

// The holder in every sample. Tests check that no error detail quotes it.
const (
	holderFN  = "Zqxwört-Vjk"
	holderFNT = "ZQXWOERT<VJK"
	holderGN  = "Ülfrida"
	holderGNT = "UELFRIDA"
	holderDOB = "1964-08-12"
)

var testKeys = sync.OnceValues(func() (*ecdsa.PrivateKey, *rsa.PrivateKey) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return ec, rk
})

func ecKey() *ecdsa.PrivateKey { k, _ := testKeys(); return k }
func rsaKey() *rsa.PrivateKey  { _, k := testKeys(); return k }

// testTrust trusts the EC key under ecKID and the RSA key under rsaKID.
func testTrust() *trust.Set {
	return trust.NewSet(
		TrustedKey(ecKey().Public(), ecKID, "AT"),
		TrustedKey(rsaKey().Public(), rsaKID, "AT"),
	)
}

func sampleName() PersonName {
	return PersonName{Family: holderFN, FamilyICAO: holderFNT, Given: holderGN, GivenICAO: holderGNT}
}

func vaccinationDGC() DGC {
	return DGC{Ver: "1.3.0", Name: sampleName(), DOB: holderDOB, V: []Vaccination{{
		Target: TargetCOVID19, Prophylaxis: "1119349007", Product: "EU/1/20/1528", Manufacturer: "ORG-100030215",
		Dose: 2, Series: 2, Date: "2021-05-18", Country: "AT", Issuer: "Ministry of Health, Austria",
		ID: "URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B",
	}}}
}

func testDGC() DGC {
	return DGC{Ver: "1.3.0", Name: sampleName(), DOB: holderDOB, T: []Test{{
		Target: TargetCOVID19, Type: TestRAT, Manufacturer: "1232", Sampled: "2021-05-30T10:12:22Z",
		Result: ResultNegative, Centre: "Testzentrum", Country: "AT", Issuer: "Ministry of Health, Austria",
		ID: "URN:UVCI:01:AT:71EE2559DE38C6BF7304FB65A1A451EC#3",
	}}}
}

func recoveryDGC() DGC {
	return DGC{Ver: "1.3.0", Name: sampleName(), DOB: holderDOB, R: []Recovery{{
		Target: TargetCOVID19, FirstPositive: "2021-02-20", Country: "AT", Issuer: "Ministry of Health, Austria",
		ValidFrom: "2021-04-04", ValidUntil: "2021-10-04", ID: "URN:UVCI:01:AT:858CC18CFCF5965EF82F60E493349AA5#K",
	}}}
}

func claimsOf(d DGC) Claims { return Claims{Issuer: "AT", IssuedAt: iat, Expires: exp, DGC: d} }

// mustSign signs c with the EC test key.
func mustSign(t testing.TB, c Claims) string {
	t.Helper()
	s, err := Sign(c, ecKey(), ecKID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// dgcMap is a vaccination certificate as a generic map, for tests that
// break the schema.
func dgcMap() map[string]any {
	return map[string]any{
		"ver": "1.3.0",
		"nam": map[string]any{"fn": holderFN, "fnt": holderFNT, "gn": holderGN, "gnt": holderGNT},
		"dob": holderDOB,
		"v": []any{map[string]any{
			"tg": TargetCOVID19, "vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
			"dn": 2, "sd": 2, "dt": "2021-05-18", "co": "AT", "is": "Ministry of Health, Austria",
			"ci": "URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B",
		}},
	}
}

// claimsMap wraps a certificate (any CBOR value) into CWT claims.
func claimsMap(dgc any) map[int]any {
	return map[int]any{1: "AT", 4: exp.Unix(), 6: iat.Unix(), -260: map[int]any{1: dgc}}
}

// sealValue encodes v as the CWT payload and signs it with the EC key.
func sealValue(t testing.TB, v any, o sealOpts) string {
	t.Helper()
	payload, err := encMode.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return sealBytes(t, payload, o)
}

func sealBytes(t testing.TB, payload []byte, o sealOpts) string {
	t.Helper()
	s, err := seal(payload, ecKey(), ecKID, o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// wantCode checks that err is a *pass.Error with code want whose detail
// does not quote the holder.
func wantCode(t testing.TB, err error, want pass.Code) {
	t.Helper()
	var pe *pass.Error
	if !errors.As(err, &pe) {
		t.Fatalf("got error %v (%T), want a *pass.Error with code %q", err, err, want)
	}
	if pe.Code != want {
		t.Errorf("code: got %q (%v), want %q", pe.Code, err, want)
	}
	noPersonalData(t, err.Error())
	t.Logf("%v", err)
}

func noPersonalData(t testing.TB, s string) {
	t.Helper()
	for _, p := range []string{holderFN, holderFNT, holderGN, holderGNT, holderDOB, "Zqx", "ZQX", "1964"} {
		if strings.Contains(s, p) {
			t.Errorf("error %q quotes personal data %q", s, p)
		}
	}
}

// signerFunc adapts a function to crypto.Signer.
type signerFunc struct {
	pub  crypto.PublicKey
	sign func(digest []byte, opts crypto.SignerOpts) ([]byte, error)
}

func (s signerFunc) Public() crypto.PublicKey { return s.pub }
func (s signerFunc) Sign(_ io.Reader, d []byte, o crypto.SignerOpts) ([]byte, error) {
	return s.sign(d, o)
}
