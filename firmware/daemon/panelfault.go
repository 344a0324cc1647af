package daemon

import (
	"fmt"
	"strings"

	"github.com/venuekiosk/venuekiosk/firmware/fleet"
)

// probePanel checks, at start, that the panel's controller answers: the
// reset's BUSY pulse, as kioskctl selftest checks it. A panel that never
// shows BUSY activity — not connected, miswired, or without power (a HAT
// rev 2.3 with panel.power = "") — is a fault on the status line, in
// /api/state, kioskctl status and the fleet status; otherwise an SSD168x
// panel, whose BUSY line reads idle without power, would seem to take
// every refresh while the glass stays blank.
func (d *Daemon) probePanel() {
	p, ok := d.hw.Panel.(prober)
	if !ok {
		return
	}
	d.setPanelFault(p.Probe())
}

// setPanelFault records the last probe's result: a fault, or none.
func (d *Daemon) setPanelFault(err error) {
	fault := ""
	if err != nil {
		fault = "panel fault: " + orNone(d.hw.PanelName) + " does not answer: " + err.Error()
	}
	d.mu.Lock()
	was := d.panelFault
	d.panelFault = fault
	d.mu.Unlock()
	switch {
	case fault != "":
		d.problem(fault)
	case was != "":
		d.log.Info("panel answers again", "panel", d.hw.PanelName)
		d.mu.Lock()
		if d.lastProblem == was {
			d.lastProblem = ""
		}
		d.mu.Unlock()
	}
}

// panelHealth is the panel's state for /api/state and the fleet status:
// a probe's fault, a panel configured but missing, or failed refreshes.
func (d *Daemon) panelHealth() fleet.Device {
	d.mu.Lock()
	fault := d.panelFault
	d.mu.Unlock()
	if fault != "" {
		return fleet.Device{OK: false, State: fault}
	}
	for _, p := range d.hw.Problems {
		if strings.HasPrefix(p, "panel") {
			return fleet.Device{OK: false, State: p}
		}
	}
	if d.scr != nil {
		if n := d.scr.Stats().Errors; n > 0 {
			return fleet.Device{OK: false, State: fmt.Sprintf("%s: %d failed refreshes", d.hw.PanelName, n)}
		}
	}
	return fleet.Device{OK: true, State: orNone(d.hw.PanelName)}
}
