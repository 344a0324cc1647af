package daemon

import (
	"context"
	"fmt"
	"time"

	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/drivers/button"
	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
)

// groupOpts maps the [group] configuration to the flow's group mode.
func (d *Daemon) groupOpts() scan.GroupOpts {
	return scan.GroupOpts{Code: d.cfg.Group.Code, Window: d.cfg.Group.Window.D}
}

// startGroupButton runs the group button when one is configured: a press
// opens a group or ends the open one, as the staff group code does. A
// button configured but missing is reported, and the code still works.
func (d *Daemon) startGroupButton(goRun func(string, func(context.Context) error)) {
	name := d.cfg.Group.Button
	if name == "" {
		return
	}
	pin, err := button.Lookup(name)
	if err != nil {
		d.problem("group button missing: " + err.Error())
		return
	}
	dev, err := button.New(pin, nil)
	if err != nil {
		d.problem("group button: " + err.Error())
		return
	}
	goRun("group button", func(ctx context.Context) error {
		return dev.Run(ctx, func() { d.flow.ToggleGroup() })
	})
}

// sinks are the flow's sinks, in order: the lights first (with the
// exposure notice's tone and a group's result), the panel, the page's
// last verdicts, exposure notice and group, the counters, the visit log.
func (d *Daemon) sinks() ([]scan.Sink, error) {
	iopts, err := IndicatorOpts(d.cfg)
	if err != nil {
		return nil, err
	}
	d.page = &pageState{hold: d.cfg.Panel.StatusHold.D, now: time.Now}
	sinks := []scan.Sink{newLightsSink(d.ind, iopts.Profile)}
	if d.scr != nil {
		mode, err := layout.ParseHolderMode(d.cfg.Panel.Holder)
		if err != nil {
			return nil, fmt.Errorf("panel.holder: %w", err)
		}
		sinks = append(sinks, &screenSink{scr: d.scr, mode: mode, posterVenue: d.posterVenue.Load})
	}
	return append(sinks, d.recent, d.page, d.counters, d.visits, d.door), nil
}
