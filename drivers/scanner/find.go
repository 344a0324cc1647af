package scanner

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Kind is how a scanner talks to the host.
type Kind int

// Kinds.
const (
	Serial   Kind = iota // a tty: USB-COM (CDC-ACM), a USB-serial adapter, a UART
	Keyboard             // a keyboard-mode (USB HID) scanner, read through evdev
)

// String returns "serial" or "keyboard".
func (k Kind) String() string {
	if k == Keyboard {
		return "keyboard"
	}
	return "serial"
}

// Special values of Opts.Path.
const (
	// AutoPath finds the scanner: see Find.
	AutoPath = "auto"
	// EvdevPrefix before a path reads it as an input device whatever its
	// name ("evdev:/run/stand-in"): for stand-ins of /dev/input devices.
	EvdevPrefix = "evdev:"
	// StableLink is the link the project's udev rule gives a known
	// scanner (systemd/99-venuekiosk.rules).
	StableLink = "venuekiosk/scanner"
)

// KnownVendors are USB vendor IDs of barcode scanner makers: a tty or a
// keyboard of one of these is a scanner. The same list is in the udev
// rule that makes /dev/venuekiosk/scanner.
var KnownVendors = map[string]string{
	"0c2e": "Honeywell (Metrologic)",
	"0536": "Hand Held Products (Honeywell)",
	"05e0": "Symbol (Zebra)",
	"05f9": "Datalogic (PSC)",
	"080c": "Datalogic",
	"1eab": "Newland",
	"065a": "Opticon",
	"067e": "Intermec",
	"2dd6": "Mertech",
	"27dd": "Mindeo",
	"1fbb": "Cino",
}

// Found is the scanner Find chose.
type Found struct {
	Path string // the device node, links resolved
	Kind Kind
	Why  string // why this one: "known scanner (Newland)", "USB serial", …
}

// finder looks for scanners under a sysfs and a /dev root (tests give
// their own trees).
type finder struct{ sys, dev string }

var host = finder{sys: "/sys", dev: "/dev"}

// Find resolves a scanner.device value: a path, a /dev/serial/by-id/…
// link or a glob (the first match in lexical order) is a tty unless it
// leads into /dev/input, which is an input device; "evdev:PATH" is an
// input device; "auto" looks for a scanner of either kind, in this order:
//
//  1. /dev/venuekiosk/scanner, the link the project's udev rule gives a
//     scanner of a known maker (KnownVendors);
//  2. a tty or a keyboard whose USB vendor is a known scanner maker;
//  3. any USB-COM (ttyACM) or USB-serial (ttyUSB) device;
//  4. a USB keyboard whose name says it is a scanner ("barcode", "scan");
//  5. a USB keyboard that is not the only keyboard: the other one is
//     left for a person.
//
// Within a step the lexically first device wins.
func Find(pattern string) (Found, error) { return host.find(pattern) }

func (f finder) find(pattern string) (Found, error) {
	switch {
	case pattern == AutoPath:
		return f.auto()
	case strings.HasPrefix(pattern, EvdevPrefix):
		p, err := resolvePath(strings.TrimPrefix(pattern, EvdevPrefix))
		return Found{Path: p, Kind: Keyboard, Why: "configured"}, err
	}
	p, err := resolvePath(pattern)
	if err != nil {
		return Found{}, err
	}
	return Found{Path: p, Kind: f.kindOf(p), Why: "configured"}, nil
}

// kindOf says what a resolved device path is.
func (f finder) kindOf(p string) Kind {
	if strings.HasPrefix(p, filepath.Join(f.dev, "input")+"/") {
		return Keyboard
	}
	return Serial
}

