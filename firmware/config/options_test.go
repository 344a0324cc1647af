package config

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/physic"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/drivers/indicator"
	"github.com/venuekiosk/venuekiosk/drivers/scanner"
	"github.com/venuekiosk/venuekiosk/drivers/scanner/keymap"
	"github.com/venuekiosk/venuekiosk/internal/epd"
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
		{"panel.holder", layout.HolderModes()},
		{"panel.hken", layout.HKENModes()},
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
	switch key {
	case "panel.languages":
		kv = key + "=" + fmt.Sprintf("[%q]", v)
	case "panel.hken":
		c.Venue.ID = "ABCD1234" // a LeaveHomeSafe venue id: the modes other than off need one
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
		"panel.holder": HolderModes(), "panel.hken": HKENModes(),
	}
	for _, o := range owned() {
		if got, want := strings.Join(ours[o.key], ", "), strings.Join(o.values, ", "); got != want {
			t.Errorf("%s: config lists %s, its owner %s", o.key, got, want)
		}
	}
}

// panel.languages takes as many languages as the panel shows at once
// (display/layout), and no more.
func TestValidateTakesPanelsLanguageCount(t *testing.T) {
	langs := i18n.LangNames()
	if len(langs) <= layout.MaxLangs {
		t.Skipf("%d languages, the panel shows %d: none left over", len(langs), layout.MaxLangs)
	}
	quoted := func(ls []string) string {
		q := make([]string, len(ls))
		for i, l := range ls {
			q[i] = strconv.Quote(l)
		}
		return "panel.languages=[" + strings.Join(q, ", ") + "]"
	}
	c := Default()
	if err := c.Set(quoted(langs[:layout.MaxLangs])); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("%d languages: %v; want them accepted", layout.MaxLangs, err)
	}
	c = Default()
	if err := c.Set(quoted(langs[:layout.MaxLangs+1])); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("want 1 to %d of %s", layout.MaxLangs, strings.Join(langs, ", "))
	if err := c.Validate(); err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("%d languages: got %v, want an error ending %q", layout.MaxLangs+1, err, want)
	}
}
