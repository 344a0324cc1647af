package shc_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/firmware/verify/shc"
)

// TestSpecExamples checks the examples published with the SMART Health
// Cards spec (https://spec.smarthealth.cards/examples/, from the gh-pages
// branch of github.com/smart-on-fhir/health-cards). They are not part of
// this repository: point SHC_SPEC_EXAMPLES at a copy of the examples folder
// (holding example-00-*.txt and issuer/.well-known/jwks.json) to run it.
func TestSpecExamples(t *testing.T) {
	dir := os.Getenv("SHC_SPEC_EXAMPLES")
	if dir == "" {
		t.Skip("SHC_SPEC_EXAMPLES is not set; see the test's comment")
	}
	ks, err := trust.Load(trust.Input{Path: filepath.Join(dir, "issuer", ".well-known", "jwks.json")}, verify.Namings())
	if err != nil {
		t.Fatal(err)
	}
	set := trust.NewSet(ks...)
	files, _ := filepath.Glob(filepath.Join(dir, "example-*-b-jws-payload-expanded.json"))
	if len(files) == 0 {
		t.Fatalf("no example-*-b-jws-payload-expanded.json in %s", dir)
	}
	for _, f := range files {
		prefix := strings.TrimSuffix(f, "b-jws-payload-expanded.json")
		t.Run(filepath.Base(prefix), func(t *testing.T) {
			want := expectedExample(t, f)
			jwsText := readTrimmed(t, prefix+"d-jws.txt")

			// The QR text holds the JWS, unless it is chunked.
			qrText := readTrimmed(t, prefix+"f-qr-code-numeric-value-0.txt")
			_, chunked := os.Stat(prefix + "f-qr-code-numeric-value-1.txt")
			if chunked == nil {
				_, err := shc.New().Decode(qrText, set)
				if got := pass.CodeOf(err); got != pass.UnsupportedFormat {
					t.Errorf("chunked QR: got %v, want unsupported_format", err)
				}
			} else if got, err := shc.DecodeQR(qrText); err != nil || got != jwsText {
				t.Errorf("DecodeQR: got %d characters, %v; want the example's JWS", len(got), err)
			}

			// The card file's JWS, as one QR text.
			var file struct {
				VerifiableCredential []string `json:"verifiableCredential"`
			}
			if err := json.Unmarshal([]byte(readTrimmed(t, prefix+"e-file.smart-health-card")), &file); err != nil || len(file.VerifiableCredential) != 1 {
				t.Fatalf("card file: %v", err)
			}
			text, err := shc.EncodeQR(file.VerifiableCredential[0])
			if err != nil {
				t.Fatal(err)
			}
			p, err := shc.New().Decode(text, set)
			if want.patients != 1 {
				if pass.CodeOf(err) != pass.Schema {
					t.Errorf("a bundle with %d Patients: got %v, want schema", want.patients, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Holder != want.holder || p.Issuer != want.iss || len(p.Vaccinations) != want.immunizations || !p.IssuedAt.Equal(want.nbf) {
				t.Errorf("got holder %+v issuer %q %d doses issued %v; want %+v %q %d %v",
					p.Holder, p.Issuer, len(p.Vaccinations), p.IssuedAt, want.holder, want.iss, want.immunizations, want.nbf)
			}
			if want.rid != "" && p.ID != pass.NewID(shc.Name, want.iss+"#"+want.rid) {
				t.Errorf("pass ID: got %s, want the rid's", p.ID)
			}
			e := &verify.Engine{Formats: []verify.Format{shc.New()}, Trust: set}
			if v := e.Verify(text, want.nbf.Add(time.Minute)); v.Status != verify.Green {
				t.Errorf("verify: got %v %+v, want green", v.Status, v.Reasons)
			}
			t.Logf("verified: kid %s, %d doses, %d tests", p.KID, len(p.Vaccinations), len(p.Tests))
		})
	}
}

type example struct {
	iss           string
	nbf           time.Time
	rid           string
	holder        pass.Holder
	patients      int
	immunizations int
}

// expectedExample reads what the example's expanded payload states,
// independently of the package's decoder.
func expectedExample(t *testing.T, path string) example {
	t.Helper()
	var w struct {
		Iss string  `json:"iss"`
		Nbf float64 `json:"nbf"`
		VC  struct {
			RID               string `json:"rid"`
			CredentialSubject struct {
				FHIRBundle struct {
					Entry []struct {
						Resource map[string]any `json:"resource"`
					} `json:"entry"`
				} `json:"fhirBundle"`
			} `json:"credentialSubject"`
		} `json:"vc"`
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	ex := example{iss: w.Iss, rid: w.VC.RID, nbf: time.UnixMilli(int64(w.Nbf*1000 + 0.5)).UTC()}
	for _, e := range w.VC.CredentialSubject.FHIRBundle.Entry {
		switch e.Resource["resourceType"] {
		case "Patient":
			ex.patients++
			name := e.Resource["name"].([]any)[0].(map[string]any)
			var given []string
			for _, g := range name["given"].([]any) {
				given = append(given, g.(string))
			}
			ex.holder = pass.Holder{Name: strings.ToUpper(name["family"].(string)) + ", " + strings.Join(given, " "), DOB: e.Resource["birthDate"].(string)}
		case "Immunization":
			ex.immunizations++
		}
	}
	return ex
}

func readTrimmed(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
