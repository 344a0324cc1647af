package sim

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/venuekiosk/venuekiosk/drivers/scanner/keymap"
	"github.com/venuekiosk/venuekiosk/drivers/scanner/ptysim"
	"github.com/venuekiosk/venuekiosk/firmware/web"
)

// KeyboardLink is the name, in the state directory, of the pseudo-terminal
// that stands in for a keyboard-mode scanner's /dev/input/eventN: the
// daemon reads it as "evdev:" + its path, through the same evdev code as
// a real input device (only the grab is skipped: a pty cannot be grabbed).
const KeyboardLink = "scanner-kbd"

// Profile is what one kind of scanner sends for a scan, out of the box.
type Profile struct {
	Name     string `json:"name"`
	Label    string `json:"label"`
	Keyboard bool   `json:"keyboard,omitempty"` // typed into the keyboard stand-in, not the serial line
	encode   func(payload string) ([]byte, error)
}

func suffix(s string) func(string) ([]byte, error) {
	return func(p string) ([]byte, error) { return []byte(p + s), nil }
}

// Profiles lists the simulated scanners: every suffix, the AIM identifier
// with and without ECI, GB18030 and keyboard mode. The kiosk's defaults
// (terminator auto, strip_aim, utf-8) read all of them but "gb18030 (no
// ECI)", which needs scanner.charset = "gb18030" — as a real one does.
var Profiles = []Profile{
	{Name: "cr", Label: "CR suffix (the usual default)", encode: suffix("\r")},
	{Name: "crlf", Label: "CRLF suffix", encode: suffix("\r\n")},
	{Name: "lf", Label: "LF suffix", encode: suffix("\n")},
	{Name: "lfcr", Label: "LF-CR suffix", encode: suffix("\n\r")},
	{Name: "tab", Label: "Tab suffix", encode: suffix("\t")},
	{Name: "none", Label: "no suffix (ended by the idle gap)", encode: suffix("")},
	{Name: "aim", Label: "AIM ]Q1 and CR", encode: func(p string) ([]byte, error) { return []byte("]Q1" + p + "\r"), nil }},
	{Name: "eci-gb18030", Label: "AIM ]Q2 with ECI 32 (GB 18030), CRLF", encode: func(p string) ([]byte, error) {
		b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(p))
		if err != nil {
			return nil, err
		}
		out := []byte(`]Q2\000032`)
		for _, c := range b {
			if c == '\\' {
				out = append(out, '\\') // the ECI protocol doubles a backslash
			}
			out = append(out, c)
		}
		return append(out, "\r\n"...), nil
	}},
	{Name: "gb18030", Label: "GB18030 text, CR (needs scanner.charset = gb18030)", encode: func(p string) ([]byte, error) {
		b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(p))
		return append(b, '\r'), err
	}},
	{Name: "keyboard", Label: "keyboard mode (USB HID, US layout), Enter", Keyboard: true, encode: func(p string) ([]byte, error) {
		return ptysim.KeyEvents(keymap.US, p+"\r", time.Now())
	}},
}

// ErrProfile is returned for a profile name not in Profiles.
var ErrProfile = errors.New("sim: no such scanner profile")

// Encode returns what profile name's scanner sends for payload and
// whether it goes to the keyboard stand-in.
func Encode(name, payload string) ([]byte, bool, error) {
	for _, p := range Profiles {
		if p.Name == name {
			b, err := p.encode(payload)
			if err != nil {
				return nil, false, fmt.Errorf("sim: profile %s cannot send this payload: %w", name, err)
			}
			return b, p.Keyboard, nil
		}
	}
	return nil, false, fmt.Errorf("%w: %q", ErrProfile, name)
}

// scanVia returns the function the page's profile picker calls: the
// payload as profile's scanner sends it, into the serial line or the
// keyboard stand-in. Picking another serial profile is plugging in
// another scanner: the serial pty is replugged, so the driver meets it
// afresh (it learns, per connection, whether the scanner sends a suffix).
func (s *Sim) scanVia() web.SimScanner {
	var mu sync.Mutex
	last := ""
	return web.SimScanner{
		Profiles: func() []web.ScanProfile {
			out := make([]web.ScanProfile, len(Profiles))
			for i, p := range Profiles {
				out[i] = web.ScanProfile{Name: p.Name, Label: p.Label}
			}
			return out
		},
		Scan: func(profile string, payload []byte) error {
			b, kbd, err := Encode(profile, string(payload))
			if err != nil {
				return err
			}
			if kbd {
				_, err = s.Keyboard.Write(b)
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			if profile != last {
				if err := s.Scanner.Plug(); err != nil {
					return err
				}
				last = profile
			}
			_, err = s.Scanner.Write(b)
			return err
		},
	}
}
