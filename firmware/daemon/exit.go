package daemon

import (
	"context"

	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/drivers/button"
	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
)

// Exit scans: a kiosk at a way out (scan.mode = "exit"), or an
// entry kiosk's exit button (scan.exit_button), takes a pass as leaving:
// the lights say Goodbye, the panel shows the goodbye status, the counters
// leave it out and the visit log records the check-out.

// exitOpts maps scan.mode to the flow's exit scans (checked at load).
func (d *Daemon) exitOpts() scan.ExitOpts {
	m, _ := scan.ParseMode(d.cfg.Scan.Mode)
	return scan.ExitOpts{Mode: m}
}

// startExitButton runs the exit button when one is configured: a press
// makes the next pass leaving. A button configured but missing is
// reported; the kiosk still judges entry.
func (d *Daemon) startExitButton(goRun func(string, func(context.Context) error)) {
	name := d.cfg.Scan.ExitButton
	if name == "" {
		return
	}
	pin, err := button.Lookup(name)
	if err != nil {
		d.problem("exit button missing: " + err.Error())
		return
	}
	dev, err := button.New(pin, nil)
	if err != nil {
		d.problem("exit button: " + err.Error())
		return
	}
	goRun("exit button", func(ctx context.Context) error {
		return dev.Run(ctx, func() { d.flow.ExitButton() })
	})
}

// exitStatus is what the status area shows for the exit button; nil: not
// the exit button's event.
func exitStatus(e scan.DoorEvent) *layout.Status {
	if e.Kind == scan.ExitArmed {
		return layout.ExitArmedStatus()
	}
	return nil
}
