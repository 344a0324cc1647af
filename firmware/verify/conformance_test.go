package verify_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	_ "image/png"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/firmware/verify/dcc"
)

// The EU dgc-testdata vectors (github.com/eu-digital-green-certificates/
// dgc-testdata), kept beside the repository in shared/testdata/dgc.
//
// Each JSON file holds a QR payload, its signer certificate, a validation
// clock and the expected outcome of each stage. A file whose expectations
// are all true must verify green with no policy at the validation clock; a
// file with a false expectation must be red, and every reason must be one
// the failing stage can produce.

// stageCodes are the reason codes each dgc-testdata stage may fail with.
var stageCodes = map[string][]pass.Code{
	"EXPECTEDUNPREFIX":         {pass.Prefix},
	"EXPECTEDB45DECODE":        {pass.Base45},
	"EXPECTEDCOMPRESSION":      {pass.Decompress},
	"EXPECTEDDECODE":           {pass.CBOR, pass.COSE},
	"EXPECTEDVERIFY":           {pass.Signature, pass.UnknownKey, pass.COSE},
	"EXPECTEDSCHEMAVALIDATION": {pass.Schema},
	"EXPECTEDEXPIRATIONCHECK":  {pass.Expired, pass.NotYetValid},
	"EXPECTEDKEYUSAGE":         {pass.KeyUsage},
}

// pictureStage is judged on the PNG, not on the payload.
const pictureStage = "EXPECTEDPICTUREDECODE"

// A dispute is a vector whose expectation this verifier does not share, and
// why, argued from the specifications. Disputed vectors are counted and
// listed, never silently passed: a vector is disputed only when it matches
// a rule below, and the rule's argument is printed with it.
type dispute struct {
	name     string
	argument string
	// applies reports whether the rule covers vector v (at path) judged
	// verdict at the validation clock at.
	applies func(path string, v *vector, verdict *verify.Verdict, at time.Time) bool
}

var disputes = []dispute{
	{
		name: "validation clock at exp",
		argument: "the validation clock equals the certificate's exp; RFC 8392 section 3.1.4 defines exp as the time " +
			"\"on or after which the JWT MUST NOT be accepted for processing\", and hcert section 3.3.5 has verifiers " +
			"reject the payload as expired after it",
		applies: func(_ string, v *vector, verdict *verify.Verdict, at time.Time) bool {
			return v.genuine() && onlyReasons(verdict, pass.Expired) && verdict.Expires.Equal(at)
		},
	},
	{
		name: "validation clock before iat, expiry not tested",
		argument: "the validation clock is before the certificate's iat and the file sets no EXPECTEDEXPIRATIONCHECK " +
			"(dgc-testdata README: \"when not set, this specific validation step is not tested\"); the kiosk " +
			"refuses a certificate dated after the check, as hcert section 3.3.6 lets verifiers restrict validity by iat",
		applies: func(_ string, v *vector, verdict *verify.Verdict, at time.Time) bool {
			_, set := v.Expected["EXPECTEDEXPIRATIONCHECK"]
			return v.genuine() && !set && onlyReasons(verdict, pass.NotYetValid)
		},
	},
	{
		name: "key usage not tested",
		argument: "the file sets no EXPECTEDKEYUSAGE, and its signer certificate's extended key usages do not " +
			"cover the certificate type; hcert appendix A.4: \"the verifiers SHALL verify the key usage\"",
		applies: func(_ string, v *vector, verdict *verify.Verdict, _ time.Time) bool {
			_, set := v.Expected["EXPECTEDKEYUSAGE"]
			return v.genuine() && !set && onlyReasons(verdict, pass.KeyUsage)
		},
	},
	{
		name: "no extended key usage",
		argument: "the signer certificate has no DCC extended key usage; hcert appendix A.4: \"in absence of any key " +
			"usage extension ... this certificate can be used to validate any type of HCERT\"",
		applies: func(path string, v *vector, verdict *verify.Verdict, _ time.Time) bool {
			return path == "IS/2DCode/raw/3.json" && verdict.Status == verify.Green
		},
	},
	{
		name: "value-set membership",
		argument: "the certificate matches the declared schema; only a value is not in the eHealth Network value " +
			"set (an unknown test device, country or manufacturer). The schemas mark value sets with \"valueset-uri\", " +
			"an annotation, and the schema README puts \"the burden of conformity\" on the business rules: value " +
			"sets grow over time, and a kiosk with an older list would turn genuine certificates red. The entry " +
			"policy decides",
		applies: func(path string, v *vector, verdict *verify.Verdict, _ time.Time) bool {
			return valueSetVectors[path] && verdict.Status == verify.Green
		},
	},
	{
		name: "given name without transliteration",
		argument: "nam.gn holds text with no ICAO 9303 transliteration (emoji) and nam.gnt is empty: every schema " +
			"version accepts both (gn has no pattern; \"\" matches ^[A-Z<]*$). The Netherlands' expectation is a " +
			"rule of its own, and the name never changes the decision",
		applies: func(path string, v *vector, verdict *verify.Verdict, _ time.Time) bool {
			return v.JSON != nil && v.JSON.Name["gn"] != "" && v.JSON.Name["gnt"] == "" &&
				v.failing("EXPECTEDSCHEMAVALIDATION") && verdict.Status == verify.Green
		},
	},
}

