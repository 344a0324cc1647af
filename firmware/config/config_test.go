package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDefaultValid(t *testing.T) {
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	if c.Scanner.Baud != 9600 || c.Panel.RotationPeriod.D != 120*time.Second || c.Kiosk.Listen != "127.0.0.1:8080" {
		t.Errorf("defaults: got baud %d, rotation %v, listen %q", c.Scanner.Baud, c.Panel.RotationPeriod, c.Kiosk.Listen)
	}
}

func write(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "kioskd.toml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoad(t *testing.T) {
	c, err := Load(write(t, "[scanner]\nbaud = 115200\nterminator = \"crlf\"\n[panel]\nmodel = \"waveshare_2in13_v4\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Scanner.Baud != 115200 || c.Scanner.Terminator != "crlf" || c.Panel.Model != "waveshare_2in13_v4" {
		t.Errorf("got %+v %+v", c.Scanner, c.Panel)
	}
	if c.Lights.Hold.D != 3*time.Second {
		t.Errorf("unset key lost its default: hold %v", c.Lights.Hold)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"syntax", "[scanner\n", "line 2"},
		{"unknown key", "[scanner]\nbaudrate = 9600\n", "unknown key scanner.baudrate"},
		{"unknown section", "[printer]\nx = 1\n", "unknown key printer"},
		{"wrong type", "[scanner]\nbaud = \"fast\"\n", "baud"},
		{"bad baud", "[scanner]\nbaud = 12345\n", `scanner.baud = "12345": want a standard rate, one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600`},
		{"bad terminator", "[scanner]\nterminator = \"tabs\"\n", `scanner.terminator = "tabs": want one of auto, cr, lf, crlf, idle, tab`},
		{"bad duration", "[lights]\nhold = \"three seconds\"\n", "want a number with a unit"},
		{"rotation too fast", "[panel]\nrotation_period = \"10s\"\n", "panel.rotation_period"},
		{"bad model", "[panel]\nmodel = \"kindle\"\n", "panel.model"},
		{"bad keymap", "[scanner]\nkeymap = \"dvorak\"\n", `scanner.keymap = "dvorak": want one of us, de, fr`},
		{"relative device", "[scanner]\ndevice = \"ttyACM0\"\n", `scanner.device = "ttyACM0": want "auto", an absolute path`},
		{"bad charset", "[scanner]\ncharset = \"latin1\"\n", `scanner.charset = "latin1": want one of utf-8, gb18030, big5`},
		{"bad quiet hours", "[lights]\nquiet_hours = \"10pm-7am\"\n", "lights.quiet_hours"},
		{"bad venue id", "[venue]\nid = \"a b\"\n", "venue.id"},
		{"bad language", "[panel]\nlanguages = [\"fr\"]\n", "panel.languages"},
		{"three languages", "[panel]\nlanguages = [\"en\", \"zh-Hant\", \"zh-Hans\"]\n", "want 1 to 2 of en, zh-Hant, zh-Hans"},
		{"bad sync source", "[sync]\nsource = \"ftp://x\"\n", "sync.source"},
		{"bad pin name", "[lights]\ngreen = \"GPIO 17\"\n", "lights.green"},
		{"bad profile", "[kiosk]\nprofile = \"eu\"\n", "kiosk.profile"},
		{"listen on every interface", "[kiosk]\nlisten = \"0.0.0.0:8080\"\n", "kiosk.listen_public = true"},
		{"listen on a LAN address", "[kiosk]\nlisten = \"192.168.1.20:8080\"\n", "a loopback address"},
		{"listen without a port", "[kiosk]\nlisten = \"127.0.0.1\"\n", "HOST:PORT"},
		{"fleet on without broker", "[fleet]\nenabled = true\nkiosk_id = \"K1\"\n", `fleet.broker = "": want a broker URL`},
		{"fleet on without kiosk id", "[fleet]\nenabled = true\nbroker = \"mqtts://b.example:8883\"\n", `fleet.kiosk_id = "": want the kiosk's ID`},
		{"fleet broker over http", "[fleet]\nbroker = \"https://b.example\"\n", "fleet.broker"},
		{"fleet broker with password", "[fleet]\nbroker = \"mqtts://k1:pw@b.example:8883\"\n", "fleet.broker"},
		{"fleet broker without port", "[fleet]\nbroker = \"mqtts://b.example\"\n", "fleet.broker"},
		{"fleet kiosk id with slash", "[fleet]\nkiosk_id = \"a/b\"\n", "fleet.kiosk_id"},
		{"fleet kiosk id wildcard", "[fleet]\nkiosk_id = \"#\"\n", "fleet.kiosk_id"},
		{"fleet cert without key", "[fleet]\ncert_file = \"/etc/k.crt\"\n", "fleet.key_file"},
		{"fleet status too rare", "[fleet]\nstatus_every = \"1h\"\n", "fleet.status_every"},
		{"fleet counters too often", "[fleet]\ncounters_every = \"10s\"\n", "fleet.counters_every"},
		{"fleet queue too small", "[fleet]\nqueue_max = 10\n", "fleet.queue_max"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(write(t, tt.text))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.toml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: got %v", err)
	}
}

func TestFleetDefaultsOff(t *testing.T) {
	c := Default()
	if c.Fleet.Enabled || c.Fleet.Broker != "" || c.Fleet.StatusEvery.D != 15*time.Minute || c.Fleet.CountersEvery.D != time.Hour || c.Fleet.QueueMax != 2000 {
		t.Errorf("fleet defaults: got %+v", c.Fleet)
	}
	c, err := Load(write(t, "[fleet]\nenabled = true\nbroker = \"mqtts://fleet.example.org:8883\"\nkiosk_id = \"CM-01-K1\"\npassword_file = \"/var/lib/venuekiosk/fleet.pw\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Fleet.Enabled || c.Fleet.KioskID != "CM-01-K1" || c.Fleet.QueueMax != 2000 {
		t.Errorf("fleet: got %+v", c.Fleet)
	}
}

func TestSet(t *testing.T) {
	c := Default()
	for _, kv := range []string{"scanner.baud=115200", "scanner.device=/dev/ttyUSB0", "kiosk.simulate=true", "panel.rotation_period=60s", `venue.name_zh=中環街市`} {
		if err := c.Set(kv); err != nil {
			t.Fatalf("%s: %v", kv, err)
		}
	}
	if c.Scanner.Baud != 115200 || c.Scanner.Device != "/dev/ttyUSB0" || !c.Kiosk.Simulate || c.Panel.RotationPeriod.D != time.Minute || c.Venue.NameZH != "中環街市" {
		t.Errorf("got %+v %+v %+v", c.Scanner, c.Kiosk, c.Venue)
	}
	for _, kv := range []string{"baud=1", "scanner.=1", "scanner.nothing=1", "scanner.baud"} {
		if err := c.Set(kv); err == nil {
			t.Errorf("%q: want an error", kv)
		}
	}
}

func TestExampleListsEveryKey(t *testing.T) {
	// Every field must have a documented default in kioskd.toml.
	documented := map[string]bool{}
	section := ""
	for _, line := range strings.Split(string(Example()), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[]")
			continue
		}
		if k, _, ok := strings.Cut(line, " = "); ok && !strings.HasPrefix(line, "#") {
			documented[section+"."+k] = true
		}
	}
	ct := reflect.TypeOf(Config{})
	n := 0
	for i := 0; i < ct.NumField(); i++ {
		sec := ct.Field(i)
		for j := 0; j < sec.Type.NumField(); j++ {
			key := sec.Tag.Get("toml") + "." + sec.Type.Field(j).Tag.Get("toml")
			n++
			if !documented[key] {
				t.Errorf("%s has no documented default in kioskd.toml", key)
			}
		}
	}
	if len(documented) != n {
		t.Errorf("kioskd.toml documents %d keys, Config has %d", len(documented), n)
	}
}

func TestApplyProvision(t *testing.T) {
	c := Default()
	c.Kiosk.StateDir = t.TempDir()
	if ok, err := c.ApplyProvision(); ok || err != nil {
		t.Fatalf("no file: got %v, %v", ok, err)
	}
	os.WriteFile(filepath.Join(c.Kiosk.StateDir, ProvisionFile), []byte("[venue]\nid = \"CM-01\"\nname_zh = \"中環街市\"\n[panel]\nmodel = \"waveshare_2in9_v2\"\n"), 0o600)
	if ok, err := c.ApplyProvision(); !ok || err != nil {
		t.Fatalf("got %v, %v", ok, err)
	}
	if c.Venue.ID != "CM-01" || c.Venue.NameZH != "中環街市" || c.Panel.Model != "waveshare_2in9_v2" || c.Scanner.Baud != 9600 {
		t.Errorf("got %+v %+v", c.Venue, c.Panel)
	}
	os.WriteFile(filepath.Join(c.Kiosk.StateDir, ProvisionFile), []byte("[venue]\nidd = 1\n"), 0o600)
	if _, err := c.ApplyProvision(); err == nil || !strings.Contains(err.Error(), "unknown key venue.idd") {
		t.Errorf("bad key: got %v", err)
	}
}

// TestListenPublic: a non-loopback kiosk.listen is accepted only when
// explicitly allowed.
func TestListenPublic(t *testing.T) {
	for _, tc := range []struct {
		text string
		ok   bool
	}{
		{"[kiosk]\nlisten = \"localhost:8080\"\n", true},
		{"[kiosk]\nlisten = \"[::1]:8080\"\n", true},
		{"[kiosk]\nlisten = \"\"\n", true},
		{"[kiosk]\nlisten = \"192.168.1.20:8080\"\nlisten_public = true\n", true},
		{"[kiosk]\nlisten = \":8080\"\n", false},
	} {
		t.Run(tc.text, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "kioskd.toml")
			os.WriteFile(p, []byte(tc.text), 0o644)
			if _, err := Load(p); (err == nil) != tc.ok {
				t.Errorf("%q: %v; want ok %v", tc.text, err, tc.ok)
			}
		})
	}
}
