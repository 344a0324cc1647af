package scanner

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeSys builds a sysfs and /dev tree with the devices given.
type fakeSys struct {
	t        *testing.T
	sys, dev string
}

func newFakeSys(t *testing.T) *fakeSys {
	root := t.TempDir()
	f := &fakeSys{t: t, sys: filepath.Join(root, "sys"), dev: filepath.Join(root, "dev")}
	for _, d := range []string{"class/tty", "class/input", "devices"} {
		os.MkdirAll(filepath.Join(f.sys, d), 0o755)
	}
	os.MkdirAll(filepath.Join(f.dev, "input"), 0o755)
	return f
}

func (f *fakeSys) file(p, content string) {
	f.t.Helper()
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(content+"\n"), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

// usb makes a USB device directory with a vendor ID.
func (f *fakeSys) usb(port, vendor string) string {
	d := filepath.Join(f.sys, "devices", "pci0000:00", "usb1", port)
	f.file(filepath.Join(d, "idVendor"), vendor)
	return d
}

// tty adds a tty under a USB device ("" for none: a UART).
func (f *fakeSys) tty(name, usbDev string) {
	parent := filepath.Join(f.sys, "devices", "platform", "serial8250")
	if usbDev != "" {
		parent = filepath.Join(usbDev, filepath.Base(usbDev)+":1.0")
	}
	os.MkdirAll(parent, 0o755)
	os.MkdirAll(filepath.Join(f.sys, "class", "tty", name), 0o755)
	if err := os.Symlink(parent, filepath.Join(f.sys, "class", "tty", name, "device")); err != nil {
		f.t.Fatal(err)
	}
	f.file(filepath.Join(f.dev, name), "")
}

const (
	keyboardBits = "120013 0 0 0 0 0 0 0 0 0 0 1000000000007 ff9f207ac14057ff febeffdfffefffff fffffffffffffffe"
	mouseBits    = "1f0000 0 0 0 0"
	consumerBits = "1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1"
)

// input adds an input device with its event node.
func (f *fakeSys) input(event, name, bus, vendor, keys, usbDev string) {
	parent := filepath.Join(f.sys, "devices", "platform", "i8042", "serio0")
	if usbDev != "" {
		parent = filepath.Join(usbDev, filepath.Base(usbDev)+":1.0", "0003:"+vendor+":0001.0001")
	}
	dir := filepath.Join(parent, "input", "input"+strings.TrimPrefix(event, "event"))
	f.file(filepath.Join(dir, "name"), name)
	f.file(filepath.Join(dir, "id", "bustype"), bus)
	f.file(filepath.Join(dir, "id", "vendor"), vendor)
	f.file(filepath.Join(dir, "capabilities", "key"), keys)
	os.MkdirAll(filepath.Join(f.sys, "class", "input", event), 0o755)
	if err := os.Symlink(dir, filepath.Join(f.sys, "class", "input", event, "device")); err != nil {
		f.t.Fatal(err)
	}
	f.file(filepath.Join(f.dev, "input", event), "")
}

func (f *fakeSys) find() (Found, error) { return finder{sys: f.sys, dev: f.dev}.find(AutoPath) }

func TestFindAuto(t *testing.T) {
	for _, tt := range []struct {
		name  string
		setup func(f *fakeSys)
		want  string // device under dev, or "" for none
		kind  Kind
		why   string // a part of Found.Why, or of the error
	}{
		{"nothing", func(f *fakeSys) {}, "", Serial, "no USB serial device"},
		{"a UART alone is not taken", func(f *fakeSys) { f.tty("ttyS0", "") }, "", Serial, "no USB serial"},
		{"usb serial", func(f *fakeSys) { f.tty("ttyUSB0", f.usb("1-1", "0403")) }, "ttyUSB0", Serial, "USB serial"},
		{"first of two usb serials", func(f *fakeSys) {
			f.tty("ttyUSB1", f.usb("1-1", "0403"))
			f.tty("ttyACM0", f.usb("1-2", "1a86"))
		}, "ttyACM0", Serial, "USB serial"},
		{"known maker first", func(f *fakeSys) {
			f.tty("ttyACM0", f.usb("1-1", "0403"))
			f.tty("ttyACM1", f.usb("1-2", "1eab"))
		}, "ttyACM1", Serial, "Newland"},
		{"known maker's keyboard before a usb serial", func(f *fakeSys) {
			f.tty("ttyUSB0", f.usb("1-1", "0403"))
			f.input("event3", "Honeywell Imaging & Mobility 1950", "0003", "0c2e", keyboardBits, f.usb("1-2", "0c2e"))
		}, "input/event3", Keyboard, "Honeywell"},
		{"usb serial before a keyboard", func(f *fakeSys) {
			f.input("event0", "AT Translated Set 2 keyboard", "0011", "0001", keyboardBits, "")
			f.input("event3", "USB Keyboard", "0003", "04d9", keyboardBits, f.usb("1-2", "04d9"))
			f.tty("ttyUSB0", f.usb("1-1", "0403"))
		}, "ttyUSB0", Serial, "USB serial"},
		{"the only keyboard is left alone", func(f *fakeSys) {
			f.input("event3", "SEM USB Keyboard", "0003", "1a2c", keyboardBits, f.usb("1-2", "1a2c"))
			f.input("event4", "SEM USB Keyboard Consumer Control", "0003", "1a2c", consumerBits, f.usb("1-2", "1a2c"))
			f.input("event5", "USB Mouse", "0003", "046d", mouseBits, f.usb("1-3", "046d"))
		}, "", Serial, `the only keyboard ("SEM USB Keyboard") is left alone`},
		{"a usb keyboard beside another keyboard", func(f *fakeSys) {
			f.input("event0", "AT Translated Set 2 keyboard", "0011", "0001", keyboardBits, "")
			f.input("event3", "QEMU QEMU USB Keyboard", "0003", "0627", keyboardBits, f.usb("1-2", "0627"))
		}, "input/event3", Keyboard, "beside another keyboard"},
		{"a platform keyboard is never taken", func(f *fakeSys) {
			f.input("event0", "AT Translated Set 2 keyboard", "0011", "0001", keyboardBits, "")
			f.input("event1", "gpio-keys", "0019", "0001", keyboardBits, "")
		}, "", Serial, "no USB serial"},
		{"a keyboard named as a scanner, alone", func(f *fakeSys) {
			f.input("event3", "BARCODE SCANNER BARCODE SCANNER", "0003", "ffff", keyboardBits, f.usb("1-2", "ffff"))
		}, "input/event3", Keyboard, "named"},
		{"the stable link first", func(f *fakeSys) {
			f.tty("ttyACM0", f.usb("1-2", "1eab"))
			f.input("event3", "Scanner", "0003", "0c2e", keyboardBits, f.usb("1-3", "0c2e"))
			os.MkdirAll(filepath.Join(f.dev, "venuekiosk"), 0o755)
			os.Symlink("../input/event3", filepath.Join(f.dev, "venuekiosk", "scanner"))
		}, "input/event3", Keyboard, "/dev/venuekiosk/scanner"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSys(t)
			tt.setup(f)
			got, err := f.find()
			if tt.want == "" {
				if !errors.Is(err, errNoScanner) || !strings.Contains(err.Error(), tt.why) {
					t.Fatalf("got %+v, %v; want no scanner, error mentioning %q", got, err, tt.why)
				}
				return
			}
			want, _ := filepath.EvalSymlinks(filepath.Join(f.dev, tt.want))
			if err != nil || got.Path != want && got.Path != filepath.Join(f.dev, tt.want) || got.Kind != tt.kind || !strings.Contains(got.Why, tt.why) {
				t.Fatalf("got %+v, %v; want %s (%v, %q)", got, err, tt.want, tt.kind, tt.why)
			}
		})
	}
}

