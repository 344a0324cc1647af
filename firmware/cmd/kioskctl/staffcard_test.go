package main

import (
	"context"
	"encoding/json"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/display/qrread"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/internal/command"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// operatorKeys makes an operator key pair with kioskctl provision keygen.
func operatorKeys(t *testing.T, dir, name string) (priv, pub string) {
	t.Helper()
	priv = filepath.Join(dir, name+".key")
	code, _, errOut := kioskctl(t, "", "provision", "keygen", "--out", priv)
	if code != command.ExitOK {
		t.Fatalf("keygen: %d %s", code, errOut)
	}
	return priv, filepath.Join(dir, name+".pub") // written by keygen
}

func TestStaffCardIssueVerify(t *testing.T) {
	dir := t.TempDir()
	priv, pub := operatorKeys(t, dir, "operator")
	otherPriv, _ := operatorKeys(t, dir, "stranger")
	pngFile := filepath.Join(dir, "card.png")
	code, out, errOut := kioskctl(t, "", "staffcard", "issue", "--key", priv, "--role", "supervisor", "--id", "CM-SUP-1",
		"--from", "2026-11-01", "--until", "2027-01-31T00:00:00+08:00", "--png", pngFile)
	if code != command.ExitOK {
		t.Fatalf("issue: exit %d: %s", code, errOut)
	}
	card := strings.TrimSpace(out)
	if !strings.HasPrefix(card, "VKSTAFF1:SUPERVISOR:CM-SUP-1:202611010000:202701301600:") {
		t.Fatalf("card %q", card)
	}
	// The printed QR code reads back as the card.
	f, err := os.Open(pngFile)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got, err := qrread.GozxingPure(img); err != nil || got != card {
		t.Errorf("PNG reads %q, %v", got, err)
	}
	_, forged, _ := kioskctl(t, "", "staffcard", "issue", "--key", otherPriv, "--role", "supervisor", "--id", "CM-SUP-1", "--from", "2026-11-01")

	// A kiosk store with CM-SUP-9 revoked.
	state := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(state, daemon.DBFile), &store.Opts{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Apply(context.Background(), func(tx *store.Tx) error {
		_, err := tx.ReplaceStaffRevocations(store.SliceSeq([]string{"CM-SUP-9"}))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	_, revokedCard, _ := kioskctl(t, "", "staffcard", "issue", "--key", priv, "--role", "guard", "--id", "CM-SUP-9", "--from", "2026-11-01")
	_, longCard, warn := kioskctl(t, "", "staffcard", "issue", "--key", priv, "--role", "supervisor", "--id", "CM-SUP-2", "--from", "2026-11-01", "--days", "365")
	if !strings.Contains(warn, "longer than the default entry policy allows") {
		t.Errorf("issuing a year-long supervisor card: no warning (%q)", warn)
	}
	_, boundCard, _ := kioskctl(t, "", "staffcard", "issue", "--key", priv, "--role", "supervisor", "--id", "CM-SUP-3", "--from", "2026-11-01", "--venues", "cm-01,CM-02")
	if !strings.Contains(boundCard, ":V/CM-01+CM-02:") {
		t.Errorf("bound card %q", boundCard)
	}

	base := []string{"staffcard", "verify", "--config", "/dev/null", "--state-dir", state, "--operator-pub", pub}
	for _, tc := range []struct {
		name  string
		args  []string
		stdin string
		code  int
		want  string
	}{
		{"valid", []string{"--at", "2026-11-23", card}, "", command.ExitOK, "VALID (checked: signature, validity, lifetime, binding, revocations)"},
		{"from stdin", []string{"--at", "2026-11-23", "-"}, card + "\n", command.ExitOK, "card CM-SUP-1: supervisor"},
		{"expired", []string{"--at", "2027-02-01", card}, "", command.ExitFail, "card expired"},
		{"longer than the policy allows", []string{"--at", "2026-11-23", strings.TrimSpace(longCard)}, "", command.ExitFail, "at most 92 for a supervisor"},
		{"bound elsewhere", []string{"--at", "2026-11-23", strings.TrimSpace(boundCard)}, "", command.ExitFail, "bound to other venues"},
		{"not yet valid", []string{"--at", "2026-10-31", card}, "", command.ExitFail, "not yet valid"},
		{"forged", []string{"--at", "2026-11-23", strings.TrimSpace(forged)}, "", command.ExitFail, "signature does not verify"},
		{"revoked", []string{"--at", "2026-11-23", strings.TrimSpace(revokedCard)}, "", command.ExitFail, "card revoked"},
		{"tampered", []string{"--at", "2026-11-23", strings.Replace(card, "SUPERVISOR", "TECHNICIAN", 1)}, "", command.ExitFail, "signature"},
		{"garbage", []string{"--at", "2026-11-23", "HC1:nope"}, "", command.ExitFail, "not a well-formed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := kioskctl(t, tc.stdin, append(append([]string{}, base...), tc.args...)...)
			if code != tc.code || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, want %d; output %q (stderr %q), want %q", code, tc.code, out, errOut, tc.want)
			}
		})
	}
	// JSON, and no store: the revocations are said to be unchecked.
	code, out, _ = kioskctl(t, "", "staffcard", "verify", "--config", "/dev/null", "--state-dir", t.TempDir(), "--operator-pub", pub, "--at", "2026-11-23", "--json", card)
	var res staffCardResult
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != command.ExitOK || !res.Valid || res.ID != "CM-SUP-1" || res.Role != "supervisor" || len(res.Checks) != 4 {
		t.Errorf("json: exit %d, %+v, %v", code, res, err)
	}
}

func TestStaffCardUsage(t *testing.T) {
	dir := t.TempDir()
	priv, _ := operatorKeys(t, dir, "operator")
	junk := filepath.Join(dir, "junk")
	os.WriteFile(junk, []byte("not a key"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", []string{"staffcard"}, "usage: kioskctl staffcard"},
		{"unknown subcommand", []string{"staffcard", "print"}, "usage: kioskctl staffcard"},
		{"no key", []string{"staffcard", "issue", "--role", "guard", "--id", "X"}, "want --key"},
		{"bad role", []string{"staffcard", "issue", "--key", priv, "--role", "janitor", "--id", "X"}, "--role"},
		{"bad id", []string{"staffcard", "issue", "--key", priv, "--role", "guard", "--id", "cm 1"}, "card id"},
		{"bad from", []string{"staffcard", "issue", "--key", priv, "--role", "guard", "--id", "X", "--from", "soon"}, "--from"},
		{"too long", []string{"staffcard", "issue", "--key", priv, "--role", "guard", "--id", "X", "--days", "3000"}, "--days"},
		{"until before from", []string{"staffcard", "issue", "--key", priv, "--role", "guard", "--id", "X", "--from", "2026-11-01", "--until", "2026-10-01"}, "not after"},
		{"junk key", []string{"staffcard", "issue", "--key", junk, "--role", "guard", "--id", "X"}, "--key"},
		{"missing key", []string{"staffcard", "issue", "--key", filepath.Join(dir, "nope"), "--role", "guard", "--id", "X"}, "--key"},
		{"verify nothing", []string{"staffcard", "verify", "--config", "/dev/null"}, "want one CARD"},
		{"verify junk pub", []string{"staffcard", "verify", "--config", "/dev/null", "--operator-pub", junk, "X"}, "operator key"},
		{"verify bad at", []string{"staffcard", "verify", "--config", "/dev/null", "--at", "then", "X"}, "--at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := kioskctl(t, "", tc.args...)
			if code != command.ExitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, command.ExitUsage, tc.want)
			}
		})
	}
}
