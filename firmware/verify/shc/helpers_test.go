package shc_test

import (
	"bytes"
	"compress/flate"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/firmware/verify/shc"
)

var _ verify.Format = shc.New()

// The tests build their vectors with code of their own (JSON by hand, the
// numeric encoding, DEFLATE, ES256), not with the package's issuing side,
// so a bug shared by both sides cannot hide.

const (
	testIss    = "https://issuer.example.org/shc"
	testFamily = "Zyxwvut"
	testGiven  = "Qwertyuiop"
	testDOB    = "1951-01-20"
)

var (
	now     = time.Date(2022, 3, 1, 12, 0, 0, 0, time.UTC)
	keyOnce sync.Once
	key1    *ecdsa.PrivateKey // the trusted issuer key
	key2    *ecdsa.PrivateKey // an untrusted key
	kid1    string
)

func keys(t testing.TB) {
	t.Helper()
	keyOnce.Do(func() {
		var err error
		if key1, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
		if key2, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
		if kid1, err = shc.KID(&key1.PublicKey); err != nil {
			panic(err)
		}
	})
}

// trustKey returns key1 as a trusted "shc" key for issuer iss ("": any).
func trustKey(t testing.TB, iss string) *pass.Key {
	t.Helper()
	keys(t)
	return &pass.Key{Format: shc.Name, KID: kid1, Issuer: iss, Public: &key1.PublicKey}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// deflate compresses b with raw DEFLATE.
func deflate(t testing.TB, b []byte) []byte {
	t.Helper()
	var z bytes.Buffer
	w, err := flate.NewWriter(&z, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	w.Close()
	return z.Bytes()
}

// es256 signs the ASCII signing input with key and returns r‖s.
func es256(t testing.TB, key *ecdsa.PrivateKey, signed string) []byte {
	t.Helper()
	d := sha256.Sum256([]byte(signed))
	r, s, err := ecdsa.Sign(rand.Reader, key, d[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return sig
}

// jws assembles a compact JWS from a header, payload segment bytes (already
// compressed, or not) and signs it with key.
func jws(t testing.TB, key *ecdsa.PrivateKey, header string, payloadSeg []byte) string {
	t.Helper()
	signed := b64([]byte(header)) + "." + b64(payloadSeg)
	return signed + "." + b64(es256(t, key, signed))
}

// stdHeader is the header of key1.
func stdHeader(t testing.TB) string {
	keys(t)
	return `{"zip":"DEF","alg":"ES256","kid":"` + kid1 + `"}`
}

// qr encodes a JWS as QR text: two digits per character, c-45.
func qr(s string) string {
	var sb strings.Builder
	sb.WriteString("shc:/")
	for _, c := range []byte(s) {
		fmt.Fprintf(&sb, "%02d", int(c)-45)
	}
	return sb.String()
}

// signedQR signs payload JSON with key1 under the standard header.
func signedQR(t testing.TB, payload string) string {
	t.Helper()
	return qr(jws(t, key1, stdHeader(t), deflate(t, []byte(payload))))
}

// Resources as JSON text.
func patientJSON(family, given, dob string) string {
	return `{"resourceType":"Patient","name":[{"family":"` + family + `","given":["` + given + `","B."]}],"birthDate":"` + dob + `"}`
}

func immunizationJSON(cvx, date string) string {
	return `{"resourceType":"Immunization","status":"completed","vaccineCode":{"coding":[{"system":"http://hl7.org/fhir/sid/cvx","code":"` + cvx + `"}]},"patient":{"reference":"resource:0"},"occurrenceDateTime":"` + date + `","lotNumber":"0000001"}`
}

func observationJSON(loinc, when, result string) string {
	return `{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"` + loinc + `"}]},"subject":{"reference":"resource:0"},"effectiveDateTime":"` + when + `","valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"` + result + `"}]}}`
}

// claimsJSON wraps resources into a claim set. extra is spliced into the
// vc object (e.g. `,"rid":"abc"`).
func claimsJSON(iss string, nbf int64, extraTop, extraVC string, resources ...string) string {
	var entries []string
	for i, r := range resources {
		entries = append(entries, fmt.Sprintf(`{"fullUrl":"resource:%d","resource":%s}`, i, r))
	}
	return fmt.Sprintf(`{"iss":%q,"nbf":%d%s,"vc":{"type":["https://smarthealth.cards#health-card"],"credentialSubject":{"fhirVersion":"4.0.1","fhirBundle":{"resourceType":"Bundle","type":"collection","entry":[%s]}}%s}}`,
		iss, nbf, extraTop, strings.Join(entries, ","), extraVC)
}

var issued = now.AddDate(0, -1, 0).Unix()

// goodClaims is a card with two Moderna doses, given out of order.
func goodClaims() string {
	return claimsJSON(testIss, issued, "", `,"rid":"MKyCxh7p6uQ"`,
		patientJSON(testFamily, testGiven, testDOB),
		immunizationJSON("207", "2021-08-29"),
		immunizationJSON("207", "2021-08-01"))
}

// engine returns an engine reading SHC against keys, authenticity only.
func engine(ks ...*pass.Key) *verify.Engine {
	return &verify.Engine{Formats: []verify.Format{shc.New()}, Trust: trust.NewSet(ks...)}
}

// mustJSON marshals v.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func engineTrust(ks ...*pass.Key) pass.Trust { return trust.NewSet(ks...) }

// decodeQR undoes qr.
func decodeQR(t testing.TB, s string) string {
	t.Helper()
	d := strings.TrimPrefix(s, "shc:/")
	out := make([]byte, len(d)/2)
	for i := range out {
		n, err := strconv.Atoi(d[2*i : 2*i+2])
		if err != nil {
			t.Fatal(err)
		}
		out[i] = byte(n + 45)
	}
	return string(out)
}

// lowS replaces s by n-s when s is in the upper half.
func lowS(sig []byte) []byte {
	n := elliptic.P256().Params().N
	s := new(big.Int).SetBytes(sig[32:])
	if s.Cmp(new(big.Int).Rsh(n, 1)) <= 0 {
		return sig
	}
	out := append([]byte(nil), sig...)
	new(big.Int).Sub(n, s).FillBytes(out[32:])
	return out
}

// jwsSegments signs header and a payload segment given as text.
func jwsSegments(t testing.TB, header, payloadSeg string) string {
	t.Helper()
	keys(t)
	signed := b64([]byte(header)) + "." + payloadSeg
	return signed + "." + b64(es256(t, key1, signed))
}
