package publish

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPassIDMatchesTheVerifier: IDs computed from identifiers are the IDs
// the verifier gives the sample passes.
func TestPassIDMatchesTheVerifier(t *testing.T) {
	set, err := samples.Make(t0)
	if err != nil {
		t.Fatal(err)
	}
	eng := &verify.Engine{Formats: verify.Formats(), Trust: trust.NewSet(set.Trust...)}
	want := map[string]pass.ID{}
	for _, s := range set.Samples {
		want[s.Name] = eng.Verify(s.Payload, t0).PassID
	}
	for _, tc := range []struct {
		sample, format, identifier string
	}{
		{"EU certificate, revoked", "dcc", "URN:UVCI:01:XA:SAMPLE0003#C"},
		{"EU certificate, revoked", "dcc", "01:XA:SAMPLE0003#C"},
		{"EU certificate, revoked", "dcc", "urn:uvci:01:XA:SAMPLE0003#C"},
		{"EU certificate, vaccinated", "dcc", "URN:UVCI:01:XA:SAMPLE0001#A"},
	} {
		t.Run(tc.identifier, func(t *testing.T) {
			got, err := PassID(tc.format, tc.identifier)
			if err != nil {
				t.Fatalf("PassID(%s, %s): %v", tc.format, tc.identifier, err)
			}
			if got != want[tc.sample] || got.IsZero() {
				t.Errorf("PassID(%s, %s) = %s, want the verifier's %s", tc.format, tc.identifier, got, want[tc.sample])
			}
		})
	}
	for _, bad := range [][2]string{{"dcc", ""}, {"shc", "no-hash-mark"}, {"hksarg", "noref"}, {"vds", "x"}} {
		if _, err := PassID(bad[0], bad[1]); err == nil {
			t.Errorf("PassID(%q, %q) succeeded", bad[0], bad[1])
		}
	}
}

func TestReadRevocations(t *testing.T) {
	a, b := ids(1, 2)[0], ids(1, 2)[1]
	uv, _ := PassID("dcc", "URN:UVCI:01:XA:X#1")
	for _, tc := range []struct {
		name, file, content string
		want                []pass.ID
	}{
		{"bare IDs", "r.txt", "# comment\n" + a.String() + "\n" + strings.ToUpper(b.String()) + "\n", []pass.ID{a, b}},
		{"id header", "r.csv", "id\n" + a.String() + "\n", []pass.ID{a}},
		{"format and identifier", "r.csv", "format,identifier\ndcc,URN:UVCI:01:XA:X#1\n", []pass.ID{uv}},
		{"mixed columns", "r.csv", "id,format,identifier\n" + a.String() + ",,\n,dcc,URN:UVCI:01:XA:X#1\n", []pass.ID{a, uv}},
		{"BOM", "r.csv", "\xef\xbb\xbfid\n" + a.String() + "\n", []pass.ID{a}},
		{"empty", "r.csv", "", []pass.ID{}},
		{"JSON strings", "r.json", `["` + a.String() + `"]`, []pass.ID{a}},
		{"JSON objects", "r.json", `[{"id":"` + b.String() + `"},{"format":"dcc","identifier":"URN:UVCI:01:XA:X#1"}]`, []pass.ID{b, uv}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadRevocations(write(t, tc.file, tc.content))
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
				return
			}
			if len(got) != len(tc.want) || (len(got) > 0 && got[len(got)-1] != tc.want[len(tc.want)-1]) || got == nil {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name, file, content, want string
	}{
		{"short ID", "r.csv", "abcd\n", "hex digits"},
		{"not hex", "r.csv", strings.Repeat("g", 64) + "\n", "pass id"},
		{"zero ID", "r.csv", strings.Repeat("0", 64) + "\n", "zero"},
		{"unknown header", "r.csv", "pass,kind\nx,y\n", "header"},
		{"unknown format", "r.csv", "format,identifier\nvds,x\n", "format"},
		{"both id and identifier", "r.csv", "id,format,identifier\n" + a.String() + ",dcc,X\n", "not both"},
		{"missing field", "r.csv", "format,identifier\ndcc\n", "fields"},
		{"JSON not a list", "r.json", `{"id":"x"}`, "array"},
		{"JSON unknown field", "r.json", `[{"pass":"x"}]`, "unknown field"},
		{"JSON number", "r.json", `[{"id":5}]`, "string"},
		{"bad quoting", "r.csv", "id\n\"abc\n", "line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadRevocations(write(t, tc.file, tc.content))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: %v; want an error mentioning %q", tc.name, err, tc.want)
			}
		})
	}
	if _, err := ReadRevocations(filepath.Join(t.TempDir(), "missing.csv")); err == nil {
		t.Error("a missing file read")
	}
}

