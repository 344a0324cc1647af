package config

import (
	"strconv"
	"time"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/drivers/indicator"
	"github.com/venuekiosk/venuekiosk/drivers/scanner"
	"github.com/venuekiosk/venuekiosk/drivers/scanner/keymap"
	"github.com/venuekiosk/venuekiosk/internal/epd"
	"periph.io/x/conn/v3/physic"
)

// The values of keys whose lists belong to the package that acts on them.
// Validate, its errors, kioskctl's help and the README's table of keys
// (checked by a test) all come from these, so none of them can name a
// value the owner does not know or miss one it does.

// NoPanel is panel.model's value for a kiosk without a panel.
const NoPanel = "none"

// PanelModels returns panel.model's values: NoPanel, then the models
// internal/epd drives (epd.ModelNames).
func PanelModels() []string { return append([]string{NoPanel}, epd.ModelNames()...) }

// Profiles returns kiosk.profile's values: drivers/indicator's built-in
// tone profiles.
func Profiles() []string { return indicator.ProfileNames() }

// Languages returns panel.languages' values: display/i18n's languages.
func Languages() []string { return i18n.LangNames() }

// MaxLanguages is how many languages panel.languages may name: as many
// as the panel shows at once (display/layout).
const MaxLanguages = layout.MaxLangs

// HolderModes returns panel.holder's values (display/layout).
func HolderModes() []string { return layout.HolderModes() }

// HKENModes returns panel.hken's values (display/layout).
func HKENModes() []string { return layout.HKENModes() }

// Terminators returns scanner.terminator's values (drivers/scanner).
func Terminators() []string { return scanner.Terminators() }

// Charsets returns scanner.charset's values (drivers/scanner).
func Charsets() []string { return scanner.Charsets() }

// Keymaps returns scanner.keymap's values (drivers/scanner/keymap).
func Keymaps() []string { return keymap.Names() }

// Bauds returns scanner.baud's values (drivers/scanner), as text.
func Bauds() []string {
	b := make([]string, len(scanner.Bauds))
	for i, r := range scanner.Bauds {
		b[i] = strconv.Itoa(r)
	}
	return b
}

// Bounds of scanner.idle_gap (drivers/scanner) and panel.spi_hz, in Hz
// (internal/epd).
const (
	MinIdleGap time.Duration = scanner.MinIdleGap
	MaxIdleGap time.Duration = scanner.MaxIdleGap
	MinSPIHz                 = int(epd.MinSPIHz / physic.Hertz)
	MaxSPIHz                 = int(epd.MaxSPIHz / physic.Hertz)
)
