package shc_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/firmware/verify/shc"
)

func TestVerifyGreen(t *testing.T) {
	payload := signedQR(t, goodClaims())
	v := engine(trustKey(t, testIss)).Verify(payload, now)
	if v.Status != verify.Green || len(v.Reasons) != 0 {
		t.Fatalf("got %v %+v, want green without reasons", v.Status, v.Reasons)
	}
	if got, want := v.Format, "shc"; got != want {
		t.Errorf("format: got %q, want %q", got, want)
	}
	if got, want := v.Holder, (pass.Holder{Name: "ZYXWVUT, Qwertyuiop B.", DOB: testDOB}); got != want {
		t.Errorf("holder: got %+v, want %+v", got, want)
	}
	if got, want := v.Issuer, testIss; got != want {
		t.Errorf("issuer: got %q, want %q", got, want)
	}
	if got, want := v.KID, kid1; got != want {
		t.Errorf("kid: got %q, want %q", got, want)
	}
	if got, want := v.PassID, pass.NewID(shc.Name, testIss+"#MKyCxh7p6uQ"); got != want {
		t.Errorf("pass ID: got %s, want %s", got, want)
	}
	if !v.Expires.IsZero() {
		t.Errorf("expires: got %v, want none", v.Expires)
	}
	if len(v.Kinds) != 1 || v.Kinds[0] != pass.Vaccination {
		t.Errorf("kinds: got %v, want [vaccination]", v.Kinds)
	}
}

func TestDecodePass(t *testing.T) {
	exp := now.AddDate(1, 0, 0).Unix()
	payload := signedQR(t, claimsJSON(testIss, issued, `,"exp":`+itoa(exp), "",
		patientJSON(testFamily, testGiven, testDOB),
		immunizationJSON("229", "2022-01-05T10:30:00+08:00"),
		`{"resourceType":"Immunization","status":"not-done","vaccineCode":{"coding":[{"system":"http://hl7.org/fhir/sid/cvx","code":"208"}]},"occurrenceDateTime":"2021-12-01"}`,
		immunizationJSON("150", "2021-10-01"), // influenza: not counted
		immunizationJSON("208", "2021-06-01"),
		`{"resourceType":"Immunization","status":"completed","vaccineCode":{"coding":[{"system":"http://snomed.info/sct","code":"1119349007"}]},"occurrenceDateTime":"2021-07-01"}`,
		`{"resourceType":"Location","name":"a string, not a HumanName"}`,
	))
	k := trustKey(t, "")
	p, err := shc.New().Decode(payload, engineTrust(k))
	if err != nil {
		t.Fatal(err)
	}
	want := []pass.Dose{
		{Date: day(2021, 6, 1), Dose: 1, Product: "208", Target: "840539006"},
		{Date: day(2021, 7, 1), Dose: 2, Product: "1119349007", Target: "840539006"},
		{Date: day(2022, 1, 5), Dose: 3, Product: "229", Target: "840539006"},
	}
	if len(p.Vaccinations) != len(want) {
		t.Fatalf("doses: got %+v, want %+v", p.Vaccinations, want)
	}
	for i := range want {
		if got := p.Vaccinations[i]; got != want[i] {
			t.Errorf("dose %d: got %+v, want %+v", i, got, want[i])
		}
	}
	if got, want := p.IssuedAt, time.Unix(issued, 0).UTC(); !got.Equal(want) {
		t.Errorf("issued: got %v, want %v", got, want)
	}
	if got, want := p.Expires, time.Unix(exp, 0).UTC(); !got.Equal(want) {
		t.Errorf("expires: got %v, want %v", got, want)
	}
	if p.Key != k || p.Format != shc.Name || p.KID != kid1 {
		t.Errorf("key: got %+v, format %q, kid %q", p.Key, p.Format, p.KID)
	}
	// Without rid, the ID comes from the signature in its low-s form.
	jwsText := decodeQR(t, payload)
	sig, _ := base64.RawURLEncoding.DecodeString(jwsText[strings.LastIndexByte(jwsText, '.')+1:])
	if got, want := p.ID, pass.NewID(shc.Name, testIss+"#"+b64(lowS(sig))); got != want {
		t.Errorf("pass ID: got %s, want %s", got, want)
	}
}

