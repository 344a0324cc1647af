package main

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/internal/command"
)

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// provision keygen writes the private key (0600) and the public key into
// files of their own, and refuses, writing nothing, when either exists.
func TestProvisionKeygenFiles(t *testing.T) {
	work := t.TempDir()
	code, out, errOut := kioskctlIn(t, work, "provision", "keygen", "--out", "operator.key")
	if code != command.ExitOK {
		t.Fatalf("keygen: exit %d %s", code, errOut)
	}
	key, pub := filepath.Join(work, "operator.key"), filepath.Join(work, "operator.pub")
	fi, err := os.Stat(key)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("private key: %v %v, want mode 0600", fi, err)
	}
	if _, err := venueqr.ParsePrivateKey(read(t, key)); err != nil {
		t.Errorf("private key: %v", err)
	}
	if _, err := venueqr.ParsePublicKey(read(t, pub)); err != nil {
		t.Errorf("public key file: %v", err)
	}
	if strings.Contains(out, "PRIVATE") || !strings.Contains(out, "fingerprint") {
		t.Errorf("keygen said:\n%s", out)
	}
	k0, p0 := sum(t, key), sum(t, pub)

	// Again: refused, both files as they were.
	if code, _, errOut := kioskctlIn(t, work, "provision", "keygen", "--out", "operator.key"); code != command.ExitUsage || !strings.Contains(errOut, "exists") {
		t.Errorf("keygen over an existing key: exit %d %q", code, errOut)
	}
	if sum(t, key) != k0 || sum(t, pub) != p0 {
		t.Error("a refused keygen changed the key files")
	}
	// Only the public key's file exists: refused before the private key
	// is written.
	os.Remove(key)
	if code, _, _ := kioskctlIn(t, work, "provision", "keygen", "--out", "operator.key"); code != command.ExitUsage {
		t.Errorf("keygen over an existing public key: exit %d", code)
	}
	if _, err := os.Stat(key); err == nil {
		t.Error("a refused keygen wrote the private key")
	}
	if sum(t, pub) != p0 {
		t.Error("a refused keygen changed the public key file")
	}
}

// provision sign refuses a settings key it does not know (a typo is never
// signed and then ignored) and anything after the object; the format its
// --help documents signs as shown.
func TestProvisionSignStrict(t *testing.T) {
	work := t.TempDir()
	if code, _, errOut := kioskctlIn(t, work, "provision", "keygen", "--out", "op.key"); code != command.ExitOK {
		t.Fatalf("keygen: %s", errOut)
	}
	for name, tc := range map[string]struct {
		settings string
		code     int
		want     string
	}{
		"typo":      {`{"venue":{"id":"CM-02","name_en":"Clinic"},"panle":{"model":"waveshare_2in9_v2"}}`, command.ExitUsage, `unknown field "panle"`},
		"deep typo": {`{"venue":{"id":"CM-02","name_en":"Clinic","nameEN":"x"}}`, command.ExitUsage, `unknown field "nameEN"`},
		"trailing":  {`{"venue":{"id":"CM-02","name_en":"Clinic"}} {"panel":{}}`, command.ExitUsage, "more after"},
		"good":      {`{"venue":{"id":"CM-02","name_en":"Clinic"},"kiosks":["*"],"panel":{"model":"waveshare_2in9_v2"}}`, command.ExitOK, ""},
	} {
		t.Run(name, func(t *testing.T) {
			in := file(t, work, name+".json", tc.settings)
			out := filepath.Join(work, name+".vkprov")
			code, _, errOut := kioskctlIn(t, work, "provision", "sign", "--key", "op.key", "--in", in, "--out", out)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d %q; want %d and %q", code, errOut, tc.code, tc.want)
			}
			if _, err := os.Stat(out); (err == nil) != (tc.code == command.ExitOK) {
				t.Errorf("signed file written: %v, want %v", err == nil, tc.code == command.ExitOK)
			}
		})
	}
	code, help, _ := kioskctlIn(t, work, "provision", "sign", "--help")
	if code != command.ExitOK || !strings.Contains(help, settingsExample) {
		t.Fatalf("sign --help (exit %d) does not show the settings format:\n%s", code, help)
	}
	in := file(t, work, "example.json", settingsExample)
	if code, _, errOut := kioskctlIn(t, work, "provision", "sign", "--key", "op.key", "--in", in, "--out", "example.vkprov"); code != command.ExitOK {
		t.Errorf("the documented example does not sign: exit %d %s", code, errOut)
	}
}

func file(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// The README's settings example signs as written.
func TestProvisionSignREADMEExample(t *testing.T) {
	b := read(t, filepath.Join("..", "..", "..", "README.md"))
	_, rest, ok := strings.Cut(string(b), "cat > settings.json <<'END'\n")
	example, _, ok2 := strings.Cut(rest, "\nEND\n")
	if !ok || !ok2 {
		t.Fatal("README: no settings.json example")
	}
	work := t.TempDir()
	if code, _, errOut := kioskctlIn(t, work, "provision", "keygen", "--out", "operator.key"); code != command.ExitOK {
		t.Fatalf("keygen: %s", errOut)
	}
	file(t, work, "settings.json", example)
	if code, _, errOut := kioskctlIn(t, work, "provision", "sign", "--key", "operator.key", "--in", "settings.json", "--out", "kiosk.vkprov"); code != command.ExitOK {
		t.Errorf("the README's settings example: exit %d %s", code, errOut)
	}
}
