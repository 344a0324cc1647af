package systemd

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/drivers/scanner"
)

// scannerModules are the drivers a scanner a venue buys needs, by module
// name and by kernel option.
var scannerModules = []struct{ module, option string }{
	{"cdc_acm", "CONFIG_USB_ACM"},
	{"usbserial", "CONFIG_USB_SERIAL"},
	{"ftdi_sio", "CONFIG_USB_SERIAL_FTDI_SIO"},
	{"cp210x", "CONFIG_USB_SERIAL_CP210X"},
	{"ch341", "CONFIG_USB_SERIAL_CH341"},
	{"pl2303", "CONFIG_USB_SERIAL_PL2303"},
	{"evdev", "CONFIG_INPUT_EVDEV"},
}

// TestScannerModulesLoaded: the image loads every scanner driver before
// kioskd (modules-load.d, installed by make install), and the Buildroot
// kernel builds each of them.
func TestScannerModulesLoaded(t *testing.T) {
	root, _ := installRoot(t)
	b, err := os.ReadFile(root + "/usr/lib/modules-load.d/venuekiosk.conf")
	if err != nil {
		t.Fatalf("make install did not install modules-load.d/venuekiosk.conf: %v", err)
	}
	var listed []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			listed = append(listed, l)
		}
	}
	frag, err := os.ReadFile("../buildroot/board/venuekiosk/common/linux.fragment")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range scannerModules {
		if !slices.Contains(listed, m.module) {
			t.Errorf("modules-load.d/venuekiosk.conf does not load %s", m.module)
		}
		if !regexp.MustCompile(`(?m)^` + m.option + `=[ym]$`).Match(frag) {
			t.Errorf("linux.fragment does not build %s (%s)", m.module, m.option)
		}
	}
	unit, err := os.ReadFile("kioskd.service")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(unit), "\n") {
		if strings.HasPrefix(l, "After=") && !strings.Contains(l, "systemd-modules-load.service") {
			t.Errorf("kioskd.service %q: want it after systemd-modules-load.service", l)
		}
		if !strings.HasPrefix(l, "#") && strings.Contains(l, "udev-settle") {
			t.Errorf("kioskd.service still orders on udev-settle: %q (an ordering without Wants= waits for nothing)", l)
		}
	}
}

// TestUdevScannerLink: the udev rule's makers are the driver's known
// scanner makers, for ttys and keyboards alike.
func TestUdevScannerLink(t *testing.T) {
	b, err := os.ReadFile("99-venuekiosk.rules")
	if err != nil {
		t.Fatal(err)
	}
	want := make([]string, 0, len(scanner.KnownVendors))
	for v := range scanner.KnownVendors {
		want = append(want, v)
	}
	slices.Sort(want)
	re := regexp.MustCompile(`(?m)^SUBSYSTEM=="(tty|input)".*ATTRS\{idVendor\}=="([0-9a-f|]+)".*SYMLINK\+="` + scanner.StableLink + `"$`)
	rules := re.FindAllStringSubmatch(string(b), -1)
	if len(rules) != 2 {
		t.Fatalf("%d rules make the %s link; want one for ttys and one for keyboards", len(rules), scanner.StableLink)
	}
	for _, r := range rules {
		got := strings.Split(r[2], "|")
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("the %s rule's makers %v; want the driver's %v", r[1], got, want)
		}
	}
}