// resolvePath turns a path, link or glob into the device's real path.
func resolvePath(pattern string) (string, error) {
	name := pattern
	if strings.ContainsAny(pattern, `*?[\`) {
		m, err := filepath.Glob(pattern)
		if err != nil {
			return "", err
		}
		if len(m) == 0 {
			return "", fmt.Errorf("no device matches %s", pattern)
		}
		sort.Strings(m)
		name = m[0]
	}
	return filepath.EvalSymlinks(name)
}

// candidate is a device auto may choose.
type candidate struct {
	path   string
	kind   Kind
	step   int
	why    string
	group  string // the physical device (USB device directory), for counting keyboards
	name   string
	usb    bool
	vendor string
}

// errNoScanner is wrapped by auto's error when nothing was found.
var errNoScanner = errors.New("no scanner found")

func (f finder) auto() (Found, error) {
	if p, err := filepath.EvalSymlinks(filepath.Join(f.dev, StableLink)); err == nil {
		return Found{Path: p, Kind: f.kindOf(p), Why: "/dev/" + StableLink}, nil
	}
	var cands []candidate
	ttys, _ := filepath.Glob(filepath.Join(f.sys, "class", "tty", "tty*"))
	for _, t := range ttys {
		base := filepath.Base(t)
		if !strings.HasPrefix(base, "ttyACM") && !strings.HasPrefix(base, "ttyUSB") {
			continue
		}
		dev, err := filepath.EvalSymlinks(filepath.Join(t, "device"))
		if err != nil {
			continue
		}
		usb := usbDevice(dev)
		c := candidate{path: filepath.Join(f.dev, base), kind: Serial, step: 3, why: "USB serial", usb: true, group: usb}
		if usb != "" {
			c.vendor = readAttr(usb, "idVendor")
		}
		cands = append(cands, c)
	}
	keyboards := 0
	events, _ := filepath.Glob(filepath.Join(f.sys, "class", "input", "event*"))
	var kbds []candidate
	for _, e := range events {
		dir, err := filepath.EvalSymlinks(filepath.Join(e, "device"))
		if err != nil || !fullKeyboard(readAttr(dir, "capabilities/key")) {
			continue
		}
		c := candidate{path: filepath.Join(f.dev, "input", filepath.Base(e)), kind: Keyboard, name: readAttr(dir, "name"),
			usb: readAttr(dir, "id/bustype") == "0003", vendor: readAttr(dir, "id/vendor"), group: usbDevice(dir)}
		if c.group == "" {
			c.group = dir
		}
		kbds = append(kbds, c)
	}
	groups := map[string]bool{}
	for _, k := range kbds {
		groups[k.group] = true
	}
	keyboards = len(groups)
	var passed []string
	for _, k := range kbds {
		lname := strings.ToLower(k.name)
		_, known := KnownVendors[strings.ToLower(k.vendor)]
		switch {
		case !k.usb:
			continue
		case known:
			k.step = 2 // named below
		case strings.Contains(lname, "barcode") || strings.Contains(lname, "bar code") || strings.Contains(lname, "scan"):
			k.step, k.why = 4, "USB keyboard named "+strconv.Quote(k.name)
		case keyboards > 1:
			k.step, k.why = 5, "USB keyboard beside another keyboard"
		default:
			passed = append(passed, strconv.Quote(k.name))
			continue
		}
		cands = append(cands, k)
	}
	for i, c := range cands {
		if maker, ok := KnownVendors[strings.ToLower(c.vendor)]; ok {
			cands[i].step, cands[i].why = 2, "known scanner maker "+maker
		}
	}
	if len(cands) == 0 {
		msg := "no USB serial device and no keyboard-mode scanner"
		if len(passed) > 0 {
			msg += "; the only keyboard (" + strings.Join(passed, ", ") + ") is left alone: set scanner.device to take it"
		}
		return Found{}, fmt.Errorf("%w: %s", errNoScanner, msg)
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].step != cands[j].step {
			return cands[i].step < cands[j].step
		}
		return cands[i].path < cands[j].path
	})
	c := cands[0]
	if _, err := os.Stat(c.path); err != nil {
		return Found{}, fmt.Errorf("%s (%s): %w", c.path, c.why, err)
	}
	return Found{Path: c.path, Kind: c.kind, Why: c.why}, nil
}

// usbDevice walks up from a sysfs device directory to the USB device that
// holds it (the directory with idVendor), or returns "".
func usbDevice(dir string) string {
	for d := dir; d != "/" && d != "." && len(d) > 1; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "idVendor")); err == nil {
			return d
		}
	}
	return ""
}

// readAttr reads a small sysfs attribute, trimmed; "" when absent.
func readAttr(dir, name string) string {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil || len(b) > 4096 {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// fullKeyboard reads an input device's key bitmap (capabilities/key: hex
// words, most significant first) and reports whether it has every key
// from Esc through the letter row and Enter (codes 1 to 31), as udev's
// input_id calls a device a keyboard. Those bits lie in the lowest 32 of
// the last word on 32- and 64-bit kernels alike.
func fullKeyboard(bitmap string) bool {
	f := strings.Fields(bitmap)
	if len(f) == 0 {
		return false
	}
	w, err := strconv.ParseUint(f[len(f)-1], 16, 64)
	return err == nil && w&0xfffffffe == 0xfffffffe
}
