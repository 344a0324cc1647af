package main

import (
	"crypto/ed25519"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/provision"
	"github.com/venuekiosk/venuekiosk/internal/command"
)

func TestProvisionFlags(t *testing.T) {
	dir := t.TempDir()
	args := []string{"provision", "--config", "/dev/null", "--state-dir", dir, "--venue-id", "CM-01", "--venue-en", "Central Market", "--venue-zh", "中環街市",
		"--panel", "waveshare_2in13_v4", "--panel-pins", "dc=GPIO25,reset=GPIO17,busy=GPIO24", "--scanner", "/dev/ttyACM0", "--baud", "115200"}
	code, out, errOut := kioskctl(t, "", args...)
	if code != command.ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "kiosk key created") || !strings.Contains(out, "fingerprint") || strings.Contains(out, "PRIVATE") {
		t.Errorf("output:\n%s", out)
	}
	key, err := os.ReadFile(filepath.Join(dir, provision.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, strings.TrimSpace(string(key))) {
		t.Error("the private key was printed")
	}
	fi, _ := os.Stat(filepath.Join(dir, provision.KeyFile))
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key mode %v, want 0600", fi.Mode().Perm())
	}
	c := config.Default()
	c.Kiosk.StateDir = dir
	if ok, err := c.ApplyProvision(); !ok || err != nil || c.Venue.ID != "CM-01" || c.Panel.DC != "GPIO25" || c.Scanner.Baud != 115200 {
		t.Errorf("provisioned config: %v %v %+v %+v", ok, err, c.Venue, c.Panel)
	}
	// Again: nothing changes, the key is kept.
	code, out, _ = kioskctl(t, "", args...)
	if code != command.ExitOK || !strings.Contains(out, "kiosk key kept") || !strings.Contains(out, "nothing changed") {
		t.Errorf("rerun: exit %d\n%s", code, out)
	}
	key2, _ := os.ReadFile(filepath.Join(dir, provision.KeyFile))
	if string(key2) != string(key) {
		t.Error("rerun replaced the key")
	}
	for _, bad := range [][]string{
		{"provision", "--config", "/dev/null", "--state-dir", dir, "--venue-en", "x"},
		{"provision", "--config", "/dev/null", "--state-dir", dir, "--venue-id", "CM-01", "--venue-en", "x", "--panel-pins", "dc=GPIO1"},
		{"provision", "--config", "/dev/null", "--state-dir", dir, "--venue-id", "CM-01", "--venue-en", "x", "--panel", "waveshare_2in9_v2", "--panel-pins", "mosi=GPIO10"},
	} {
		if code, _, _ := kioskctl(t, "", bad...); code != command.ExitUsage {
			t.Errorf("%v: exit %d, want %d", bad, code, command.ExitUsage)
		}
	}
}

