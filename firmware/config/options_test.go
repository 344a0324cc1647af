package config

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/physic"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/drivers/epd"
	"github.com/venuekiosk/venuekiosk/drivers/indicator"
	"github.com/venuekiosk/venuekiosk/drivers/scanner"
	"github.com/venuekiosk/venuekiosk/drivers/scanner/keymap"
)

// owned lists, for each key whose values belong to another package, the
// values as that package gives them: the tests compare Validate, its
// messages, kioskctl's help, kioskd.toml and the README against these,
// never against config's own functions.
func owned() []struct {
	key    string
	values []string
} {
	bauds := make([]string, len(scanner.Bauds))
	for i, b := range scanner.Bauds {
		bauds[i] = strconv.Itoa(b)
	}
	return []struct {
		key    string
		values []string
	}{
		{"panel.model", append([]string{"none"}, epd.ModelNames()...)},
		{"kiosk.profile", indicator.ProfileNames()},
		{"panel.languages", i18n.LangNames()},
		{"scanner.terminator", scanner.Terminators()},
		{"scanner.charset", scanner.Charsets()},
		{"scanner.keymap", keymap.Names()},
		{"scanner.baud", bauds},
	}
}

// ownedValues returns owned()'s values of key.
func ownedValues(t *testing.T, key string) []string {
	t.Helper()
	for _, o := range owned() {
		if o.key == key {
			return o.values
		}
	}
	t.Fatalf("owned() has no %s", key)
	return nil
}

// ownedBounds lists, for each key bounded by another package, the bounds
// as its configuration spells them.
func ownedBounds() []struct{ key, min, max string } {
	hz := func(f physic.Frequency) string { return strconv.FormatInt(int64(f/physic.Hertz), 10) }
	return []struct{ key, min, max string }{
		{"scanner.idle_gap", scanner.MinIdleGap.String(), scanner.MaxIdleGap.String()},
		{"panel.spi_hz", hz(epd.MinSPIHz), hz(epd.MaxSPIHz)},
	}
}

// setValue sets key to v (a one-element list for panel.languages).
func setValue(t *testing.T, c *Config, key, v string) {
	t.Helper()
	kv := key + "=" + v
	if key == "panel.languages" {
		kv = key + "=" + fmt.Sprintf("[%q]", v)
	}
	if err := c.Set(kv); err != nil {
		t.Fatalf("Set(%q): %v", kv, err)
	}
}

// Every value its owner knows is accepted, and a value outside is refused
// with a message that lists exactly the owner's values, in its order.
func TestValidateTakesOwnersValues(t *testing.T) {
	for _, o := range owned() {
		t.Run(o.key, func(t *testing.T) {
			if len(o.values) < 2 {
				t.Fatalf("owner lists %q; want at least two values", o.values)
			}
			for _, v := range o.values {
				c := Default()
				setValue(t, c, o.key, v)
				if err := c.Validate(); err != nil {
					t.Errorf("%s = %q: %v; want it accepted", o.key, v, err)
				}
			}
			outside := "no-such-value"
			if o.key == "scanner.baud" {
				outside = "12345"
			}
			c := Default()
			setValue(t, c, o.key, outside)
			want := fmt.Sprintf("config: %s = %q: want one of %s", o.key, outside, strings.Join(o.values, ", "))
			if o.key == "scanner.baud" {
				want = fmt.Sprintf("config: %s = %q: want a standard rate, one of %s", o.key, outside, strings.Join(o.values, ", "))
			}
			if err := c.Validate(); err == nil || err.Error() != want {
				t.Errorf("%s = %q: got %v, want %s", o.key, outside, err, want)
			}
		})
	}
}

// The bounds of scanner.idle_gap and panel.spi_hz are the drivers': both
// ends accepted, a step beyond refused with the drivers' bounds named.
func TestValidateTakesOwnersBounds(t *testing.T) {
	hz := func(f physic.Frequency) string { return strconv.FormatInt(int64(f/physic.Hertz), 10) }
	for _, tt := range []struct {
		key        string
		good, bad  []string
		wantSuffix string
	}{
		{"scanner.idle_gap",
			[]string{scanner.MinIdleGap.String(), scanner.MaxIdleGap.String()},
			[]string{(scanner.MinIdleGap - time.Nanosecond).String(), (scanner.MaxIdleGap + time.Nanosecond).String()},
			fmt.Sprintf("want between %v and %v", scanner.MinIdleGap, scanner.MaxIdleGap)},
		{"panel.spi_hz",
			[]string{hz(epd.MinSPIHz), hz(epd.MaxSPIHz)},
			[]string{hz(epd.MinSPIHz - physic.Hertz), hz(epd.MaxSPIHz + physic.Hertz)},
			fmt.Sprintf("want between %s and %s", hz(epd.MinSPIHz), hz(epd.MaxSPIHz))},
	} {
		t.Run(tt.key, func(t *testing.T) {
			for _, v := range tt.good {
				c := Default()
				setValue(t, c, tt.key, v)
				if err := c.Validate(); err != nil {
					t.Errorf("%s = %s: %v; want it accepted", tt.key, v, err)
				}
			}
			for _, v := range tt.bad {
				c := Default()
				setValue(t, c, tt.key, v)
				want := fmt.Sprintf("config: %s = %q: %s", tt.key, v, tt.wantSuffix)
				if err := c.Validate(); err == nil || err.Error() != want {
					t.Errorf("%s = %s: got %v, want %s", tt.key, v, err, want)
				}
			}
		})
	}
}

// config's own lists are the owners' (kioskctl's help reads them).
func TestOptionListsAreOwners(t *testing.T) {
	ours := map[string][]string{
		"panel.model": PanelModels(), "kiosk.profile": Profiles(), "panel.languages": Languages(),
		"scanner.terminator": Terminators(), "scanner.charset": Charsets(), "scanner.keymap": Keymaps(), "scanner.baud": Bauds(),
	}
	for _, o := range owned() {
		if got, want := strings.Join(ours[o.key], ", "), strings.Join(o.values, ", "); got != want {
			t.Errorf("%s: config lists %s, its owner %s", o.key, got, want)
		}
	}
}