// valueSetVectors are Poland's negatives 7-9 of every schema version: an
// unknown RAT device (ma "9999"), country ("XY") and manufacturer
// ("ORG-99999999").
var valueSetVectors = func() map[string]bool {
	m := map[string]bool{}
	for _, ver := range []string{"1.0.0", "1.2.1", "1.3.0"} {
		for _, n := range []string{"7", "8", "9"} {
			m["PL/"+ver+"/2DCode/raw/"+n+".json"] = true
		}
	}
	return m
}()

// onlyReasons reports whether verdict is red with every reason of code c.
func onlyReasons(verdict *verify.Verdict, c pass.Code) bool {
	if verdict.Status != verify.Red || len(verdict.Reasons) == 0 {
		return false
	}
	for _, r := range verdict.Reasons {
		if r.Code != c {
			return false
		}
	}
	return true
}

type vector struct {
	JSON *struct {
		Name map[string]string `json:"nam"`
		DOB  string            `json:"dob"`
	} `json:"JSON"`
	Prefix  string `json:"PREFIX"`
	PNG     string `json:"2DCODE"`
	TestCtx *struct {
		Certificate     string  `json:"CERTIFICATE"`
		ValidationClock string  `json:"VALIDATIONCLOCK"`
		Description     *string `json:"DESCRIPTION"`
	} `json:"TESTCTX"`
	Expected map[string]bool `json:"EXPECTEDRESULTS"`
}

// genuine reports whether v expects every stage it tests to succeed.
func (v *vector) genuine() bool {
	for stage, want := range v.Expected {
		if !want && stage != pictureStage {
			return false
		}
	}
	return true
}

// failing reports whether v expects stage to fail.
func (v *vector) failing(stage string) bool {
	want, ok := v.Expected[stage]
	return ok && !want
}

func (v *vector) description() string {
	if v.TestCtx != nil && v.TestCtx.Description != nil {
		return *v.TestCtx.Description
	}
	return ""
}

// dgcTestdata finds shared/testdata/dgc beside the module root.
func dgcTestdata(t testing.TB) string {
	t.Helper()
	if dir := os.Getenv("VENUEKIOSK_DGC_TESTDATA"); dir != "" {
		return dir
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("dgc-testdata: no go.mod above the test directory; cannot find shared/testdata/dgc")
		}
		dir = parent
	}
	for _, p := range []string{filepath.Join(dir, "..", "shared", "testdata", "dgc"), filepath.Join(dir, "shared", "testdata", "dgc")} {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return p
		}
	}
	t.Skipf("dgc-testdata not found at %s/../shared/testdata/dgc; the conformance vectors are not part of this checkout", dir)
	return ""
}

