package config

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Config is the whole configuration.
type Config struct {
	Kiosk   Kiosk   `toml:"kiosk"`
	Venue   Venue   `toml:"venue"`
	Scanner Scanner `toml:"scanner"`
	Lights  Lights  `toml:"lights"`
	Panel   Panel   `toml:"panel"`
	Scan    Scan    `toml:"scan"`
	Group   Group   `toml:"group"`
	Sync    Sync    `toml:"sync"`
	Fleet   Fleet   `toml:"fleet"`
	Staff   Staff   `toml:"staff"`
}

// Kiosk holds daemon-wide settings.
type Kiosk struct {
	StateDir string `toml:"state_dir"` // the store and keys live here
	Listen   string `toml:"listen"`    // local web page and /api; "" disables it
	// ListenPublic allows a non-loopback Listen (the page and its API on
	// the network); off, such an address is refused.
	ListenPublic bool   `toml:"listen_public"`
	LogLevel     string `toml:"log_level"` // debug, info, warn, error
	Simulate     bool   `toml:"simulate"`  // pty scanner, emulated panel and lights, sample data
	Profile      string `toml:"profile"`   // one of Profiles: tones and defaults of a region
}

// Venue is the venue identity (provisioned).
type Venue struct {
	ID       string `toml:"id"`
	NameEN   string `toml:"name_en"`
	NameZH   string `toml:"name_zh"`
	Category string `toml:"category"`
	HKEN     string `toml:"hken"` // the venue's LeaveHomeSafe code (set from its poster); shown only with panel.hken
}

// Scanner configures the serial barcode scanner.
type Scanner struct {
	Device     string   `toml:"device"`     // auto, a tty or input device path, glob or by-id link; "" = none
	Baud       int      `toml:"baud"`       //
	Terminator string   `toml:"terminator"` // one of Terminators
	IdleGap    Duration `toml:"idle_gap"`   // silence that ends a frame with auto or idle
	StripAIM   bool     `toml:"strip_aim"`  // strip AIM symbology identifiers (]Q1 …), decode ECI
	Charset    string   `toml:"charset"`    // one of Charsets: what the scanner sends
	Keymap     string   `toml:"keymap"`     // one of Keymaps: the layout a keyboard-mode scanner types for
}

// Lights configures the GPIO indicators.
type Lights struct {
	Driver     string   `toml:"driver"` // gpio, log or none
	Green      string   `toml:"green"`  // GPIO line names (gpioreg), "" = not fitted
	Amber      string   `toml:"amber"`
	Red        string   `toml:"red"`
	Buzzer     string   `toml:"buzzer"`
	ActiveLow  bool     `toml:"active_low"`
	BuzzerPWM  bool     `toml:"buzzer_pwm"`  // passive buzzer driven at a tone frequency
	Hold       Duration `toml:"hold"`        // how long a verdict light stays on
	QuietHours string   `toml:"quiet_hours"` // "22:00-07:00": buzzer muted; "" = never
	Volume     []string `toml:"volume"`      // "HH:MM-HH:MM NN%": the buzzer's volume by time of day
}

// Panel configures the e-ink display.
type Panel struct {
	Model          string   `toml:"model"`  // one of PanelModels
	SPI            string   `toml:"spi"`    // SPI port name for periph's spireg, e.g. /dev/spidev0.0
	SPIHz          int      `toml:"spi_hz"` // MinSPIHz to MaxSPIHz
	DC             string   `toml:"dc"`
	Reset          string   `toml:"reset"`
	Busy           string   `toml:"busy"`
	Power          string   `toml:"power"`           // the panel's power switch (HAT rev 2.3 PWR, GPIO18); "" or "none": no switch
	RotationPeriod Duration `toml:"rotation_period"` // venue QR rotation; at least 30s
	FullEvery      int      `toml:"full_every"`      // a full refresh after this many partial ones
	StatusHold     Duration `toml:"status_hold"`     // how long a verdict stays in the status area
	Languages      []string `toml:"languages"`       // one to MaxLanguages of Languages
	Holder         string   `toml:"holder"`          // holder check with green and amber verdicts: one of HolderModes
	Alternate      bool     `toml:"alternate"`       // two languages: one at a time, in turn at each status refresh
	HKEN           string   `toml:"hken"`            // LeaveHomeSafe compatibility code: one of HKENModes
	HKENEvery      Duration `toml:"hken_every"`      // alternate: how long each code is shown
}

