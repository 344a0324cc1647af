package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/internal/command"
)

func TestVenueQR(t *testing.T) {
	dir := t.TempDir()
	priv := filepath.Join(dir, "kiosk.key")
	code, pubPEM, stderr := kioskctl(t, "", "venueqr", "keygen", "--out", priv)
	if code != command.ExitOK {
		t.Fatalf("keygen: exit %d: %s", code, stderr)
	}
	if st, err := os.Stat(priv); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("keygen: private key file %v, %v; want mode 0600", st, err)
	}
	pemFile := filepath.Join(dir, "kiosk.pub")
	os.WriteFile(pemFile, []byte(pubPEM), 0o644)
	pub, err := venueqr.ParsePublicKey([]byte(pubPEM))
	if err != nil {
		t.Fatal(err)
	}
	b64File := filepath.Join(dir, "kiosk.pub.b64")
	os.WriteFile(b64File, []byte(base64.StdEncoding.EncodeToString(pub)+"\n"), 0o644)
	otherFile := filepath.Join(dir, "other.pub")
	other := ed25519.NewKeyFromSeed(make([]byte, 32)).Public().(ed25519.PublicKey)
	os.WriteFile(otherFile, []byte(base64.StdEncoding.EncodeToString(other)), 0o644)

	const at = "2026-11-23T09:00:10Z"
	code, out, stderr := kioskctl(t, "", "venueqr", "make", "--key", priv, "--venue", "CM-01", "--at", at)
	if code != command.ExitOK || !strings.HasPrefix(out, venueqr.Prefix) {
		t.Fatalf("make: exit %d, %q, %s", code, out, stderr)
	}
	payload := strings.TrimSpace(out)

	for _, tc := range []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"PEM key", []string{"--pub", pemFile, "--at", at, payload}, command.ExitOK, "valid: venue CM-01 slot 14961870 (2026-11-23T09:00:00Z to 2026-11-23T09:02:00Z)"},
		{"base64 key", []string{"--pub", b64File, "--at", "2026-11-23T09:01:59Z", payload}, command.ExitOK, "venue CM-01"},
		{"two slots later", []string{"--pub", pemFile, "--at", "2026-11-23T09:04:00Z", payload}, command.ExitFail, "expired"},
		{"future", []string{"--pub", pemFile, "--at", "2026-11-23T08:59:00Z", payload}, command.ExitFail, "future slot"},
		{"other kiosk", []string{"--pub", otherFile, "--at", at, payload}, command.ExitFail, "signature"},
		{"garbage", []string{"--pub", pemFile, "--at", at, "hello"}, command.ExitFail, "malformed"},
		{"other period", []string{"--pub", pemFile, "--at", at, "--period", "60s", payload}, command.ExitFail, "invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := kioskctl(t, "", append([]string{"venueqr", "verify"}, tc.args...)...)
			if code != tc.code || !strings.Contains(out, tc.out) {
				t.Errorf("%s: exit %d, %q (stderr %q); want exit %d and %q", tc.name, code, out, stderr, tc.code, tc.out)
			}
		})
	}
}

func TestVenueQRUsage(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk")
	os.WriteFile(junk, []byte("not a key"), 0o644)
	existing := filepath.Join(dir, "exists")
	os.WriteFile(existing, nil, 0o600)
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no subcommand", nil, command.ExitUsage, "usage: kioskctl venueqr"},
		{"unknown subcommand", []string{"frob"}, command.ExitUsage, `unknown subcommand "frob"`},
		{"verify without --pub", []string{"verify", "VK1:X"}, command.ExitUsage, "--pub KEY is required"},
		{"verify no payload", []string{"verify", "--pub", junk}, command.ExitUsage, "want one PAYLOAD"},
		{"verify bad --at", []string{"verify", "--pub", junk, "--at", "noon", "VK1:X"}, command.ExitUsage, "--at"},
		{"verify bad period", []string{"verify", "--pub", junk, "--period", "5s", "VK1:X"}, command.ExitUsage, "--period"},
		{"verify missing key file", []string{"verify", "--pub", filepath.Join(dir, "nope"), "VK1:X"}, command.ExitUsage, "--pub"},
		{"verify junk key", []string{"verify", "--pub", junk, "VK1:X"}, command.ExitUsage, "neither PEM nor base64"},
		{"verify unknown flag", []string{"verify", "--colour"}, command.ExitUsage, "flag provided but not defined"},
		{"make without venue", []string{"make", "--key", junk}, command.ExitUsage, "required"},
		{"make junk key", []string{"make", "--key", junk, "--venue", "CM"}, command.ExitUsage, "--key"},
		{"make extra args", []string{"make", "--key", junk, "--venue", "CM", "x"}, command.ExitUsage, "unexpected arguments"},
		{"keygen without --out", []string{"keygen"}, command.ExitUsage, "want --out"},
		{"keygen over a file", []string{"keygen", "--out", existing}, command.ExitFail, "exists"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := kioskctl(t, "", append([]string{"venueqr"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("%s: exit %d, stderr %q; want exit %d and %q", tc.name, code, stderr, tc.code, tc.stderr)
			}
		})
	}
	code, out, _ := kioskctl(t, "", "venueqr", "--help")
	if code != command.ExitOK || !strings.Contains(out, "PKIX") {
		t.Errorf("--help: exit %d, %q", code, out)
	}
}