func TestDecodeLabResults(t *testing.T) {
	payload := signedQR(t, claimsJSON(testIss, issued, "", "",
		patientJSON(testFamily, testGiven, testDOB),
		observationJSON("94500-6", "2022-02-28T09:15:00Z", "260385009"),
		observationJSON("97097-0", "2022-02-27", "260373001"),
		observationJSON("718-7", "2022-02-26T09:15:00Z", "260385009"), // hemoglobin: ignored
		strings.Replace(observationJSON("94309-2", "2022-02-25T09:15:00Z", "260385009"), `"final"`, `"preliminary"`, 1),
		`{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"94309-2"}]},"effectiveDateTime":"2022-02-24T00:00:00Z","valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"260415000"}]}}`,
	))
	p, err := shc.New().Decode(payload, engineTrust(trustKey(t, testIss)))
	if err != nil {
		t.Fatal(err)
	}
	want := []pass.TestResult{
		{Sampled: time.Date(2022, 2, 24, 0, 0, 0, 0, time.UTC), Negative: true, Type: "naat", Target: "840539006"},
		{Sampled: time.Date(2022, 2, 26, 10, 0, 0, 0, time.UTC), Negative: false, Type: "rat", Target: "840539006"},
		{Sampled: time.Date(2022, 2, 28, 9, 15, 0, 0, time.UTC), Negative: true, Type: "naat", Target: "840539006"},
	}
	if len(p.Tests) != len(want) {
		t.Fatalf("tests: got %+v, want %+v", p.Tests, want)
	}
	for i := range want {
		if got := p.Tests[i]; !got.Sampled.Equal(want[i].Sampled) || got.Negative != want[i].Negative || got.Type != want[i].Type || got.Target != want[i].Target {
			t.Errorf("test %d: got %+v, want %+v", i, got, want[i])
		}
	}
	if len(p.Vaccinations) != 0 {
		t.Errorf("doses: got %+v, want none", p.Vaccinations)
	}
}

func TestVerifyWithPolicy(t *testing.T) {
	e := engine(trustKey(t, testIss))
	e.Policy = policy.Default()
	tests := []struct {
		name    string
		payload string
		want    verify.Status
	}{
		{"two doses", signedQR(t, goodClaims()), verify.Green},
		{"one dose", signedQR(t, claimsJSON(testIss, issued, "", "", patientJSON(testFamily, testGiven, testDOB), immunizationJSON("207", "2021-12-01"))), verify.Red},
		{"two flu shots", signedQR(t, claimsJSON(testIss, issued, "", "", patientJSON(testFamily, testGiven, testDOB), immunizationJSON("150", "2021-10-01"), immunizationJSON("150", "2021-11-01"))), verify.Red},
		{"negative PCR yesterday", signedQR(t, claimsJSON(testIss, issued, "", "", patientJSON(testFamily, testGiven, testDOB), observationJSON("94500-6", "2022-02-28T12:00:00Z", "260385009"))), verify.Green},
		{"positive PCR yesterday", signedQR(t, claimsJSON(testIss, issued, "", "", patientJSON(testFamily, testGiven, testDOB), observationJSON("94500-6", "2022-02-28T12:00:00Z", "260373001"))), verify.Red},
		{"negative antigen, day only, two days ago", signedQR(t, claimsJSON(testIss, issued, "", "", patientJSON(testFamily, testGiven, testDOB), observationJSON("97097-0", "2022-02-28", "260385009"))), verify.Red},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := e.Verify(tt.payload, now)
			if v.Status != tt.want {
				t.Errorf("got %v %+v, want %v", v.Status, v.Reasons, tt.want)
			}
		})
	}
}

// vector is a scan that must fail with code.
type vector struct {
	name   string
	qr     string
	code   pass.Code
	detail string // a substring of the detail, when it matters
}