// Scan configures the scan flow.
type Scan struct {
	RepeatWindow Duration `toml:"repeat_window"` // same pass again within this: shown, not counted
	Policy       string   `toml:"policy"`        // "store" (synced), "default", or a policy JSON file
	Mode         string   `toml:"mode"`          // "entry", or "exit": every pass scanned here is leaving (a check-out)
	ExitButton   string   `toml:"exit_button"`   // GPIO line of an exit button (entry kiosks): the next pass is leaving; "" = none
}

// Group configures group mode: a holder and up to eight companions scanned
// as one group.
type Group struct {
	Code   string   `toml:"code"`   // the staff group code's payload, "VKGROUP:…"; "" = no code
	Button string   `toml:"button"` // GPIO line of a group button; "" = none
	Window Duration `toml:"window"` // a group stays open this long after it starts
}

// Sync configures signed updates.
type Sync struct {
	Source   string   `toml:"source"`   // https://…, file:///…, a directory, or "" (none)
	Interval Duration `toml:"interval"` // polling period, jittered
	Root     string   `toml:"root"`     // the initial trusted TUF root.json
}

// Fleet configures health reports to the operator's MQTT broker
// (firmware/fleet): status, last will and counters. Off by default; set at
// provisioning.
type Fleet struct {
	Enabled       bool     `toml:"enabled"`
	Broker        string   `toml:"broker"`        // mqtts://host:port; mqtt:// only to this machine with a password
	KioskID       string   `toml:"kiosk_id"`      // MQTT client ID and topic level
	Username      string   `toml:"username"`      // "" = kiosk_id
	PasswordFile  string   `toml:"password_file"` // "" = none (client certificate)
	CertFile      string   `toml:"cert_file"`     // client certificate (PEM), with key_file
	KeyFile       string   `toml:"key_file"`
	CAFile        string   `toml:"ca_file"`        // the broker's CA (PEM); "" = the system's
	StatusEvery   Duration `toml:"status_every"`   // a status at least this often
	CountersEvery Duration `toml:"counters_every"` // one counters message per period
	QueueMax      int      `toml:"queue_max"`      // messages kept while the broker is away
}

//go:embed kioskd.toml
var example []byte

// Example returns the documented default configuration file.
func Example() []byte { return bytes.Clone(example) }

// Default returns the defaults: exactly what Example says.
func Default() *Config {
	var c Config
	if _, err := toml.Decode(string(example), &c); err != nil {
		panic("config: embedded kioskd.toml: " + err.Error())
	}
	return &c
}

// MaxFile bounds the configuration file.
const MaxFile = 1 << 20

// Load reads path over the defaults. A missing file is an error: kioskd is
// told which file to read.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, MaxFile)
	}
	c := Default()
	if err := c.decode(string(b)); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, c.Validate()
}

func (c *Config) decode(text string) error {
	md, err := toml.Decode(text, c)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return fmt.Errorf("line %d: %s", perr.Position.Line, perr.Message)
		}
		return err
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return fmt.Errorf("unknown key %s (see kioskd --print-config for every key)", strings.Join(keys, ", "))
	}
	return nil
}

// Set overrides one key from the command line: "scanner.baud=115200".
// Strings need no quotes.
func (c *Config) Set(kv string) error {
	key, val, ok := strings.Cut(kv, "=")
	section, name, ok2 := strings.Cut(key, ".")
	if !ok || !ok2 || section == "" || name == "" {
		return fmt.Errorf("-set %q: want section.key=value", kv)
	}
	doc := fmt.Sprintf("[%s]\n%s = %s\n", section, name, val)
	if err := c.decode(doc); err == nil {
		return nil
	}
	doc = fmt.Sprintf("[%s]\n%s = %s\n", section, name, strconv.Quote(val))
	if err := c.decode(doc); err != nil {
		return fmt.Errorf("-set %s: %w", key, err)
	}
	return nil
}

// Error names a bad key, its value and what is expected.
type Error struct {
	Key, Value, Want string
}

func (e *Error) Error() string {
	return fmt.Sprintf("config: %s = %q: want %s", e.Key, e.Value, e.Want)
}

var (
	venueID   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)
	clockTime = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$`)
	lineName  = regexp.MustCompile(`^[A-Za-z0-9_./-]{0,64}$`)
	// groupCode follows firmware/internal/scan's staff group code format.
	groupCode = regexp.MustCompile(`^VKGROUP:[A-Z0-9-]{4,32}$`)
	// fleetBroker: an MQTT URL, scheme, host and port only (firmware/fleet
	// checks it again).
	fleetBroker = regexp.MustCompile(`^(mqtts?|tcp|tls|ssl)://[^/@?#\s]+:[0-9]{1,5}/?$`)
)

