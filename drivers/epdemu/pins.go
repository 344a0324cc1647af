package epdemu

import (
	"errors"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/pin"
)

type role int

const (
	roleDC role = iota
	roleRST
	roleBusy
	rolePower
)

// Pin is one of the panel's control lines. It implements gpio.PinIO so
// that it fits the drivers' gpio.PinOut and gpio.PinIn parameters.
type Pin struct {
	e    *Emu
	name string
	role role
}

var _ gpio.PinIO = (*Pin)(nil)

// String implements conn.Resource.
func (p *Pin) String() string { return p.e.String() + "." + p.name }

// Halt implements conn.Resource.
func (p *Pin) Halt() error { return nil }

// Name implements pin.Pin.
func (p *Pin) Name() string { return p.name }

// Number implements pin.Pin.
func (p *Pin) Number() int { return -1 }

// Function implements pin.Pin.
func (p *Pin) Function() string { return string(p.Func()) }

// Func returns In for BUSY, Out for the others.
func (p *Pin) Func() pin.Func {
	if p.role == roleBusy {
		return gpio.IN
	}
	return gpio.OUT
}

// In implements gpio.PinIn; only BUSY is an input. Edges are supported.
func (p *Pin) In(pull gpio.Pull, edge gpio.Edge) error {
	if p.role != roleBusy {
		return errors.New("epdemu: " + p.name + " is an output")
	}
	e := p.e
	e.mu.Lock()
	defer e.mu.Unlock()
	e.observeBusy()
	e.busyTaken = e.busyEdges // edges before In are not reported
	return nil
}

// Read implements gpio.PinIn: BUSY's level, or the level last set.
func (p *Pin) Read() gpio.Level {
	e := p.e
	e.mu.Lock()
	defer e.mu.Unlock()
	switch p.role {
	case roleDC:
		return e.dcLevel
	case roleRST:
		return e.rstLevel
	case rolePower:
		return gpio.Level(e.powered)
	}
	return e.busyLevel()
}

// busyLevel returns the BUSY line's level: the model's busy level while
// the controller works; low, the board's pull-down, while it has no
// power (an unpowered SSD168x then reads idle, an unpowered UC8179
// busy); e.mu is held.
func (e *Emu) busyLevel() gpio.Level {
	if !e.powered {
		return gpio.Low
	}
	busy := e.isBusy() || e.ctrl.busyAsleep()
	return gpio.Level(busy == bool(e.model.BusyLevel))
}

// WaitForEdge implements gpio.PinIn for BUSY: it returns true when the
// line changes, false after timeout (a negative timeout waits forever).
func (p *Pin) WaitForEdge(timeout time.Duration) bool {
	if p.role != roleBusy {
		if timeout >= 0 {
			time.Sleep(timeout)
		}
		return false
	}
	e := p.e
	// pending reports (and takes) an edge not yet reported; e.mu is held.
	pending := func() bool {
		e.observeBusy()
		if e.busyEdges == e.busyTaken {
			return false
		}
		e.busyTaken = e.busyEdges
		return true
	}
	var limit <-chan time.Time
	if timeout >= 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		limit = t.C
	}
	for {
		e.mu.Lock()
		if pending() {
			e.mu.Unlock()
			return true
		}
		ch := e.busyChange
		var end <-chan time.Time
		if !e.stuck && time.Now().Before(e.busyUntil) {
			t := time.NewTimer(time.Until(e.busyUntil))
			defer t.Stop()
			end = t.C
		}
		e.mu.Unlock()
		select {
		case <-limit:
			e.mu.Lock()
			defer e.mu.Unlock()
			return pending()
		case <-end:
		case <-ch:
		}
	}
}

// Pull implements gpio.PinIn.
func (p *Pin) Pull() gpio.Pull { return gpio.Float }

// DefaultPull implements gpio.PinIn.
func (p *Pin) DefaultPull() gpio.Pull { return gpio.Float }

// Out implements gpio.PinOut: the emulator reacts to DC, RST and power.
func (p *Pin) Out(l gpio.Level) error {
	e := p.e
	e.mu.Lock()
	defer e.mu.Unlock()
	switch p.role {
	case roleDC:
		if !e.powered && l == gpio.High && e.dcLevel == gpio.Low {
			e.errorf("D/C driven high while the panel has no power: the controller is fed through its pins (switch the power on first)")
		}
		e.dcLevel = l
	case roleRST:
		e.setReset(l)
	case rolePower:
		e.setPower(l)
	default:
		return errors.New("epdemu: BUSY is an input")
	}
	return nil
}

// PWM implements gpio.PinOut; the panel's pins have no use for it.
func (p *Pin) PWM(gpio.Duty, physic.Frequency) error {
	return errors.New("epdemu: " + p.name + ": no PWM")
}

// setReset follows the RST line; e.mu is held.
func (e *Emu) setReset(l gpio.Level) {
	was := e.rstLevel
	e.rstLevel = l
	switch {
	case was == gpio.High && l == gpio.Low:
		e.frame.abort()
	case was == gpio.Low && l == gpio.High:
		if !e.powered {
			e.errorf("RST driven high while the panel has no power: the controller is fed through its pins (switch the power on first)")
		}
		e.addEvent("reset")
		if e.powered {
			e.ctrl.hardReset()
			e.busyUntil = time.Time{} // a reset stops whatever the controller did
			e.setBusy(e.opts.Timing.Reset, "hardware reset")
		}
	}
}

// setPower follows the power switch; e.mu is held.
func (e *Emu) setPower(l gpio.Level) {
	on := l == gpio.High
	if on == e.powered {
		return
	}
	e.powered = on
	e.frame.abort()
	if on {
		e.addEvent("power on")
		e.ctrl.powerUp()
		e.setBusy(e.opts.Timing.Reset, "power-up")
		return
	}
	e.addEvent("power off")
	if e.rstLevel == gpio.High || e.dcLevel == gpio.High {
		e.errorf("power cut with RST %v and D/C %v: drive both low first, or the controller is fed through its pins", e.rstLevel, e.dcLevel)
	}
	e.busyUntil = time.Time{}
	e.kickBusy()
}