func TestVerifyFailures(t *testing.T) {
	keys(t)
	good := jws(t, key1, stdHeader(t), deflate(t, []byte(goodClaims())))
	h64, rest, _ := strings.Cut(good, ".")
	p64, s64, _ := strings.Cut(rest, ".")
	sig, _ := base64.RawURLEncoding.DecodeString(s64)
	withHeader := func(h string) string { return qr(jws(t, key1, h, deflate(t, []byte(goodClaims())))) }
	withClaims := func(c string) string { return signedQR(t, c) }
	withSeg := func(seg []byte) string { return qr(jws(t, key1, stdHeader(t), seg)) }
	pt := patientJSON(testFamily, testGiven, testDOB)
	im := immunizationJSON("207", "2021-08-01")
	card := func(resources ...string) string { return withClaims(claimsJSON(testIss, issued, "", "", resources...)) }

	flipped := append([]byte(nil), sig...)
	flipped[5] ^= 0x01
	// A payload character swapped for another base64url character.
	i := len(p64) / 2
	swap := byte('A')
	if p64[i] == 'A' {
		swap = 'B'
	}
	tamperedPayload := h64 + "." + p64[:i] + string(swap) + p64[i+1:] + "." + s64
	otherKey := jws(t, key2, stdHeader(t), deflate(t, []byte(goodClaims())))
	bomb := deflate(t, []byte(`{"iss":"`+strings.Repeat("a", 300<<10)+`"}`))
	deep := claimsJSON(testIss, issued, `,"x":`+strings.Repeat("[", 40)+strings.Repeat("]", 40), "", pt, im)
	var many []string
	many = append(many, pt)
	for range shc.MaxEntries {
		many = append(many, `{"resourceType":"Specimen"}`)
	}

	vectors := []vector{
		// Tampering: each must fail the signature.
		{"payload character changed", qr(tamperedPayload), pass.Signature, ""},
		{"signature bit flipped", qr(h64 + "." + p64 + "." + b64(flipped)), pass.Signature, ""},
		{"header member added", qr(b64([]byte(`{"zip":"DEF","alg":"ES256","kid":"`+kid1+`","typ":"JWT"}`)) + "." + p64 + "." + s64), pass.Signature, ""},
		{"payload truncated", qr(h64 + "." + p64[:len(p64)-4] + "." + s64), pass.Signature, ""},
		{"signed by another key with our kid", qr(otherKey), pass.Signature, ""},
		{"signature of another card", qr(h64 + "." + p64 + "." + otherKey[strings.LastIndexByte(otherKey, '.')+1:]), pass.Signature, ""},
		{"zero signature", qr(h64 + "." + p64 + "." + b64(make([]byte, 64))), pass.Signature, ""},

		// Keys.
		{"unknown kid", withHeader(`{"zip":"DEF","alg":"ES256","kid":"someone-else"}`), pass.UnknownKey, "someone-else"},

		// QR text.
		{"multi-chunk", "shc:/1/2/" + qr(good)[5:], pass.UnsupportedFormat, "part 1 of a 2-part"},
		{"multi-chunk, last part", "shc:/3/3/5676", pass.UnsupportedFormat, "part 3 of a 3-part"},
		{"bad chunk header", "shc:/x/2/5676", pass.Encoding, "chunk header"},
		{"chunk beyond total", "shc:/4/3/5676", pass.Encoding, "chunk header"},
		{"no digits", "shc:/", pass.Encoding, "no digits"},
		{"odd digit count", qr(good) + "5", pass.Encoding, "odd number"},
		{"non-digit", qr(good)[:100] + "a" + qr(good)[101:], pass.Encoding, "non-digit at offset 95"},
		{"pair above 77", "shc:/78" + qr(good)[7:], pass.Encoding, "digit pair 78"},
		{"upper-case prefix", "SHC:/" + qr(good)[5:], pass.Prefix, ""},

		// JWS envelope.
		{"two segments", qr(h64 + "." + p64), pass.COSE, "2 segments"},
		{"four segments", qr(good + ".AAAA"), pass.COSE, "4 segments"},
		{"signature 63 bytes", qr(h64 + "." + p64 + "." + b64(sig[:63])), pass.COSE, "63 bytes"},
		{"DER signature", qr(h64 + "." + p64 + "." + b64(append([]byte{0x30, 0x44, 0x02, 0x20}, sig...))), pass.COSE, ""},
		{"header not base64url", qr("eyJ?" + h64[4:] + "." + p64 + "." + s64), pass.Encoding, "header"},
		{"header padded", qr(h64 + "=." + p64 + "." + s64), pass.Encoding, "header"},
		{"signature not base64url", qr(h64 + "." + p64 + "." + s64[:10] + "@" + s64[11:]), pass.Encoding, "signature"},
		{"payload not base64url", qr(jwsSegments(t, stdHeader(t), p64[:10]+"?"+p64[11:])), pass.Encoding, "payload"},

		// Header.
		{"header not JSON", withHeader(`zip=DEF`), pass.Schema, "header"},
		{"header is an array", withHeader(`["ES256"]`), pass.Schema, "header"},
		{"alg is a number", withHeader(`{"zip":"DEF","alg":256,"kid":"` + kid1 + `"}`), pass.Schema, "header"},
		{"no alg", withHeader(`{"zip":"DEF","kid":"` + kid1 + `"}`), pass.Schema, "no alg"},
		{"alg none", qr(b64([]byte(`{"zip":"DEF","alg":"none","kid":"`+kid1+`"}`)) + "." + p64 + "."), pass.UnsupportedFormat, `"none"`},
		{"alg HS256", withHeader(`{"zip":"DEF","alg":"HS256","kid":"` + kid1 + `"}`), pass.UnsupportedFormat, "HS256"},
		{"alg ES384", withHeader(`{"zip":"DEF","alg":"ES384","kid":"` + kid1 + `"}`), pass.UnsupportedFormat, "ES384"},
		{"no zip", qr(jws(t, key1, `{"alg":"ES256","kid":"`+kid1+`"}`, []byte(goodClaims()))), pass.UnsupportedFormat, "not compressed"},
		{"zip GZIP", withHeader(`{"zip":"GZIP","alg":"ES256","kid":"` + kid1 + `"}`), pass.UnsupportedFormat, "GZIP"},
		{"crit", withHeader(`{"zip":"DEF","alg":"ES256","kid":"` + kid1 + `","crit":["b64"],"b64":false}`), pass.UnsupportedFormat, "critical"},
		{"no kid", withHeader(`{"zip":"DEF","alg":"ES256"}`), pass.Schema, "no kid"},
		{"empty kid", withHeader(`{"zip":"DEF","alg":"ES256","kid":""}`), pass.Schema, "no kid"},
		{"kid with a space", withHeader(`{"zip":"DEF","alg":"ES256","kid":"a b"}`), pass.Schema, "kid"},
		{"kid too long", withHeader(`{"zip":"DEF","alg":"ES256","kid":"` + strings.Repeat("k", 129) + `"}`), pass.Schema, "kid"},
		{"header over 1 KiB", withHeader(`{"zip":"DEF","alg":"ES256","kid":"` + kid1 + `","x":"` + strings.Repeat("x", 1100) + `"}`), pass.TooLarge, "header"},

		// Compression.
		{"inflate bomb", withSeg(bomb), pass.TooLarge, "inflates past"},
		{"not DEFLATE", withSeg([]byte(goodClaims())), pass.Decompress, ""},
		{"zlib wrapper", withSeg(append([]byte{0x78, 0xda}, deflate(t, []byte(goodClaims()))...)), pass.Decompress, ""},
		{"truncated stream", withSeg(deflate(t, []byte(goodClaims()))[:40]), pass.Decompress, ""},
		{"bytes after the stream", withSeg(append(deflate(t, []byte(goodClaims())), 0, 0)), pass.Decompress, "follow the end"},
		{"empty payload", withSeg(nil), pass.Decompress, ""},

		// Claims.
		{"payload not JSON", withClaims(`{"iss":`), pass.Schema, "not valid JSON"},
		{"payload is an array", withClaims(`[1,2]`), pass.Schema, "payload"},
		{"nested too deep", withClaims(deep), pass.TooLarge, "deeper than 32"},
		{"no iss", withClaims(strings.Replace(goodClaims(), `"iss":"`+testIss+`",`, "", 1)), pass.Schema, "no iss"},
		{"iss is a number", withClaims(strings.Replace(goodClaims(), `"iss":"`+testIss+`"`, `"iss":42`, 1)), pass.Schema, "iss is a JSON number, want string"},
		{"iss over http", withClaims(claimsJSON("http://issuer.example.org", issued, "", "", pt, im)), pass.Schema, "https"},
		{"iss with trailing slash", withClaims(claimsJSON(testIss+"/", issued, "", "", pt, im)), pass.Schema, "trailing slash"},
		{"no nbf", withClaims(strings.Replace(goodClaims(), `"nbf":`+itoa(issued)+`,`, "", 1)), pass.Schema, "no nbf"},
		{"nbf is a string", withClaims(strings.Replace(goodClaims(), `"nbf":`+itoa(issued), `"nbf":"`+itoa(issued)+`"`, 1)), pass.Schema, "nbf is a JSON string, want number"},
		{"nbf negative", withClaims(claimsJSON(testIss, -5, "", "", pt, im)), pass.Schema, "nbf"},
		{"nbf beyond 9999", withClaims(claimsJSON(testIss, 1e12, "", "", pt, im)), pass.Schema, "nbf"},
		{"exp is a string", withClaims(claimsJSON(testIss, issued, `,"exp":"soon"`, "", pt, im)), pass.Schema, "exp"},
		{"no vc", withClaims(`{"iss":"` + testIss + `","nbf":1}`), pass.Schema, "no vc"},
		{"vc is a string", withClaims(`{"iss":"` + testIss + `","nbf":1,"vc":"card"}`), pass.Schema, "vc is a JSON string, want object"},
		{"vc.type is a string", withClaims(strings.Replace(goodClaims(), `"type":["https://smarthealth.cards#health-card"]`, `"type":"https://smarthealth.cards#health-card"`, 1)), pass.Schema, "vc.type is a JSON string, want array"},
		{"vc.type without health-card", withClaims(strings.Replace(goodClaims(), `"type":["https://smarthealth.cards#health-card"]`, `"type":["VerifiableCredential"]`, 1)), pass.Schema, "vc.type"},
		{"rid too long", withClaims(claimsJSON(testIss, issued, "", `,"rid":"`+strings.Repeat("r", 25)+`"`, pt, im)), pass.Schema, "rid"},
		{"rid with a dot", withClaims(claimsJSON(testIss, issued, "", `,"rid":"abc.1636977600"`, pt, im)), pass.Schema, "rid"},
		{"rid is a number", withClaims(claimsJSON(testIss, issued, "", `,"rid":7`, pt, im)), pass.Schema, "rid"},
		{"no credentialSubject", withClaims(`{"iss":"` + testIss + `","nbf":1,"vc":{"type":["https://smarthealth.cards#health-card"]}}`), pass.Schema, "credentialSubject"},
		{"no fhirVersion", withClaims(strings.Replace(goodClaims(), `"fhirVersion":"4.0.1",`, "", 1)), pass.Schema, "fhirVersion"},
		{"FHIR DSTU2", withClaims(strings.Replace(goodClaims(), `"fhirVersion":"4.0.1"`, `"fhirVersion":"1.0.2"`, 1)), pass.UnsupportedFormat, "fhirVersion is not 4.x"},
		{"bundle of another type", withClaims(strings.Replace(goodClaims(), `"type":"collection"`, `"type":"document"`, 1)), pass.Schema, "collection"},
		{"not a Bundle", withClaims(strings.Replace(goodClaims(), `"resourceType":"Bundle"`, `"resourceType":"Patient"`, 1)), pass.Schema, "Bundle"},
		{"entry is an object", withClaims(`{"iss":"` + testIss + `","nbf":1,"vc":{"type":["https://smarthealth.cards#health-card"],"credentialSubject":{"fhirVersion":"4.0.1","fhirBundle":{"resourceType":"Bundle","type":"collection","entry":{"fullUrl":"resource:0"}}}}}`), pass.Schema, "entry is a JSON object, want array"},
		{"no entries", withClaims(claimsJSON(testIss, issued, "", "")), pass.Schema, "no entries"},
		{"too many entries", card(many...), pass.TooLarge, "entries"},

		// Resources.
		{"missing Patient", card(im), pass.Schema, "no Patient"},
		{"two Patients", card(pt, pt, im), pass.Schema, "more than one Patient"},
		{"entry without resource", withClaims(strings.Replace(claimsJSON(testIss, issued, "", "", pt, im), `"resource":`+im, `"resource":null`, 1)), pass.Schema, "entry 1 has no resource"},
		{"resource is a string", card(pt, `"Immunization"`), pass.Schema, "entry 1"},
		{"resource without resourceType", card(pt, `{"status":"completed"}`), pass.Schema, "resourceType"},
		{"resourceType is a number", card(pt, `{"resourceType":7}`), pass.Schema, "resourceType"},
		{"Patient without name", card(`{"resourceType":"Patient","birthDate":"1951"}`, im), pass.Schema, "no name"},
		{"Patient name is a string", card(`{"resourceType":"Patient","name":"John","birthDate":"1951"}`, im), pass.Schema, "name is a JSON string, want array"},
		{"Patient name empty", card(`{"resourceType":"Patient","name":[{"given":[" "]}],"birthDate":"1951"}`, im), pass.Schema, "neither family nor given"},
		{"family is a number", card(`{"resourceType":"Patient","name":[{"family":1}],"birthDate":"1951"}`, im), pass.Schema, "family is a JSON number, want string"},
		{"given is a string", card(`{"resourceType":"Patient","name":[{"family":"A","given":"B"}],"birthDate":"1951"}`, im), pass.Schema, "given is a JSON string, want array"},
		{"name with a control character", card(`{"resourceType":"Patient","name":[{"family":"A\u0007B"}],"birthDate":"1951"}`, im), pass.Schema, "control"},
		{"name too long", card(`{"resourceType":"Patient","name":[{"family":"`+strings.Repeat("A", 201)+`"}],"birthDate":"1951"}`, im), pass.TooLarge, "name"},
		{"no birthDate", card(`{"resourceType":"Patient","name":[{"family":"A"}]}`, im), pass.Schema, "no birthDate"},
		{"birthDate is a number", card(`{"resourceType":"Patient","name":[{"family":"A"}],"birthDate":19510120}`, im), pass.Schema, "birthDate is a JSON number, want string"},
		{"birthDate not a date", card(patientJSON(testFamily, testGiven, "1951-02-30"), im), pass.Schema, "birthDate"},
		{"birthDate with a time", card(patientJSON(testFamily, testGiven, "1951-01-20T00:00:00Z"), im), pass.Schema, "birthDate"},
		{"Immunization without status", card(pt, strings.Replace(im, `"status":"completed",`, "", 1)), pass.Schema, "no status"},
		{"status is a number", card(pt, strings.Replace(im, `"status":"completed"`, `"status":1`, 1)), pass.Schema, "status is a JSON number, want string"},
		{"no vaccineCode", card(pt, `{"resourceType":"Immunization","status":"completed","occurrenceDateTime":"2021-08-01"}`), pass.Schema, "vaccineCode"},
		{"coding is an object", card(pt, `{"resourceType":"Immunization","status":"completed","vaccineCode":{"coding":{"code":"207"}},"occurrenceDateTime":"2021-08-01"}`), pass.Schema, "coding is a JSON object, want array"},
		{"code is a number", card(pt, `{"resourceType":"Immunization","status":"completed","vaccineCode":{"coding":[{"system":"http://hl7.org/fhir/sid/cvx","code":207}]},"occurrenceDateTime":"2021-08-01"}`), pass.Schema, "code is a JSON number, want string"},
		{"empty CVX code", card(pt, immunizationJSON("", "2021-08-01")), pass.Schema, "empty code"},
		{"no occurrenceDateTime", card(pt, strings.Replace(im, `,"occurrenceDateTime":"2021-08-01"`, "", 1)), pass.Schema, "occurrenceDateTime"},
		{"occurrence month only", card(pt, immunizationJSON("207", "2021-08")), pass.Schema, "occurrenceDateTime"},
		{"occurrence without zone", card(pt, immunizationJSON("207", "2021-08-01T10:00:00")), pass.Schema, "occurrenceDateTime"},
		{"occurrence not a date", card(pt, immunizationJSON("207", "2021-13-01")), pass.Schema, "occurrenceDateTime"},
		{"Observation without code", card(pt, `{"resourceType":"Observation","status":"final"}`), pass.Schema, "no code"},
		{"test without value", card(pt, `{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"94500-6"}]},"effectiveDateTime":"2022-02-28"}`), pass.Schema, "valueCodeableConcept"},
		{"test without time", card(pt, `{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"94500-6"}]},"valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"260385009"}]}}`), pass.Schema, "effectiveDateTime"},
		{"test without status", card(pt, strings.Replace(observationJSON("94500-6", "2022-02-28", "260385009"), `"status":"final",`, "", 1)), pass.Schema, "no status"},
		{"test sampled in a year", card(pt, observationJSON("94500-6", "2022", "260385009")), pass.Schema, "effectiveDateTime"},
	}
	e := engine(trustKey(t, testIss))
	for _, tt := range vectors {
		t.Run(tt.name, func(t *testing.T) {
			v := e.Verify(tt.qr, now)
			checkRed(t, v, tt.code, tt.detail)
		})
	}
}