// Validate checks every value and returns the first bad one.
func (c *Config) Validate() error {
	bad := func(key string, v any, want string) error {
		return &Error{Key: key, Value: fmt.Sprint(v), Want: want}
	}
	oneOf := func(key, v string, opts ...string) error {
		if slices.Contains(opts, v) {
			return nil
		}
		return bad(key, v, "one of "+strings.Join(opts, ", "))
	}
	if c.Kiosk.StateDir == "" {
		return bad("kiosk.state_dir", "", "a directory")
	}
	if err := oneOf("kiosk.log_level", c.Kiosk.LogLevel, "debug", "info", "warn", "error"); err != nil {
		return err
	}
	if err := oneOf("kiosk.profile", c.Kiosk.Profile, Profiles()...); err != nil {
		return err
	}
	if l := c.Kiosk.Listen; l != "" {
		host, _, err := net.SplitHostPort(l)
		if err != nil {
			return bad("kiosk.listen", l, "HOST:PORT, e.g. 127.0.0.1:8080")
		}
		if !LoopbackHost(host) && !c.Kiosk.ListenPublic {
			return bad("kiosk.listen", l, "a loopback address (127.0.0.1, [::1], localhost): another address serves the page and its API to the network; set kiosk.listen_public = true to allow it")
		}
	}
	if c.Venue.ID != "" && !venueID.MatchString(c.Venue.ID) {
		return bad("venue.id", c.Venue.ID, "1 to 32 letters, digits, '-' or '_'")
	}
	if !slices.Contains(Bauds(), strconv.Itoa(c.Scanner.Baud)) {
		return bad("scanner.baud", c.Scanner.Baud, "a standard rate, one of "+strings.Join(Bauds(), ", "))
	}
	if err := oneOf("scanner.terminator", c.Scanner.Terminator, Terminators()...); err != nil {
		return err
	}
	if err := oneOf("scanner.charset", c.Scanner.Charset, Charsets()...); err != nil {
		return err
	}
	if err := oneOf("scanner.keymap", c.Scanner.Keymap, Keymaps()...); err != nil {
		return err
	}
	if d := strings.TrimPrefix(c.Scanner.Device, "evdev:"); d != "" && d != "auto" && !strings.HasPrefix(d, "/") {
		return bad("scanner.device", c.Scanner.Device, `"auto", an absolute path or glob (a tty, or an input device under /dev/input), or "" for none`)
	}
	if c.Scanner.IdleGap.D < MinIdleGap || c.Scanner.IdleGap.D > MaxIdleGap {
		return bad("scanner.idle_gap", c.Scanner.IdleGap, fmt.Sprintf("between %v and %v", MinIdleGap, MaxIdleGap))
	}
	if err := oneOf("lights.driver", c.Lights.Driver, "gpio", "log", "none"); err != nil {
		return err
	}
	for k, v := range map[string]string{"lights.green": c.Lights.Green, "lights.amber": c.Lights.Amber, "lights.red": c.Lights.Red, "lights.buzzer": c.Lights.Buzzer,
		"panel.dc": c.Panel.DC, "panel.reset": c.Panel.Reset, "panel.busy": c.Panel.Busy, "panel.power": c.Panel.Power,
		"group.button": c.Group.Button} {
		if !lineName.MatchString(v) {
			return bad(k, v, "a GPIO line name such as GPIO17")
		}
	}
	if c.Lights.Hold.D < 500*time.Millisecond || c.Lights.Hold.D > time.Minute {
		return bad("lights.hold", c.Lights.Hold, "between 500ms and 1m")
	}
	if c.Lights.QuietHours != "" && !clockTime.MatchString(c.Lights.QuietHours) {
		return bad("lights.quiet_hours", c.Lights.QuietHours, `"HH:MM-HH:MM" or ""`)
	}
	if err := oneOf("panel.model", c.Panel.Model, PanelModels()...); err != nil {
		return err
	}
	if c.Panel.RotationPeriod.D < 30*time.Second || c.Panel.RotationPeriod.D > 24*time.Hour {
		return bad("panel.rotation_period", c.Panel.RotationPeriod, "between 30s and 24h (e-ink panels wear with every refresh)")
	}
	if c.Panel.FullEvery < 1 || c.Panel.FullEvery > 1000 {
		return bad("panel.full_every", c.Panel.FullEvery, "between 1 and 1000")
	}
	if c.Panel.SPIHz < MinSPIHz || c.Panel.SPIHz > MaxSPIHz {
		return bad("panel.spi_hz", c.Panel.SPIHz, fmt.Sprintf("between %d and %d", MinSPIHz, MaxSPIHz))
	}
	if c.Panel.StatusHold.D < 5*time.Second || c.Panel.StatusHold.D > 5*time.Minute {
		return bad("panel.status_hold", c.Panel.StatusHold, "between 5s and 5m")
	}
	if len(c.Panel.Languages) < 1 || len(c.Panel.Languages) > MaxLanguages {
		return bad("panel.languages", c.Panel.Languages, fmt.Sprintf("1 to %d of %s", MaxLanguages, strings.Join(Languages(), ", ")))
	}
	for _, l := range c.Panel.Languages {
		if err := oneOf("panel.languages", l, Languages()...); err != nil {
			return err
		}
	}
	if err := oneOf("panel.holder", c.Panel.Holder, HolderModes()...); err != nil {
		return err
	}
	if c.Group.Code != "" && !groupCode.MatchString(c.Group.Code) {
		return bad("group.code", c.Group.Code, `"VKGROUP:" and 4 to 32 of A-Z, 0-9 and '-', or ""`)
	}
	if c.Group.Window.D < 10*time.Second || c.Group.Window.D > 10*time.Minute {
		return bad("group.window", c.Group.Window, "between 10s and 10m")
	}
	if c.Scan.RepeatWindow.D < 0 || c.Scan.RepeatWindow.D > 10*time.Minute {
		return bad("scan.repeat_window", c.Scan.RepeatWindow, "between 0s and 10m")
	}
	if c.Scan.Policy == "" {
		return bad("scan.policy", "", `"store", "default" or a policy file`)
	}
	if err := oneOf("scan.mode", c.Scan.Mode, "entry", "exit"); err != nil {
		return err
	}
	if !lineName.MatchString(c.Scan.ExitButton) {
		return bad("scan.exit_button", c.Scan.ExitButton, "a GPIO line name such as GPIO26")
	}
	if c.Scan.ExitButton != "" && c.Scan.Mode == "exit" {
		return bad("scan.exit_button", c.Scan.ExitButton, `"" with scan.mode = "exit" (every pass there is leaving already)`)
	}
	if c.Sync.Interval.D < time.Minute || c.Sync.Interval.D > 7*24*time.Hour {
		return bad("sync.interval", c.Sync.Interval, "between 1m and 168h")
	}
	if s := c.Sync.Source; s != "" && !strings.HasPrefix(s, "https://") && !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "file://") && !strings.HasPrefix(s, "/") {
		return bad("sync.source", s, "an https:// or file:// URL, an absolute directory, or \"\"")
	}
	if err := c.validateDoor(bad); err != nil {
		return err
	}
	return c.validateFleet(bad)
}

