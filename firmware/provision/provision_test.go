package provision

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/visits"
)

func settings() *Settings {
	return &Settings{
		Venue:   Venue{ID: "CM-01", NameEN: "Central Market", NameZH: "中環街市", Category: "market"},
		Panel:   &Panel{Model: "waveshare_2in13_v4", DC: "GPIO25", Reset: "GPIO17", Busy: "GPIO24"},
		Scanner: &Scanner{Device: "/dev/ttyACM0", Baud: 115200},
		Sync:    &Sync{Source: "https://updates.example.org/kiosk/", Root: json.RawMessage(`{"signed":{"_type":"root","version":1},"signatures":[]}`)},
		Profile: "hk",
	}
}

// snapshot returns every file of dir with its content and mode.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		fi, _ := e.Info()
		m[e.Name()] = fi.Mode().String() + " " + string(b)
	}
	return m
}

func TestApplyAndIdempotence(t *testing.T) {
	dir := t.TempDir()
	s := settings()
	res, err := Apply(dir, s, Opts{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Changed || !res.KeyCreated || res.Fingerprint == "" || res.PublicKey == "" {
		t.Errorf("first apply: %+v", res)
	}
	fi, err := os.Stat(filepath.Join(dir, KeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v, want 0600", fi.Mode(), err)
	}
	// kioskd reads what provisioning wrote.
	c := config.Default()
	c.Kiosk.StateDir = dir
	if ok, err := c.ApplyProvision(); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if c.Venue.ID != "CM-01" || c.Venue.NameZH != "中環街市" || c.Panel.Model != "waveshare_2in13_v4" || c.Scanner.Baud != 115200 ||
		c.Sync.Root != filepath.Join(dir, RootFile) || c.Kiosk.Profile != "hk" {
		t.Errorf("config after provisioning: %+v %+v %+v %+v", c.Venue, c.Panel, c.Scanner, c.Sync)
	}
	if err := c.Validate(); err != nil {
		t.Error(err)
	}
	before := snapshot(t, dir)
	res2, err := Apply(dir, s, Opts{})
	if err != nil {
		t.Fatal(err)
	}
	if res2.Changed || res2.KeyCreated || res2.Fingerprint != res.Fingerprint {
		t.Errorf("rerun changed something: %+v", res2)
	}
	after := snapshot(t, dir)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("rerun changed %s", k)
		}
	}
	// A new venue name changes the file but keeps the key.
	s.Venue.NameEN = "Central Market (West)"
	res3, err := Apply(dir, s, Opts{})
	if err != nil || !res3.Changed || res3.KeyCreated || res3.Fingerprint != res.Fingerprint {
		t.Errorf("changed settings: %+v %v", res3, err)
	}
	// Force makes a new kiosk key, but never a new visit secret.
	vk, err := os.ReadFile(filepath.Join(dir, visits.KeyFile))
	if err != nil || len(vk) != 32 {
		t.Fatalf("visit secret: %d bytes, %v", len(vk), err)
	}
	res4, err := Apply(dir, s, Opts{Force: true})
	if err != nil || !res4.KeyCreated || res4.Fingerprint == res.Fingerprint {
		t.Errorf("force: %+v %v", res4, err)
	}
	if vk2, _ := os.ReadFile(filepath.Join(dir, visits.KeyFile)); !bytes.Equal(vk, vk2) {
		t.Error("--force replaced the visit secret")
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(s *Settings)
		want string
	}{
		{"no venue id", func(s *Settings) { s.Venue.ID = "" }, "venue id"},
		{"bad venue id", func(s *Settings) { s.Venue.ID = "a b" }, "venue.id"},
		{"no name", func(s *Settings) { s.Venue.NameEN, s.Venue.NameZH = "", "" }, "venue name"},
		{"bad panel", func(s *Settings) { s.Panel.Model = "kindle" }, "panel.model"},
		{"bad baud", func(s *Settings) { s.Scanner.Baud = 12 }, "scanner.baud"},
		{"bad source", func(s *Settings) { s.Sync.Source = "ftp://x" }, "sync.source"},
		{"bad root", func(s *Settings) { s.Sync.Root = json.RawMessage(`{`) }, "root is not JSON"},
		{"bad pin", func(s *Settings) { s.Panel.DC = "GPIO 25" }, "panel.dc"},
		{"quote injection", func(s *Settings) { s.Venue.NameEN = "x\"\n[kiosk]\nsimulate = true" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := settings()
			tt.edit(s)
			err := s.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				// The name is quoted, never interpreted as TOML.
				c := config.Default()
				if err := c.ApplyText(s.TOML("/x")); err != nil || c.Kiosk.Simulate || c.Venue.NameEN != s.Venue.NameEN {
					t.Errorf("TOML injection: %v, simulate %v, name %q", err, c.Kiosk.Simulate, c.Venue.NameEN)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// bound gives s a signed file's binding: every kiosk, a month, counter n.
func bound(s *Settings, n int64) *Settings {
	s.Kiosks, s.Expires, s.Counter = []string{"*"}, time.Now().Add(30*24*time.Hour).UTC().Truncate(time.Second), n
	return s
}

// signUnbound signs s as older firmware did: no kiosks, expiry
// or counter.
func signUnbound(s *Settings, key ed25519.PrivateKey) []byte {
	payload, _ := json.Marshal(s)
	sig := ed25519.Sign(key, append([]byte(Context), payload...))
	b, _ := json.Marshal(envelope{Format: Format, Payload: base64.StdEncoding.EncodeToString(payload), Signature: base64.StdEncoding.EncodeToString(sig)})
	return b
}

func TestSignedFile(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	otherPub, otherPriv, _ := ed25519.GenerateKey(nil)
	_ = otherPub
	signed, err := Sign(bound(settings(), 1), priv)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(signed, pub)
	if err != nil {
		t.Fatal(err)
	}
	if s.Venue.ID != "CM-01" || s.Venue.NameZH != "中環街市" {
		t.Errorf("opened %+v", s.Venue)
	}
	wrongKey, _ := Sign(bound(settings(), 1), otherPriv)
	var env envelope
	json.Unmarshal(signed, &env)
	payload, _ := base64.StdEncoding.DecodeString(env.Payload)
	tamperedPayload := bytes.Replace(payload, []byte("CM-01"), []byte("CM-02"), 1)
	tampered, _ := json.Marshal(envelope{Format: Format, Payload: base64.StdEncoding.EncodeToString(tamperedPayload), Signature: env.Signature})
	unsigned, _ := json.Marshal(settings())
	noSig, _ := json.Marshal(envelope{Format: Format, Payload: env.Payload})
	badSig, _ := json.Marshal(envelope{Format: Format, Payload: env.Payload, Signature: "AAAA"})
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"wrong key", wrongKey, ErrSignature},
		{"tampered", tampered, ErrSignature},
		{"unsigned settings", unsigned, ErrNotSigned},
		{"no signature", noSig, ErrNotSigned},
		{"short signature", badSig, ErrNotSigned},
		{"garbage", []byte("\x00\x01garbage"), ErrNotSigned},
		{"too large", bytes.Repeat([]byte(" "), MaxFile+1), ErrNotSigned},
		{"unbound (signed by older firmware)", signUnbound(settings(), priv), ErrUnbound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Open(tt.data, pub); !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestRecordRefusal(t *testing.T) {
	dir := t.TempDir()
	if err := RecordRefusal(dir, ErrSignature); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, ErrorFile))
	if !strings.Contains(string(b), "signature does not verify") {
		t.Errorf("error file %q", b)
	}
	if _, err := Apply(dir, settings(), Opts{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ErrorFile)); !errors.Is(err, os.ErrNotExist) {
		t.Error("a successful provisioning left the refusal behind")
	}
}