func TestReadCodes(t *testing.T) {
	a := ids(1, 1)[0]
	csv := "id,code,valid_from,valid_until\n" +
		a.String() + ",red,,\n" +
		a.String() + ",AMBER,2026-03-01,2026-03-02T08:00:00+08:00\n"
	got, err := ReadCodes(write(t, "c.csv", csv))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Code != pass.RedCode || !got[0].ValidFrom.IsZero() || got[1].Code != pass.AmberCode ||
		!got[1].ValidFrom.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) || !got[1].ValidUntil.Equal(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("codes %+v", got)
	}
	js := `[{"format":"dcc","identifier":"URN:UVCI:01:XA:X#1","code":"red","valid_until":"2026-04-01"}]`
	if got, err := ReadCodes(write(t, "c.json", js)); err != nil || len(got) != 1 || got[0].ValidUntil.IsZero() {
		t.Errorf("JSON codes %+v, %v", got, err)
	}
	for _, tc := range []struct{ name, content, want string }{
		{"bad code", "id,code\n" + a.String() + ",purple\n", "red or amber"},
		{"bad time", "id,code,valid_from\n" + a.String() + ",red,yesterday\n", "RFC 3339"},
		{"ends before it starts", "id,code,valid_from,valid_until\n" + a.String() + ",red,2026-03-02,2026-03-01\n", "not after"},
		{"no header", a.String() + ",red\n", "header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ReadCodes(write(t, "c.csv", tc.content)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: %v; want an error mentioning %q", tc.name, err, tc.want)
			}
		})
	}
}

func TestReadExposures(t *testing.T) {
	csv := "venue,start,end,notice_en,notice_zh,notice_until\n" +
		"V1,2026-02-27T18:00:00+08:00,2026-02-27T20:00:00+08:00,\"A case visited, 18:00-20:00.\",確診者曾到訪。,2026-03-13\n"
	got, err := ReadExposures(write(t, "e.csv", csv))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Venue != "V1" || got[0].NoticeZH != "確診者曾到訪。" || got[0].End.Sub(got[0].Start) != 2*time.Hour {
		t.Errorf("exposures %+v", got)
	}
	for _, tc := range []struct{ name, content, want string }{
		{"no start", "venue,end,notice_until\nV1,2026-02-27,2026-03-13\n", "start"},
		{"window backwards", "venue,start,end,notice_until\nV1,2026-02-27,2026-02-26,2026-03-13\n", "window"},
		{"no venue", "venue,start,end,notice_until\n,2026-02-26,2026-02-27,2026-03-13\n", "venue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ReadExposures(write(t, "e.csv", tc.content)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: %v; want an error mentioning %q", tc.name, err, tc.want)
			}
		})
	}
}

