package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/internal/command"
)

// lowerKeys reports the first object key in a JSON document that is not
// written as GET /api/state writes its names (lower case, digits, '_').
func lowerKeys(t *testing.T, doc []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	name := regexp.MustCompile(`^[a-z0-9_]+$`)
	var walk func(path string, v any) string
	walk = func(path string, v any) string {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if !name.MatchString(k) {
					return path + "." + k
				}
				if bad := walk(path+"."+k, c); bad != "" {
					return bad
				}
			}
		case []any:
			for i, c := range x {
				if bad := walk(fmt.Sprintf("%s[%d]", path, i), c); bad != "" {
					return bad
				}
			}
		}
		return ""
	}
	return walk("", v)
}

// status and provision, for people (lines of words, not JSON; "once", not
// "1 times"; one "store:") and for programs (names as /api/state writes
// them: "green", "key_created", not "Green", "KeyCreated").
func TestStatusAndProvisionOutput(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := kioskctlIn(t, "", "provision", "--config", baseConfig(t, deadAddr(t)), "--state-dir", dir,
		"--venue-id", "CM-07", "--venue-en", "Harbour Clinic", "--json")
	if code != command.ExitOK {
		t.Fatalf("provision --json: exit %d %s", code, errOut)
	}
	if bad := lowerKeys(t, []byte(out)); bad != "" {
		t.Errorf("provision --json names %s:\n%s", bad, out)
	}
	var pj struct {
		KeyCreated  bool   `json:"key_created"`
		Fingerprint string `json:"fingerprint"`
	}
	if json.Unmarshal([]byte(out), &pj); !pj.KeyCreated || pj.Fingerprint == "" {
		t.Errorf("provision --json: %s", out)
	}

	addr := runProvisioned(t, dir)
	cfg := baseConfig(t, addr)
	code, out, errOut = kioskctlIn(t, "", "status", "--config", cfg, "--state-dir", dir, "--json")
	if code != command.ExitOK {
		t.Fatalf("status --json: exit %d %s", code, errOut)
	}
	if bad := lowerKeys(t, []byte(out)); bad != "" {
		t.Errorf("status --json names %s:\n%s", bad, out)
	}
	for _, want := range []string{`"today": {`, `"green":`, `"trust_keys":`} {
		if !strings.Contains(out, want) {
			t.Errorf("status --json lacks %s:\n%s", want, out)
		}
	}
	_, text, _ := kioskctlIn(t, "", "status", "--config", cfg, "--state-dir", dir)
	lines := map[string]string{}
	for _, l := range strings.Split(text, "\n") {
		if k, v, ok := strings.Cut(l, " "); ok {
			lines[k] = strings.TrimSpace(v)
		}
	}
	if s := lines["scanner"]; s == "" || strings.ContainsAny(s, "{}\"") || !strings.Contains(s, "connected") {
		t.Errorf("scanner line: %q, want words", s)
	}
	if p := lines["panel"]; p == "" || strings.ContainsAny(p, "{}\"") || !strings.Contains(p, "waveshare_") || !strings.Contains(p, "refresh") {
		t.Errorf("panel line: %q, want words", p)
	}

	// No store: one "store:" prefix.
	code, out, _ = kioskctlIn(t, "", "status", "--config", baseConfig(t, deadAddr(t)), "--state-dir", t.TempDir())
	if code != command.ExitOK || strings.Contains(out, "store: store:") || !strings.Contains(out, "store:") {
		t.Errorf("status without a store: exit %d\n%s", code, out)
	}
}

// With the log lights driver (no lights fitted) selftest pulses nothing
// and says so.
func TestSelfTestLogLights(t *testing.T) {
	dir, _ := kioskState(t, time.Now())
	cfg := filepath.Join(t.TempDir(), "kioskd.toml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("[kiosk]\nlisten = %q\n[scanner]\ndevice = \"\"\n[lights]\ndriver = \"log\"\n", deadAddr(t))), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, errOut := kioskctlIn(t, "", "selftest", "--config", cfg, "--state-dir", dir, "--json")
	_, checks := checksByName(t, out)
	l, ok := checks["lights"]
	if !ok || strings.Contains(l.Detail, "pulsed once") || !l.OK {
		t.Errorf("lights check with lights.driver = log: %+v (%s)", l, errOut)
	}
}

func TestTimesAndPlural(t *testing.T) {
	for n, want := range map[int64]string{0: "0 times", 1: "once", 2: "2 times"} {
		if got := times(n); got != want {
			t.Errorf("times(%d) = %q, want %q", n, got, want)
		}
	}
	if got := plural(1, "error", "errors") + ", " + plural(3, "error", "errors"); got != "1 error, 3 errors" {
		t.Errorf("plural: %q", got)
	}
}
