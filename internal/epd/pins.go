package epd

import (
	"fmt"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpioreg"
)

// PinNames are the GPIO line names of a panel's control pins, as periph's
// gpioreg knows them ("GPIO25", a number, or an alias). Power "" or
// "none" means no power switch.
type PinNames struct {
	DC, Reset, Busy, Power string
}

// WaveshareHAT is the Waveshare e-Paper Driver HAT's wiring (BCM
// numbering). From HAT revision 2.3 the panel's supply is switched by PWR
// (GPIO18), which must be high for the panel to have power; revisions 2.1
// and 2.2 power the panel from 3.3 V directly and leave GPIO18
// unconnected, so driving it there does nothing.
var WaveshareHAT = PinNames{DC: "GPIO25", Reset: "GPIO17", Busy: "GPIO24", Power: "GPIO18"}

// NoPower reports whether a power pin name means "no power switch".
func NoPower(name string) bool { return name == "" || name == "none" }

// Pins are a panel's control pins. Power is nil when not fitted.
type Pins struct {
	DC, Reset gpio.PinOut
	Busy      gpio.PinIn
	Power     gpio.PinOut
}

// OpenPins looks the pins up in gpioreg; periph's host.Init must have run.
// Every name must be found, and no pin used twice.
func OpenPins(n PinNames) (Pins, error) {
	var p Pins
	seen := map[string]string{}
	look := func(role, name string) (gpio.PinIO, error) {
		if name == "" {
			return nil, fmt.Errorf("epd: %s pin: no name given", role)
		}
		pin := gpioreg.ByName(name)
		if pin == nil {
			return nil, fmt.Errorf("epd: %s pin %q: no such GPIO line (is host.Init done?)", role, name)
		}
		if other, ok := seen[pin.Name()]; ok {
			return nil, fmt.Errorf("epd: %s pin %q is also the %s pin", role, name, other)
		}
		seen[pin.Name()] = role
		return pin, nil
	}
	var err error
	if p.DC, err = look("DC", n.DC); err != nil {
		return Pins{}, err
	}
	if p.Reset, err = look("reset", n.Reset); err != nil {
		return Pins{}, err
	}
	if p.Busy, err = look("busy", n.Busy); err != nil {
		return Pins{}, err
	}
	if !NoPower(n.Power) {
		if p.Power, err = look("power", n.Power); err != nil {
			return Pins{}, err
		}
	}
	return p, nil
}
