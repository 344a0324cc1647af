package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/internal/command"
)

// kioskctl runs the command in-process and returns its exit status and output.
func kioskctl(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsage(t *testing.T) {
	dir := t.TempDir()
	badPolicy := filepath.Join(dir, "policy.json")
	os.WriteFile(badPolicy, []byte(`{"exemption":"blue"}`), 0o644)
	junk := filepath.Join(dir, "junk")
	os.WriteFile(junk, []byte("not a key"), 0o644)
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stderr string
	}{
		{"no command", nil, "", command.ExitUsage, "usage: kioskctl"},
		{"unknown command", []string{"frobnicate"}, "", command.ExitUsage, `unknown command "frobnicate"`},
		{"verify bad --at", []string{"verify", "--at", "yesterday", "HC1:x"}, "", command.ExitUsage, "--at"},
		{"verify two payloads", []string{"verify", "a", "b"}, "", command.ExitUsage, "want one PAYLOAD"},
		{"verify missing trust file", []string{"verify", "--trust", filepath.Join(dir, "nope.pem"), "HC1:x"}, "", command.ExitUsage, "--trust"},
		{"verify junk trust file", []string{"verify", "--trust", junk, "HC1:x"}, "", command.ExitUsage, "neither a PEM"},
		{"verify bad policy", []string{"verify", "--policy", badPolicy, "HC1:x"}, "", command.ExitUsage, `outcome "blue"`},
		{"verify empty stdin", []string{"verify"}, "", command.ExitUsage, "no payload"},
		{"verify unknown flag", []string{"verify", "--colour"}, "", command.ExitUsage, "flag provided but not defined"},
		{"version extra args", []string{"version", "x"}, "", command.ExitUsage, "usage: kioskctl version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := kioskctl(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit: got %d, want %d", code, tt.code)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr: got %q, want it to contain %q", stderr, tt.stderr)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"verify", "--help"}} {
		code, out, _ := kioskctl(t, "", args...)
		if code != command.ExitOK || !strings.Contains(out, "usage:") {
			t.Errorf("%v: got exit %d, output %q; want 0 and a usage text on stdout", args, code, out)
		}
	}
}

func TestVerifyUnknownPayloadJSON(t *testing.T) {
	code, out, _ := kioskctl(t, "NOT A PASS\n", "verify", "--json", "--policy", "none", "-")
	if code != command.ExitFail {
		t.Errorf("exit: got %d, want %d", code, command.ExitFail)
	}
	var got struct {
		Verdict string `json:"verdict"`
		Format  string `json:"format"`
		Reasons []struct{ Code, Detail string }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	if got.Verdict != "red" || len(got.Reasons) == 0 || got.Reasons[0].Code != "prefix" {
		t.Errorf("got %+v, want red with reason prefix", got)
	}
}

func TestVerifyHumanOutput(t *testing.T) {
	code, out, _ := kioskctl(t, "", "verify", "--at", "2022-01-01T00:00:00Z", "garbage")
	if code != command.ExitFail || !strings.Contains(out, "verdict: RED") || !strings.Contains(out, "reason:  prefix") {
		t.Errorf("got exit %d, output %q", code, out)
	}
}