// validateFleet checks [fleet]; broker and kiosk_id are required only when
// it is enabled.
func (c *Config) validateFleet(bad func(key string, v any, want string) error) error {
	f := c.Fleet
	if f.Broker != "" && !fleetBroker.MatchString(f.Broker) {
		return bad("fleet.broker", f.Broker, "mqtts://host:port (or mqtt://host:port), without credentials or path")
	}
	if f.KioskID != "" && !venueID.MatchString(f.KioskID) {
		return bad("fleet.kiosk_id", f.KioskID, "1 to 32 letters, digits, '-' or '_'")
	}
	if f.Enabled && f.Broker == "" {
		return bad("fleet.broker", "", "a broker URL when fleet.enabled is true")
	}
	if f.Enabled && f.KioskID == "" {
		return bad("fleet.kiosk_id", "", "the kiosk's ID when fleet.enabled is true")
	}
	if len(f.Username) > 256 {
		return bad("fleet.username", f.Username, "at most 256 bytes")
	}
	if (f.CertFile == "") != (f.KeyFile == "") {
		return bad("fleet.key_file", f.KeyFile, "set together with fleet.cert_file")
	}
	if f.StatusEvery.D < time.Minute || f.StatusEvery.D > 15*time.Minute {
		return bad("fleet.status_every", f.StatusEvery, "between 1m and 15m")
	}
	if f.CountersEvery.D < time.Minute || f.CountersEvery.D > 24*time.Hour {
		return bad("fleet.counters_every", f.CountersEvery, "between 1m and 24h")
	}
	if f.QueueMax < 64 || f.QueueMax > 50000 {
		return bad("fleet.queue_max", f.QueueMax, "between 64 and 50000")
	}
	return nil
}

// Duration is a time.Duration in TOML as "120s", "1h30m".
type Duration struct{ D time.Duration }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("duration %q: want a number with a unit, such as 120s or 1h", string(b))
	}
	d.D = v
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.D.String()), nil }

func (d Duration) String() string { return d.D.String() }

// LoopbackHost reports whether host (a listen address's host part) is this
// machine only: localhost or a loopback address. "" and 0.0.0.0 (every
// interface) are not.
func LoopbackHost(host string) bool {
	host = strings.ToLower(strings.Trim(host, "[]"))
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