func TestFindConfigured(t *testing.T) {
	f := newFakeSys(t)
	f.tty("ttyACM0", f.usb("1-1", "1eab"))
	f.input("event3", "kbd", "0003", "0c2e", keyboardBits, f.usb("1-2", "0c2e"))
	os.MkdirAll(filepath.Join(f.dev, "input", "by-id"), 0o755)
	os.Symlink("../event3", filepath.Join(f.dev, "input", "by-id", "usb-Honeywell-event-kbd"))
	fd := finder{sys: f.sys, dev: f.dev}
	real := func(p string) string { r, _ := filepath.EvalSymlinks(p); return r }
	for _, tt := range []struct {
		in   string
		want string
		kind Kind
	}{
		{filepath.Join(f.dev, "ttyACM*"), real(filepath.Join(f.dev, "ttyACM0")), Serial},
		{filepath.Join(f.dev, "input", "by-id", "*-event-kbd"), real(filepath.Join(f.dev, "input", "event3")), Keyboard},
		{EvdevPrefix + filepath.Join(f.dev, "ttyACM0"), real(filepath.Join(f.dev, "ttyACM0")), Keyboard},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := fd.find(tt.in)
			if err != nil || got.Path != tt.want || got.Kind != tt.kind {
				t.Errorf("find(%s): got %+v, %v; want %s, %v", tt.in, got, err, tt.want, tt.kind)
			}
		})
	}
	if _, err := fd.find(filepath.Join(f.dev, "ttyUSB*")); err == nil {
		t.Error("a glob matching nothing: want an error")
	}
}

func TestFullKeyboard(t *testing.T) {
	for _, tt := range []struct {
		bits string
		want bool
	}{
		{keyboardBits, true},
		{"fffffffe", true},            // one 32-bit word
		{"7 ff9f207a fffffffe", true}, // 32-bit kernel
		{"fffffffffffffffc", false},   // no Esc
		{mouseBits, false}, {consumerBits, false}, {"", false}, {"zz", false},
	} {
		t.Run(tt.bits, func(t *testing.T) {
			if got := fullKeyboard(tt.bits); got != tt.want {
				t.Errorf("fullKeyboard(%q): got %v, want %v", tt.bits, got, tt.want)
			}
		})
	}
}
