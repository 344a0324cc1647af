package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/display/qrread"
	"github.com/venuekiosk/venuekiosk/internal/command"
)

// kioskctl panel saves the running kiosk's panel: a PNG whose venue code
// scans.
func TestPanel(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a simulated kiosk")
	}
	_, cfg := runDaemon(t)
	out := filepath.Join(t.TempDir(), "panel.png")
	// The first full refresh follows READY: until it ends the emulated
	// glass shows its power-on noise.
	var payload string
	var err error
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		code, _, errOut := kioskctl(t, "", "panel", "--config", cfg, "--png", out)
		if code != command.ExitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		b, rerr := os.ReadFile(out)
		if rerr != nil {
			t.Fatal(rerr)
		}
		img, derr := png.Decode(bytes.NewReader(b))
		if derr != nil {
			t.Fatal(derr)
		}
		if img.Bounds().Dx() < 122 || img.Bounds().Dy() < 122 {
			t.Fatalf("panel image %v; want a whole panel", img.Bounds())
		}
		if payload, err = qrread.Gozxing(img); err == nil {
			break
		}
	}
	if err != nil || !strings.HasPrefix(payload, "VK1:") {
		t.Errorf("the saved panel's code: %q, %v; want a VK1: venue code", payload, err)
	}
	// To standard output: the same kind of image.
	code, stdout, errOut := kioskctl(t, "", "panel", "--config", cfg, "--png", "-")
	if code != command.ExitOK {
		t.Fatalf("--png -: exit %d: %s", code, errOut)
	}
	if _, err := png.DecodeConfig(strings.NewReader(stdout)); err != nil {
		t.Errorf("--png -: standard output is not a PNG: %v", err)
	}
}

func TestPanelErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no --png", []string{"--config", writeConfig(t, dir, "127.0.0.1:1")}, command.ExitUsage, "--png"},
		{"no kioskd", []string{"--config", writeConfig(t, dir, "127.0.0.1:1"), "--png", filepath.Join(dir, "p.png")}, command.ExitFail, "does not answer"},
		{"no page", []string{"--config", writeConfig(t, dir, ""), "--png", filepath.Join(dir, "p.png")}, command.ExitFail, "kiosk.listen is empty"},
		{"argument", []string{"--png", "-", "extra"}, command.ExitUsage, "unexpected argument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := kioskctl(t, "", append([]string{"panel"}, tc.args...)...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("%s: exit %d, %q; want exit %d mentioning %q", tc.name, code, errOut, tc.code, tc.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "p.png")); !os.IsNotExist(err) {
		t.Errorf("a failed panel command left a file: %v", err)
	}
}
