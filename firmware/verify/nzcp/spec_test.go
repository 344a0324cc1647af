package nzcp_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/firmware/verify/nzcp"
)

// specTrust trusts the specification's example issuer through its DID
// document, as an operator would: a trust input.
func specTrust(t testing.TB) *trust.Set {
	t.Helper()
	keys, err := trust.Parse(nzcp.SpecDIDDocument(), "", verify.Namings())
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0].Format != nzcp.Name || keys[0].KID != "did:web:nzcp.covid19.health.nz#key-1" || keys[0].Issuer != "did:web:nzcp.covid19.health.nz" {
		t.Fatalf("the example DID document gave %+v", keys)
	}
	return trust.NewSet(keys...)
}

func example(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// now is a time inside the valid example's validity (2021-11-02 to
// 2031-11-02) and the expired and not-yet-active examples' outside theirs.
var now = time.Date(2022, 6, 1, 12, 0, 0, 0, time.UTC)

// TestSpecExamples runs the specification's own examples: the valid pass
// green with no policy, each invalid one red with the matching reason.
func TestSpecExamples(t *testing.T) {
	e := &verify.Engine{Formats: verify.Formats(), Trust: specTrust(t)}
	v := e.Verify(example(t, "valid-nzcp.txt"), now)
	if v.Status != verify.Green || len(v.Reasons) != 0 {
		t.Fatalf("valid example: got %v %+v, want green", v.Status, v.Reasons)
	}
	if v.Format != "nzcp" || v.Issuer != "did:web:nzcp.covid19.health.nz" || v.KID != "did:web:nzcp.covid19.health.nz#key-1" ||
		v.Holder != (pass.Holder{Name: "Sparrow, Jack", DOB: "1960-04-16"}) || !v.Expires.Equal(time.Unix(1951416330, 0)) {
		t.Errorf("valid example: got %+v", v)
	}
	if want, _ := nzcp.PassID("urn:uuid:60a4f54d-4e30-4332-be33-ad78b1eafa4b"); v.PassID != want {
		t.Errorf("pass ID: got %v, want the ID of the example's jti", v.PassID)
	}
	valid := example(t, "valid-nzcp.txt")
	for _, tt := range []struct {
		name    string
		payload string
		want    pass.Code
	}{
		{"bad public key", example(t, "invalid-nzcp-bad-public-key.txt"), pass.Signature},
		{"public key not found", example(t, "invalid-nzcp-not-associated-public-key.txt"), pass.UnknownKey},
		{"modified signature", example(t, "invalid-nzcp-modified-sig.txt"), pass.Signature},
		{"modified payload", example(t, "invalid-nzcp-modified-payload.txt"), pass.Signature},
		{"expired", example(t, "invalid-nzcp-expired-payload.txt"), pass.Expired},
		{"not active", example(t, "invalid-nzcp-notactive-payload.txt"), pass.NotYetValid},
		// The specification's steps: a version it does not know, and a
		// malformed prefix, fail.
		{"version 2", strings.Replace(valid, "NZCP:/1/", "NZCP:/2/", 1), pass.UnsupportedFormat},
		{"no slash before the version", strings.Replace(valid, "NZCP:/1/", "NZCP:1/", 1), pass.Prefix},
		{"no version", strings.Replace(valid, "NZCP:/1/", "NZCP:/", 1), pass.Prefix},
		{"lower-case prefix", strings.Replace(valid, "NZCP:/1/", "nzcp:/1/", 1), pass.Prefix},
		{"base32 padding", valid + "===", pass.Encoding},
		{"not base32", valid[:40] + "1" + valid[41:], pass.Encoding},
		{"truncated", valid[:len(valid)-8], pass.CBOR},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := e.Verify(tt.payload, now)
			if v.Status != verify.Red || !v.Has(tt.want) {
				t.Fatalf("got %v %+v, want red %s", v.Status, v.Reasons, tt.want)
			}
			for _, r := range v.Reasons {
				if strings.Contains(r.Detail, "Sparrow") || strings.Contains(r.Detail, "1960-04-16") {
					t.Errorf("reason %q quotes the holder", r.Detail)
				}
			}
		})
	}
	// Untrusted: the same pass with no DID document loaded.
	bare := &verify.Engine{Formats: verify.Formats(), Trust: trust.NewSet()}
	if v := bare.Verify(valid, now); !v.Has(pass.UnknownKey) {
		t.Errorf("untrusted issuer: got %+v, want unknown_key", v.Reasons)
	}
	// Under the default policy, which counts doses, the pass states none.
	e.Policy = policy.Default()
	if v := e.Verify(valid, now); v.Status != verify.Red || !v.Has(pass.Policy) {
		t.Errorf("default policy: got %v %+v, want red policy", v.Status, v.Reasons)
	}
}

// TestSpecExamplesList: SpecExamples holds the files, with their reasons.
func TestSpecExamplesList(t *testing.T) {
	e := &verify.Engine{Formats: verify.Formats(), Trust: specTrust(t)}
	ex := nzcp.SpecExamples()
	if len(ex) != 7 {
		t.Fatalf("%d examples", len(ex))
	}
	for _, x := range ex {
		v := e.Verify(x.Payload, now)
		if x.Reason == "" {
			if v.Status != verify.Green {
				t.Errorf("%s: got %v %+v, want green", x.Name, v.Status, v.Reasons)
			}
			continue
		}
		if v.Status != verify.Red || !v.Has(x.Reason) {
			t.Errorf("%s: got %v %+v, want red %s", x.Name, v.Status, v.Reasons, x.Reason)
		}
	}
}
