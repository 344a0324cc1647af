package daemon

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/indicator"
	"github.com/venuekiosk/venuekiosk/drivers/scanner"
)

// Check is one self-test result.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// prober is a panel driver that can check the controller answers
// (internal/epd.Panel).
type prober interface{ Probe() error }

// HardwareChecks checks the panel (its controller answers a reset with a
// BUSY pulse) and pulses each light and the buzzer once. kioskctl selftest
// runs it itself when kioskd is stopped; a running kioskd runs it for
// kioskctl through POST /api/selftest, since it holds the devices.
func HardwareChecks(ctx context.Context, hw Hardware) []Check {
	var checks []Check
	switch p, ok := hw.Panel.(prober); {
	case hw.Panel == nil:
		c := Check{Name: "panel", OK: true, Detail: "none configured"}
		for _, pr := range hw.Problems {
			if len(pr) > 5 && pr[:5] == "panel" {
				c = Check{Name: "panel", OK: false, Detail: pr}
			}
		}
		checks = append(checks, c)
	case !ok:
		checks = append(checks, Check{Name: "panel", OK: true, Detail: hw.PanelName + ": driver cannot probe"})
	default:
		start := time.Now()
		if err := p.Probe(); err != nil {
			checks = append(checks, Check{Name: "panel", OK: false, Detail: err.Error()})
		} else {
			checks = append(checks, Check{Name: "panel", OK: true, Detail: fmt.Sprintf("%s answered in %v", hw.PanelName, time.Since(start).Round(time.Millisecond))})
		}
	}
	ind := hw.Indicator
	if ind == nil {
		checks = append(checks, Check{Name: "lights", OK: true, Detail: "none fitted"})
		return checks
	}
	for _, pr := range hw.Problems {
		if len(pr) > 6 && pr[:6] == "lights" {
			checks = append(checks, Check{Name: "lights", OK: false, Detail: pr})
			return checks
		}
	}
	if _, none := ind.(*indicator.Log); none {
		// lights.driver = log or none: nothing to pulse, and nothing
		// claimed.
		checks = append(checks, Check{Name: "lights", OK: true, Detail: "none fitted (lights.driver is log or none): nothing pulsed"})
		return checks
	}
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := ind.SelfTest(tctx); err != nil {
		checks = append(checks, Check{Name: "lights", OK: false, Detail: err.Error()})
	} else {
		checks = append(checks, Check{Name: "lights", OK: true, Detail: "green, amber, red and buzzer pulsed once"})
	}
	return checks
}

// ScannerCheck says whether the configured scanner device is there.
func ScannerCheck(path string) Check {
	if path == "" {
		return Check{Name: "scanner", OK: true, Detail: "none configured"}
	}
	f, err := scanner.Find(path)
	if err != nil {
		return Check{Name: "scanner", OK: false, Detail: "no device at " + path + ": " + err.Error()}
	}
	return Check{Name: "scanner", OK: true, Detail: "present at " + f.Path + " (" + f.Kind.String() + ", " + f.Why + ")"}
}

// selfTest is the daemon's side of kioskctl selftest: the hardware it
// holds and the scanner's connection.
func (d *Daemon) selfTest(ctx context.Context) []Check {
	hw := d.hw
	if hw.Indicator == nil {
		hw.Indicator = d.ind // the lights the daemon drives (a log of them when none are fitted)
	}
	checks := HardwareChecks(ctx, hw)
	if _, ok := d.hw.Panel.(prober); ok {
		for _, c := range checks {
			if c.Name == "panel" {
				var err error
				if !c.OK {
					err = errors.New(c.Detail)
				}
				d.setPanelFault(err) // a probe that passes again clears the fault
			}
		}
	}
	ok, why := d.scannerHealth()
	checks = append(checks, Check{Name: "scanner", OK: ok, Detail: why})
	d.ind.Show(indicator.Idle)
	return checks
}

// scannerHealth is the scanner as the self-test and the fleet status both
// judge it: no scanner configured is not a fault (the kiosk was set up
// without one); one configured and not connected is.
func (d *Daemon) scannerHealth() (ok bool, why string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.scannerOK || d.scn == nil, d.scannerWhy
}
