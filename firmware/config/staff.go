package config

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/hken"
)

// Staff configures staff cards at the door (firmware/staff, firmware/internal/scan's
// door): exempt entries, open entry and setup from the venue's poster.
type Staff struct {
	OperatorKeys  []string `toml:"operator_keys"`  // the operator's ed25519 public key files (PEM)
	ExemptWindow  Duration `toml:"exempt_window"`  // a guard's card waits this long for a category
	OpenFor       Duration `toml:"open_for"`       // entry open ends by itself after this
	OpenButton    string   `toml:"open_button"`    // GPIO line of the open button (a long press); "" = none
	LongPress     Duration `toml:"long_press"`     // how long the open button must be held
	ExemptButtons []string `toml:"exempt_buttons"` // GPIO lines: under 12, 65 or above, disability, other; or none
	Setup         bool     `toml:"setup"`          // a technician's card and the venue's poster may set the venue
	SetupVenues   []string `toml:"setup_venues"`   // the only venue ids a poster may set (signed provisioning); [] = any
}

// volumeEntry is one lights.volume entry: "22:00-07:00 0%".
var volumeEntry = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9] (100|[1-9]?[0-9])%$`)

// maxVolumeEntries bounds lights.volume.
const maxVolumeEntries = 8

// validateDoor checks [staff], panel.alternate, panel.hken, venue.hken and
// lights.volume.
func (c *Config) validateDoor(bad func(key string, v any, want string) error) error {
	s := c.Staff
	if len(s.OperatorKeys) > 4 {
		return bad("staff.operator_keys", s.OperatorKeys, "at most 4 key files")
	}
	for _, k := range s.OperatorKeys {
		if !strings.HasPrefix(k, "/") || len(k) > 4096 {
			return bad("staff.operator_keys", k, "absolute paths of key files")
		}
	}
	if s.ExemptWindow.D < 5*time.Second || s.ExemptWindow.D > 10*time.Minute {
		return bad("staff.exempt_window", s.ExemptWindow, "between 5s and 10m")
	}
	if s.OpenFor.D < time.Minute || s.OpenFor.D > 12*time.Hour {
		return bad("staff.open_for", s.OpenFor, "between 1m and 12h")
	}
	if s.LongPress.D < time.Second || s.LongPress.D > 10*time.Second {
		return bad("staff.long_press", s.LongPress, "between 1s and 10s")
	}
	if len(s.ExemptButtons) != 0 && len(s.ExemptButtons) != 4 {
		return bad("staff.exempt_buttons", s.ExemptButtons, "four GPIO lines (under 12, 65 or above, disability, other) or none")
	}
	lines := append([]string{s.OpenButton}, s.ExemptButtons...)
	for i, l := range lines {
		key := "staff.exempt_buttons"
		if i == 0 {
			key = "staff.open_button"
		}
		if !lineName.MatchString(l) || (i > 0 && l == "") {
			return bad(key, l, "a GPIO line name such as GPIO20")
		}
		if l != "" && (slices.Contains(lines[:i], l) || l == c.Group.Button) {
			return bad(key, l, "a line no other button uses")
		}
	}
	if len(s.SetupVenues) > 64 {
		return bad("staff.setup_venues", s.SetupVenues, "at most 64 venue ids")
	}
	for _, v := range s.SetupVenues {
		if !hkenID.MatchString(v) {
			return bad("staff.setup_venues", v, "8-character LeaveHomeSafe venue ids")
		}
	}
	if err := oneOfKey("panel.hken", c.Panel.HKEN, HKENModes()...); err != nil {
		return err
	}
	if c.Panel.HKENEvery.D < 5*time.Second || c.Panel.HKENEvery.D > 10*time.Minute {
		return bad("panel.hken_every", c.Panel.HKENEvery, "between 5s and 10m")
	}
	if v := c.Venue.HKEN; v != "" {
		d, err := hken.Decode(v)
		if err != nil || !d.HashOK {
			return bad("venue.hken", shorten(v), `a LeaveHomeSafe venue code ("HKEN:…") whose hash matches its venue, or ""`)
		}
	}
	if c.Panel.HKEN != "off" && c.Venue.HKEN == "" && !hkenID.MatchString(c.Venue.ID) {
		return bad("panel.hken", c.Panel.HKEN, `"off" until venue.hken is set (scan the venue's poster in setup) or venue.id is an 8-character LeaveHomeSafe venue id`)
	}
	if len(c.Lights.Volume) > maxVolumeEntries {
		return bad("lights.volume", c.Lights.Volume, "at most 8 entries")
	}
	for _, v := range c.Lights.Volume {
		if !volumeEntry.MatchString(v) {
			return bad("lights.volume", v, `"HH:MM-HH:MM NN%", e.g. "22:00-07:00 0%"`)
		}
	}
	return nil
}

// hkenID is a LeaveHomeSafe venue id.
var hkenID = regexp.MustCompile(`^[A-Za-z0-9]{8}$`)

func shorten(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func oneOfKey(key, v string, opts ...string) error {
	if slices.Contains(opts, v) {
		return nil
	}
	return &Error{Key: key, Value: v, Want: "one of " + strings.Join(opts, ", ")}
}