// parseClock reads the RFC 3339 variants the vectors use: fractional
// seconds, and offsets with or without a colon.
func parseClock(s string) (time.Time, error) {
	var err error
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999"} {
		var t time.Time
		if t, err = time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

func TestParseClock(t *testing.T) {
	want := time.Date(2021, 6, 9, 13, 15, 34, 0, time.UTC)
	for _, s := range []string{"2021-06-09T13:15:34Z", "2021-06-09T15:15:34+0200", "2021-06-09T15:15:34+02:00", "2021-06-09T14:15:34.000+01:00"} {
		got, err := parseClock(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseClock(%q): got %v, %v; want %v", s, got, err, want)
		}
	}
	if got, err := parseClock("2021-08-19T10:01:55.429915Z"); err != nil || got.Nanosecond() != 429915000 {
		t.Errorf("fractional seconds: got %v, %v", got, err)
	}
	for _, s := range []string{"", "2021-06-09", "yesterday"} {
		if _, err := parseClock(s); err == nil {
			t.Errorf("parseClock(%q): got no error", s)
		}
	}
}

func loadVectors(t *testing.T) map[string]*vector {
	root := dgcTestdata(t)
	vs := map[string]*vector{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		v := &vector{}
		if err := json.Unmarshal(b, v); err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		vs[filepath.ToSlash(rel)] = v
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) == 0 {
		t.Skipf("no dgc-testdata JSON files under %s", root)
	}
	return vs
}

// outcome is what became of one vector.
type outcome int

const (
	greenAsExpected   outcome = iota // genuine, green
	redAsExpected                    // negative, red with a reason of a failing stage
	pictureAsExpected                // only the QR image under test, and unreadable
	disputed                         // a dispute rule applies
	genuineRed                       // genuine, not green: a false red
	negativeGreen                    // negative, green
	wrongReason                      // negative, red, with a reason no failing stage produces
	notAVector                       // no EXPECTEDRESULTS or TESTCTX (dgc-testdata's stray 6.json)
)

// result is the judgement of one vector.
type result struct {
	outcome outcome
	detail  string   // for failures: what went wrong
	dispute *dispute // for disputed
}

// TestDGCConformance runs every dgc-testdata vector through the engine
// with no policy at its validation clock, and reports per country: genuine
// certificates green, negatives red (with a reason of the stage they test),
// and the disputed vectors with the argument for each. Any genuine
// certificate red or negative green that no dispute rule covers fails.
//
// VENUEKIOSK_DGC_TESTDATA=DIR runs it over another copy of dgc-testdata,
// such as the whole upstream repository.
func TestDGCConformance(t *testing.T) {
	vs := loadVectors(t)
	names := make([]string, 0, len(vs))
	for n := range vs {
		names = append(names, n)
	}
	sort.Strings(names)
	type tally struct{ vectors, genuine, green, negative, red, disputed, failed int }
	countries := map[string]*tally{}
	var disputedList []string
	for _, name := range names {
		v := vs[name]
		country, _, _ := strings.Cut(name, "/")
		if !strings.Contains(name, "/") {
			country = "(root)"
		}
		c := countries[country]
		if c == nil {
			c = &tally{}
			countries[country] = c
		}
		t.Run(name, func(t *testing.T) {
			r := judgeVector(t, name, v)
			if r.outcome == notAVector {
				t.Logf("not a test vector: %s", r.detail)
				return
			}
			c.vectors++
			switch r.outcome {
			case greenAsExpected, genuineRed:
				c.genuine++
			case redAsExpected, pictureAsExpected, negativeGreen, wrongReason:
				c.negative++
			case disputed:
				if v.genuine() {
					c.genuine++
				} else {
					c.negative++
				}
			}
			switch r.outcome {
			case greenAsExpected:
				c.green++
			case redAsExpected, pictureAsExpected:
				c.red++
			case disputed:
				c.disputed++
				disputedList = append(disputedList, name+": "+r.dispute.name)
				t.Logf("disputed (%s): %s", r.dispute.name, r.dispute.argument)
			default:
				c.failed++
				t.Error(r.detail)
			}
		})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "dgc-testdata conformance, no policy, at each vector's validation clock:\n")
	fmt.Fprintf(&b, "%-8s %7s %15s %15s %8s %6s\n", "country", "vectors", "genuine green", "negatives red", "disputed", "failed")
	keys := make([]string, 0, len(countries))
	for k := range countries {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var total tally
	for _, k := range keys {
		c := countries[k]
		if c.vectors == 0 {
			continue
		}
		fmt.Fprintf(&b, "%-8s %7d %9d of %3d %9d of %3d %8d %6d\n", k, c.vectors, c.green, c.genuine, c.red, c.negative, c.disputed, c.failed)
		total.vectors += c.vectors
		total.genuine += c.genuine
		total.green += c.green
		total.negative += c.negative
		total.red += c.red
		total.disputed += c.disputed
		total.failed += c.failed
	}
	fmt.Fprintf(&b, "%-8s %7d %9d of %3d %9d of %3d %8d %6d\n", "all", total.vectors, total.green, total.genuine, total.red, total.negative, total.disputed, total.failed)
	if len(disputedList) > 0 {
		fmt.Fprintf(&b, "disputed vectors (arguments in each subtest's log):\n")
		for _, d := range disputedList {
			fmt.Fprintf(&b, "  %s\n", d)
		}
	}
	t.Log(b.String())
}

// judgeVector verifies v and says what became of it.
func judgeVector(t *testing.T, name string, v *vector) result {
	t.Helper()
	if v.Expected == nil || v.TestCtx == nil {
		return result{outcome: notAVector, detail: "no EXPECTEDRESULTS or TESTCTX"}
	}
	desc := v.description()
	der, err := base64.StdEncoding.DecodeString(v.TestCtx.Certificate)
	if err != nil {
		t.Fatalf("TESTCTX.CERTIFICATE: %v", err)
	}
	key, err := dcc.CertKey(der)
	if err != nil {
		t.Fatalf("TESTCTX.CERTIFICATE: %v", err)
	}
	at, err := parseClock(v.TestCtx.ValidationClock)
	if err != nil {
		t.Fatalf("TESTCTX.VALIDATIONCLOCK %q: %v", v.TestCtx.ValidationClock, err)
	}

	var failing []string
	for stage, want := range v.Expected {
		if !want && stage != pictureStage {
			failing = append(failing, stage)
		}
	}
	sort.Strings(failing)
	if v.failing(pictureStage) {
		if v.PNG == "" {
			t.Fatalf("%s false but no 2DCODE", pictureStage)
		}
		if got, err := decodePNG(v.PNG); err == nil {
			return result{outcome: negativeGreen, detail: fmt.Sprintf("%s: the QR image decoded to %d characters; want it unreadable (%s)", pictureStage, len(got), desc)}
		}
		if len(failing) == 0 {
			return result{outcome: pictureAsExpected} // only the picture is under test
		}
	}

	e := &verify.Engine{Formats: []verify.Format{dcc.New()}, Trust: trust.NewSet(key)}
	verdict := e.Verify(v.Prefix, at)
	for i := range disputes {
		if disputes[i].applies(name, v, verdict, at) {
			return result{outcome: disputed, dispute: &disputes[i]}
		}
	}
	if len(failing) == 0 {
		if verdict.Status != verify.Green {
			return result{outcome: genuineRed, detail: fmt.Sprintf("got %v %+v, want green (%s)", verdict.Status, verdict.Reasons, desc)}
		}
		if verdict.Format != "dcc" || verdict.PassID.IsZero() || len(verdict.Kinds) != 1 {
			return result{outcome: genuineRed, detail: fmt.Sprintf("green verdict lacks pass fields: format %q, id zero %v, kinds %v", verdict.Format, verdict.PassID.IsZero(), verdict.Kinds)}
		}
		return result{outcome: greenAsExpected}
	}
	checkPrivacy(t, v, verdict)
	var allowed []pass.Code
	for _, stage := range failing {
		codes, ok := stageCodes[stage]
		if !ok {
			t.Fatalf("no reason codes known for failing stage %s", stage)
		}
		allowed = append(allowed, codes...)
	}
	if verdict.Status != verify.Red {
		return result{outcome: negativeGreen, detail: fmt.Sprintf("got %v %+v, want red for %v (%s)", verdict.Status, verdict.Reasons, failing, desc)}
	}
	for _, r := range verdict.Reasons {
		if !slices.Contains(allowed, r.Code) {
			return result{outcome: wrongReason, detail: fmt.Sprintf("reason %s (%s) is not one stage %v fails with (want one of %v) (%s)", r.Code, r.Detail, failing, allowed, desc)}
		}
	}
	return result{outcome: redAsExpected}
}

// TestDisputeRules checks that each rule covers what it argues about and
// nothing else, on verdicts made by hand.
func TestDisputeRules(t *testing.T) {
	at := time.Date(2021, 6, 1, 12, 0, 0, 0, time.UTC)
	genuine := &vector{Expected: map[string]bool{"EXPECTEDVERIFY": true, "EXPECTEDEXPIRATIONCHECK": true}}
	untested := &vector{Expected: map[string]bool{"EXPECTEDVERIFY": true}}
	red := func(exp time.Time, codes ...pass.Code) *verify.Verdict {
		v := &verify.Verdict{Expires: exp}
		for _, c := range codes {
			v.Worsen(verify.Red, c, "x")
		}
		return v
	}
	rule := func(name string) dispute {
		for _, d := range disputes {
			if d.name == name {
				return d
			}
		}
		t.Fatalf("no rule %q", name)
		return dispute{}
	}
	atExp := rule("validation clock at exp")
	if !atExp.applies("x", genuine, red(at, pass.Expired), at) {
		t.Error("clock at exp: not applied")
	}
	if atExp.applies("x", genuine, red(at.Add(-time.Second), pass.Expired), at) {
		t.Error("clock after exp: applied")
	}
	if atExp.applies("x", genuine, red(at, pass.Expired, pass.Signature), at) {
		t.Error("clock at exp with a bad signature: applied")
	}
	beforeIat := rule("validation clock before iat, expiry not tested")
	if !beforeIat.applies("x", untested, red(time.Time{}, pass.NotYetValid), at) {
		t.Error("before iat, untested: not applied")
	}
	if beforeIat.applies("x", genuine, red(time.Time{}, pass.NotYetValid), at) {
		t.Error("before iat, expiry tested: applied")
	}
}

// checkPrivacy fails when a reason quotes the holder or the payload.
func checkPrivacy(t *testing.T, v *vector, verdict *verify.Verdict) {
	t.Helper()
	var secrets []string
	if len(v.Prefix) > 24 {
		secrets = append(secrets, v.Prefix[4:24])
	}
	if v.JSON != nil {
		for _, n := range v.JSON.Name {
			if len(n) >= 3 {
				secrets = append(secrets, n)
			}
		}
		if len(v.JSON.DOB) >= 4 {
			secrets = append(secrets, v.JSON.DOB)
		}
	}
	for _, r := range verdict.Reasons {
		for _, s := range secrets {
			if strings.Contains(r.Detail, s) {
				t.Errorf("reason %s quotes the holder or the payload: %q", r.Code, r.Detail)
			}
		}
	}
}

// decodePNG reads the QR code in a base64 PNG.
func decodePNG(b64 string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return "", err
	}
	img, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return "", err
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

// TestDGCPictures checks that the QR images of the vectors whose picture is
// meant to be readable decode to their payload.
func TestDGCPictures(t *testing.T) {
	vs := loadVectors(t)
	n := 0
	for name, v := range vs {
		if want, ok := v.Expected[pictureStage]; !ok || !want || v.PNG == "" {
			continue
		}
		n++
		got, err := decodePNG(v.PNG)
		if err != nil {
			t.Errorf("%s: QR image: %v", name, err)
			continue
		}
		if strings.TrimRight(got, "\r\n") != strings.TrimRight(v.Prefix, "\r\n") {
			t.Errorf("%s: QR image holds %d characters that differ from PREFIX (%d)", name, len(got), len(v.Prefix))
		}
	}
	if n == 0 {
		t.Fatal("no vector has a readable QR image to check")
	}
	t.Logf("%d QR images decode to their PREFIX", n)
}

// TestFormatsRegistersDCC checks that the engine's format list reads DCCs.
func TestFormatsRegistersDCC(t *testing.T) {
	for _, f := range verify.Formats() {
		if f.Name() == "dcc" {
			if !f.Match("HC1:NCF") || f.Match("HC2:NCF") {
				t.Errorf("dcc format matches wrongly")
			}
			return
		}
	}
	t.Error("verify.Formats() has no dcc format")
}