func TestReadTrust(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{Country: []string{"XA"}, CommonName: "DSC"},
		NotBefore: t0, NotAfter: t0.AddDate(2, 0, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	pemFile := write(t, "dsc.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	jwk := trust.PublicJWK(&key.PublicKey, "kid-1")
	jwksFile := write(t, "keys.json", `{"keys":[{"kty":"EC","crv":"P-256","x":"`+jwk.X+`","y":"`+jwk.Y+`","kid":"kid-1","use":"sig","alg":"ES256"}]}`)
	own, err := repo.MarshalTrust([]*pass.Key{{Format: "dcc", KID: "AAAAAAAAAAA=", Issuer: "XB", Public: &key.PublicKey}})
	if err != nil {
		t.Fatal(err)
	}
	ownFile := write(t, "trust.json", string(own))
	keys, err := ReadTrust(pemFile, jwksFile, ownFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 || keys[0].Format != "dcc" || keys[0].Issuer != "XA" || keys[1].KID != "kid-1" || keys[2].Issuer != "XB" {
		t.Errorf("keys %+v", keys)
	}
	if _, err := ReadTrust(write(t, "x.txt", "hello")); err == nil {
		t.Error("a text file read as a trust list")
	}
}

func TestReadPolicy(t *testing.T) {
	if _, err := ReadPolicy(write(t, "p.json", string(policy.DefaultJSON()))); err != nil {
		t.Errorf("default policy: %v", err)
	}
	if _, err := ReadPolicy(write(t, "p.json", `{"name":"x","amber_code":"blue"}`)); err == nil {
		t.Error("a bad policy read")
	}
}

func TestReadStaffRevocations(t *testing.T) {
	for _, tc := range []struct {
		name, file, content string
		want                []string
	}{
		{"bare ids", "s.txt", "# lost badges\nCM-0042\n\nSIM-SUP-LOST\n", []string{"CM-0042", "SIM-SUP-LOST"}},
		{"header", "s.csv", "card_id\nCM-0042\n", []string{"CM-0042"}},
		{"spaces around", "s.txt", "  CM-0042  \n", []string{"CM-0042"}},
		{"BOM", "s.txt", "\xef\xbb\xbfCM-1\n", []string{"CM-1"}},
		{"repeats kept for the publisher", "s.txt", "CM-1\nCM-1\n", []string{"CM-1", "CM-1"}},
		{"empty", "s.txt", "", []string{}},
		{"comments only", "s.txt", "# none revoked\n", []string{}},
		{"JSON strings", "s.json", `["CM-1", "CM-2"]`, []string{"CM-1", "CM-2"}},
		{"JSON objects", "s.json", `[{"card_id": "CM-3"}]`, []string{"CM-3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadStaffRevocations(write(t, tc.file, tc.content))
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
				return
			}
			if got == nil || !slices.Equal(got, tc.want) {
				t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name, file, content, want string
	}{
		{"lower case", "s.txt", "CM-1\ncm-2\n", "s.txt:2"},
		{"too long", "s.txt", strings.Repeat("A", 25) + "\n", "card id"},
		{"underscore", "s.txt", "CM_1\n", "card id"},
		{"trailing comment", "s.txt", "CM-1 # lost\n", "card id"},
		{"two columns", "s.csv", "CM-1,GUARD\n", "header"},
		{"unknown header", "s.csv", "card,role\nCM-1,GUARD\n", "header"},
		{"empty quoted id", "s.txt", "CM-1\n\"\"\n", "card id"},
		{"JSON not a list", "s.json", `{"card_id":"CM-1"}`, "array"},
		{"JSON unknown field", "s.json", `[{"card":"CM-1"}]`, "unknown field"},
		{"JSON number", "s.json", `[42]`, "object"},
		{"JSON null", "s.json", `[null]`, "card id"},
		{"too large", "s.txt", strings.Repeat("# padding\n", int(MaxStaffInputFile/10)+1), "larger than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadStaffRevocations(write(t, tc.file, tc.content))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: %v; want an error mentioning %q", tc.name, err, tc.want)
			}
		})
	}
	if _, err := ReadStaffRevocations(filepath.Join(t.TempDir(), "missing.txt")); err == nil {
		t.Error("a missing file read")
	}
}

// TestReadTrustFormats reads each kind of trust input an operator receives
// (firmware/trust/testdata holds one of each) and refuses keys for one
// format from an input for another.
func TestReadTrustFormats(t *testing.T) {
	td := filepath.Join("..", "..", "firmware", "trust", "testdata")
	keys, err := ReadTrust(filepath.Join(td, "dgcg-trustlist.json"), filepath.Join(td, "vci-snapshot.json"), "hksarg:"+filepath.Join(td, "hk-keys.jwks"),
		filepath.Join(td, "did-nzcp-example.json"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, k := range keys {
		got[k.Format]++
	}
	if got["dcc"] != 2 || got["shc"] != 2 || got["hksarg"] != 2 || got["nzcp"] != 1 {
		t.Errorf("keys by format: %v; want 2 dcc (DSC entries only), 2 shc, 2 hksarg, 1 nzcp", got)
	}
	if id, err := PassID("nzcp", "urn:uuid:60a4f54d-4e30-4332-be33-ad78b1eafa4b"); err != nil || id != pass.NewID("nzcp", "urn:uuid:60a4f54d-4e30-4332-be33-ad78b1eafa4b") {
		t.Errorf("PassID(nzcp): %v, %v", id, err)
	}
	// A JWKS that is not declared for Hong Kong keys holds none.
	if _, err := ReadTrust(filepath.Join(td, "hk-keys.jwks")); err == nil || !strings.Contains(err.Error(), "is named as a Hong Kong record key") {
		t.Errorf("HKSARG kids in an undeclared JWKS: got %v, want the conflict named", err)
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	jwk := trust.PublicJWK(&key.PublicKey, "HKSARG:VAC4")
	jwk.Iss = "https://issuer.example.invalid"
	b, _ := json.Marshal(trust.JWKS{Keys: []trust.JWK{jwk}})
	f := write(t, "iss.jwks", string(b))
	if _, err := ReadTrust("hksarg:" + f); err == nil || !strings.Contains(err.Error(), "names issuer") {
		t.Errorf("a key with iss declared hksarg: got %v, want it refused", err)
	}
}
