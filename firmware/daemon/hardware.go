package daemon

import (
	"io"
	"log/slog"
	"time"

	"github.com/venuekiosk/venuekiosk/display/screen"
	"github.com/venuekiosk/venuekiosk/drivers/indicator"
	"github.com/venuekiosk/venuekiosk/firmware/web"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// Hardware is what the daemon drives. Every field may be nil (or "") when
// the board has no such device.
type Hardware struct {
	// Lights and buzzer.
	Indicator indicator.Indicator
	// Panel is the e-ink panel; nil: none fitted.
	Panel screen.Panel
	// PanelName names the panel for status lines.
	PanelName string
	// PanelPNG, when set, writes what the panel glass shows (the
	// emulator's reconstruction); otherwise the controller's copy is used.
	PanelPNG func(io.Writer) error
	// ScannerPath overrides the configured scanner device (the simulator's
	// pseudo-terminal).
	ScannerPath string
	// KeyboardPath, when set, is a second scanner read beside the first:
	// the simulator's keyboard-mode stand-in ("evdev:…").
	KeyboardPath string
	// SimScan is the simulated scanner's profile picker for the local
	// page (simulation only).
	SimScan *web.SimScanner
	// Samples are offered on the local page (simulation only).
	Samples []web.Sample
	// Seed, when set, is run once the store is open (the simulator's
	// sample data).
	Seed func(st *store.Store) error
	// Problems are devices configured but missing, for status lines.
	Problems []string
	// Now, when set, is the scan flow's wall clock (the door's and
	// groups' timers); tests give a fake one. nil: time.Now.
	Now func() time.Time
	// Logger receives the log of the daemon and of its parts (scan flow,
	// panel, local page, store, sync, visits, fleet); nil: slog.Default().
	Logger *slog.Logger
	// Close releases the hardware.
	Close func() error
}