func checkRed(t *testing.T, v *verify.Verdict, code pass.Code, detail string) {
	t.Helper()
	if v.Status != verify.Red {
		t.Fatalf("status: got %v, want red with %s", v.Status, code)
	}
	if len(v.Reasons) != 1 {
		t.Fatalf("reasons: got %+v, want one with code %s", v.Reasons, code)
	}
	r := v.Reasons[0]
	if r.Code != code {
		t.Errorf("code: got %s (%s), want %s", r.Code, r.Detail, code)
	}
	if !strings.Contains(r.Detail, detail) {
		t.Errorf("detail: got %q, want it to contain %q", r.Detail, detail)
	}
	for _, secret := range []string{testFamily, strings.ToUpper(testFamily), testGiven, testDOB, "1951"} {
		if strings.Contains(r.Detail, secret) {
			t.Errorf("detail %q names the holder (%q)", r.Detail, secret)
		}
	}
	if v.Holder != (pass.Holder{}) || !v.PassID.IsZero() {
		t.Errorf("a failed decode must not carry holder or pass ID: %+v", v)
	}
}

func TestIssuer(t *testing.T) {
	payload := signedQR(t, goodClaims())
	other := trustKey(t, "https://other.example.org")
	open := trustKey(t, "")
	exact := trustKey(t, testIss)
	tests := []struct {
		name string
		keys []*pass.Key
		want *pass.Key // nil: issuer mismatch
	}{
		{"key for another issuer", []*pass.Key{other}, nil},
		{"key for any issuer", []*pass.Key{open}, open},
		{"exact issuer wins over any", []*pass.Key{open, other, exact}, exact},
		{"another issuer and any", []*pass.Key{other, open}, open},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := shc.New().Decode(payload, engineTrust(tt.keys...))
			if tt.want == nil {
				var pe *pass.Error
				if !errors.As(err, &pe) || pe.Code != pass.UnknownKey || !strings.Contains(pe.Detail, "issuer mismatch") {
					t.Fatalf("got %v, %v; want unknown_key: issuer mismatch", p, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Key != tt.want {
				t.Errorf("key: got %+v, want %+v", p.Key, tt.want)
			}
		})
	}
}

func TestUnusableKeys(t *testing.T) {
	payload := signedQR(t, goodClaims())
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	for _, pub := range []any{&rsaKey.PublicKey, &p384.PublicKey, nil, &key2.PublicKey} {
		k := &pass.Key{Format: shc.Name, KID: kid1, Public: pub}
		_, err := shc.New().Decode(payload, engineTrust(k))
		if got := pass.CodeOf(err); got != pass.Signature {
			t.Errorf("%T: got %v, want signature", pub, err)
		}
	}
}

type brokenTrust struct{}

func (brokenTrust) Keys(string, string) ([]*pass.Key, error) { return nil, errors.New("disk on fire") }

// shcOnly answers only for the "shc" format, failing the test otherwise.
type shcOnly struct {
	t    *testing.T
	keys []*pass.Key
}

func (s shcOnly) Keys(format, kid string) ([]*pass.Key, error) {
	if format != shc.Name {
		s.t.Errorf("Keys asked for format %q", format)
	}
	var out []*pass.Key
	for _, k := range s.keys {
		if k.KID == kid {
			out = append(out, k)
		}
	}
	return out, nil
}

func TestDecodeDirect(t *testing.T) {
	keys(t)
	f := shc.New()
	if got, want := f.Name(), "shc"; got != want {
		t.Errorf("name: got %q, want %q", got, want)
	}
	for _, tt := range []struct {
		in   string
		want bool
	}{{"shc:/56", true}, {"shc:/", true}, {"SHC:/56", false}, {"shc:56", false}, {"HC1:shc:/", false}, {"", false}} {
		t.Run(tt.in, func(t *testing.T) {
			if got := f.Match(tt.in); got != tt.want {
				t.Errorf("Match(%q): got %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	payload := signedQR(t, goodClaims())
	if _, err := f.Decode(payload, brokenTrust{}); pass.CodeOf(err) != pass.Internal || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("broken trust: got %v, want internal", err)
	}
	if _, err := f.Decode(payload, nil); pass.CodeOf(err) != pass.Internal {
		t.Errorf("nil trust: got %v, want internal", err)
	}
	if _, err := f.Decode(payload, shcOnly{t, []*pass.Key{trustKey(t, testIss)}}); err != nil {
		t.Errorf("shc-only trust: %v", err)
	}
	huge := "shc:/" + strings.Repeat("56", shc.MaxJWS+1)
	if _, err := f.Decode(huge, shcOnly{t, nil}); pass.CodeOf(err) != pass.TooLarge {
		t.Errorf("%d digits: got %v, want too_large", len(huge)-5, err)
	}
}

func TestMalleableSignatureKeepsID(t *testing.T) {
	keys(t)
	// A card without rid: its ID comes from the signature.
	good := jws(t, key1, stdHeader(t), deflate(t, []byte(claimsJSON(testIss, issued, "", "", patientJSON(testFamily, testGiven, testDOB), immunizationJSON("207", "2021-08-01")))))
	cut := strings.LastIndexByte(good, '.')
	sig, _ := base64.RawURLEncoding.DecodeString(good[cut+1:])
	n := elliptic.P256().Params().N
	s := new(big.Int).SetBytes(sig[32:])
	twin := append([]byte(nil), sig...)
	new(big.Int).Sub(n, s).FillBytes(twin[32:])
	e := engine(trustKey(t, testIss))
	a := e.Verify(qr(good), now)
	b := e.Verify(qr(good[:cut+1]+b64(twin)), now)
	if a.Status != verify.Green || b.Status != verify.Green {
		t.Fatalf("got %v %+v and %v %+v, want both green", a.Status, a.Reasons, b.Status, b.Reasons)
	}
	if a.PassID != b.PassID {
		t.Errorf("pass IDs differ for the two spellings of one signature: %s, %s", a.PassID, b.PassID)
	}
}

func TestValidityWindow(t *testing.T) {
	e := engine(trustKey(t, testIss))
	pt := patientJSON(testFamily, testGiven, testDOB)
	im := immunizationJSON("207", "2021-08-01")
	tests := []struct {
		name   string
		claims string
		want   pass.Code
	}{
		{"expired", claimsJSON(testIss, issued, `,"exp":`+itoa(now.Add(-time.Hour).Unix()), "", pt, im), pass.Expired},
		{"not yet valid", claimsJSON(testIss, now.Add(time.Hour).Unix(), "", "", pt, im), pass.NotYetValid},
		{"fractional nbf just passed", strings.Replace(claimsJSON(testIss, now.Unix()-1, "", "", pt, im), `"nbf":`+itoa(now.Unix()-1), `"nbf":`+itoa(now.Unix()-1)+".5", 1), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := e.Verify(signedQR(t, tt.claims), now)
			switch {
			case tt.want == "" && v.Status != verify.Green:
				t.Errorf("got %v %+v, want green", v.Status, v.Reasons)
			case tt.want != "" && !v.Has(tt.want):
				t.Errorf("got %v %+v, want %s", v.Status, v.Reasons, tt.want)
			}
		})
	}
}

func TestConcurrentDecode(t *testing.T) {
	// Decoders share a pool of inflaters; each card must come out whole.
	e := engine(trustKey(t, testIss))
	cards := make([]string, 4)
	for i := range cards {
		family := testFamily + strings.Repeat("x", i)
		cards[i] = signedQR(t, claimsJSON(testIss, issued, "", "", patientJSON(family, testGiven, testDOB), immunizationJSON("207", "2021-08-01")))
	}
	errs := make(chan string, 64)
	done := make(chan bool)
	for g := range 8 {
		go func() {
			defer func() { done <- true }()
			for n := range 20 {
				i := (g + n) % len(cards)
				v := e.Verify(cards[i], now)
				want := strings.ToUpper(testFamily+strings.Repeat("x", i)) + ", " + testGiven + " B."
				if v.Status != verify.Green || v.Holder.Name != want {
					errs <- v.Holder.Name
					return
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
	close(errs)
	for name := range errs {
		t.Errorf("got holder %q from a concurrent decode", name)
	}
}
