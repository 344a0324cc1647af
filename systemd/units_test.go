// Package systemd holds the kiosk's systemd units; its test checks them
// with systemd's own tools on a root filled by the repository's install
// step.
package systemd

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// installRoot runs `make install` into a fresh root with stand-in binaries,
// adds the host's targets and slices the units depend on, and returns the
// root and its unit directory.
func installRoot(t *testing.T) (root, units string) {
	t.Helper()
	for _, tool := range []string{"make", "install", "systemd-analyze"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found (Debian packages make, coreutils, systemd)", tool)
		}
	}
	root = t.TempDir()
	bin := t.TempDir()
	for _, b := range []string{"kioskd", "kioskctl"} {
		if err := os.WriteFile(filepath.Join(bin, b), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("make", "-C", "..", "--no-print-directory", "install", "DESTDIR="+root, "BIN="+bin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	for _, b := range []string{"/bin/mount", "/bin/umount", "/bin/chown", "/usr/bin/rauc", "/usr/libexec/venuekiosk/venuekiosk-health"} {
		p := filepath.Join(root, b)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755)
	}
	units = filepath.Join(root, "usr", "lib", "systemd", "system")
	host, _ := filepath.Glob("/lib/systemd/system/*.target")
	slices, _ := filepath.Glob("/lib/systemd/system/*.slice")
	host = append(host, slices...)
	if len(host) == 0 {
		t.Skip("no systemd units in /lib/systemd/system (Debian package systemd)")
	}
	for _, h := range host {
		b, err := os.ReadFile(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(units, filepath.Base(h))); err == nil {
			continue
		}
		if err := os.WriteFile(filepath.Join(units, filepath.Base(h)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root, units
}

// TestUnitsVerify: systemd-analyze verify passes on every unit the
// repository installs.
func TestUnitsVerify(t *testing.T) {
	root, units := installRoot(t)
	ours, err := filepath.Glob("*.service")
	if err != nil || len(ours) == 0 {
		t.Fatalf("no units here: %v", err)
	}
	for _, u := range ours {
		t.Run(u, func(t *testing.T) {
			path := filepath.Join(units, u)
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("make install did not install %s", u)
			}
			out, err := exec.Command("systemd-analyze", "verify", "--man=no", "--root="+root, path).CombinedOutput()
			if err != nil || strings.Contains(string(out), u) {
				t.Errorf("systemd-analyze verify %s: %v\n%s", u, err, out)
			}
		})
	}
}

var exposure = regexp.MustCompile(`Overall exposure level for kioskd\.service: ([0-9.]+)`)

// TestKioskdSecurityScore: systemd-analyze security rates kioskd.service's
// exposure at 2.0 or better.
func TestKioskdSecurityScore(t *testing.T) {
	root, units := installRoot(t)
	out, err := exec.Command("systemd-analyze", "security", "--offline=true", "--no-pager", "--root="+root, filepath.Join(units, "kioskd.service")).CombinedOutput()
	m := exposure.FindSubmatch(out)
	if m == nil {
		t.Fatalf("no exposure level in the output (%v):\n%s", err, out)
	}
	score, _ := strconv.ParseFloat(string(m[1]), 64)
	t.Logf("systemd-analyze security: kioskd.service exposure %.1f", score)
	if score > 2.0 {
		t.Errorf("exposure %.1f, want at most 2.0:\n%s", score, out)
	}
}

// TestKioskdUnitContract: the settings the daemon and the image rely on.
func TestKioskdUnitContract(t *testing.T) {
	b, err := os.ReadFile("kioskd.service")
	if err != nil {
		t.Fatal(err)
	}
	unit := string(b)
	for _, want := range []string{
		"Type=notify", "WatchdogSec=", "Restart=on-failure", "StateDirectory=venuekiosk",
		"User=kiosk", "SupplementaryGroups=dialout gpio spi input", "NoNewPrivileges=yes", "ProtectSystem=strict",
		"ProtectHome=yes", "PrivateTmp=yes", "DevicePolicy=closed", "DeviceAllow=char-ttyACM rw", "DeviceAllow=char-spi rw",
		"DeviceAllow=char-gpiochip rw", "DeviceAllow=char-input r", "After=local-fs.target systemd-modules-load.service", "CapabilityBoundingSet=\n", "SystemCallFilter=@system-service", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
	} {
		if !strings.Contains(unit, want) {
			t.Errorf("kioskd.service lacks %q", strings.TrimSpace(want))
		}
	}
}