func TestProvisionSignedFile(t *testing.T) {
	work := t.TempDir()
	opKey := filepath.Join(work, "operator.key")
	code, _, errOut := kioskctl(t, "", "provision", "keygen", "--out", opKey)
	if code != command.ExitOK {
		t.Fatalf("keygen: %d %s", code, errOut)
	}
	pubFile := filepath.Join(work, "operator.pub") // written beside the key
	pubOut := string(read(t, pubFile))
	if code, _, _ := kioskctl(t, "", "provision", "keygen", "--out", opKey); code != command.ExitUsage {
		t.Errorf("keygen over an existing key: exit %d", code)
	}
	settings := filepath.Join(work, "settings.json")
	os.WriteFile(settings, []byte(`{"venue":{"id":"CM-02","name_en":"Clinic","name_zh":"診所"},"profile":"hk"}`), 0o644)
	signedFile := filepath.Join(work, "kiosk.vkprov")
	if code, _, errOut := kioskctl(t, "", "provision", "sign", "--key", opKey, "--in", settings, "--out", signedFile); code != command.ExitUsage || !strings.Contains(errOut, "--kiosks") {
		t.Errorf("sign without kiosks: %d %s; want a usage error naming --kiosks", code, errOut)
	}
	if code, _, errOut := kioskctl(t, "", "provision", "sign", "--key", opKey, "--in", settings, "--kiosks", "*", "--counter", "10", "--out", signedFile); code != command.ExitOK {
		t.Fatalf("sign: %d %s", code, errOut)
	}
	signed, _ := os.ReadFile(signedFile)

	// Refused files change nothing.
	_, otherPriv, _ := ed25519.GenerateKey(nil)
	if _, err := venueqr.ParsePublicKey([]byte(pubOut)); err != nil {
		t.Fatalf("keygen printed %q: %v", pubOut, err)
	}
	var s provision.Settings
	json.Unmarshal([]byte(`{"venue":{"id":"CM-02","name_en":"Clinic","name_zh":"診所"}}`), &s)
	s.Kiosks, s.Expires, s.Counter = []string{"*"}, time.Now().Add(time.Hour), 1
	wrong, _ := provision.Sign(&s, otherPriv)
	tampered := strings.Replace(string(signed), `"payload": "`, `"payload": "A`, 1)
	for name, data := range map[string]string{"unsigned": `{"venue":{"id":"CM-02","name_en":"Clinic"}}`, "wrong key": string(wrong), "tampered": tampered} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			f := filepath.Join(work, strings.ReplaceAll(name, " ", "-")+".vkprov")
			os.WriteFile(f, []byte(data), 0o644)
			code, _, errOut := kioskctl(t, "", "provision", "--config", "/dev/null", "--state-dir", dir, "--from", f, "--operator-pub", pubFile)
			if code != command.ExitFail || !strings.Contains(errOut, "nothing was changed") {
				t.Errorf("exit %d: %s", code, errOut)
			}
			for _, file := range []string{provision.KeyFile, config.ProvisionFile} {
				if _, err := os.Stat(filepath.Join(dir, file)); err == nil {
					t.Errorf("%s was written by a refused file", file)
				}
			}
			if b, err := os.ReadFile(filepath.Join(dir, provision.ErrorFile)); err != nil || !strings.Contains(string(b), "refused") {
				t.Errorf("refusal not recorded for kioskd: %q %v", b, err)
			}
		})
	}
	dir := t.TempDir()
	code, out, errOut := kioskctl(t, "", "provision", "--config", "/dev/null", "--state-dir", dir, "--from", signedFile, "--operator-pub", pubFile)
	if code != command.ExitOK || !strings.Contains(out, "provisioned venue CM-02") {
		t.Fatalf("signed file: exit %d %s %s", code, out, errOut)
	}
	c := config.Default()
	c.Kiosk.StateDir = dir
	if _, err := c.ApplyProvision(); err != nil || c.Venue.NameZH != "診所" || c.Kiosk.Profile != "hk" {
		t.Errorf("provisioned: %v %+v", err, c.Venue)
	}
	// The same file again changes nothing; an older one is refused.
	if code, out, _ := kioskctl(t, "", "provision", "--config", "/dev/null", "--state-dir", dir, "--from", signedFile, "--operator-pub", pubFile); code != command.ExitOK || !strings.Contains(out, "already applied") {
		t.Errorf("the same file again: exit %d %s", code, out)
	}
	older := filepath.Join(work, "older.vkprov")
	if code, _, errOut := kioskctl(t, "", "provision", "sign", "--key", opKey, "--in", settings, "--kiosks", "*", "--counter", "9", "--out", older); code != command.ExitOK {
		t.Fatalf("sign: %d %s", code, errOut)
	}
	if code, _, errOut := kioskctl(t, "", "provision", "--config", "/dev/null", "--state-dir", dir, "--from", older, "--operator-pub", pubFile); code != command.ExitFail || !strings.Contains(errOut, "older signed file") {
		t.Errorf("an older file: exit %d %s", code, errOut)
	}
	// A file for another kiosk.
	other := filepath.Join(work, "other.vkprov")
	kioskctl(t, "", "provision", "sign", "--key", opKey, "--in", settings, "--kiosks", "K-OTHER", "--counter", "11", "--out", other)
	if code, _, errOut := kioskctl(t, "", "provision", "--config", "/dev/null", "--state-dir", dir, "--from", other, "--operator-pub", pubFile); code != command.ExitFail || !strings.Contains(errOut, "not for this kiosk") {
		t.Errorf("a file for another kiosk: exit %d %s", code, errOut)
	}
}
