package epd

import (
	"fmt"
	"time"

	"periph.io/x/conn/v3/gpio"
)

// Delays around the hardware reset and the power switch.
const (
	resetPulse   = 10 * time.Millisecond
	resetRecover = 10 * time.Millisecond
	powerSettle  = 20 * time.Millisecond
)

// wake powers the panel up if it has a switch, resets the controller and
// waits for the reset to end.
func (d *Dev) wake() error {
	if d.power != nil {
		if err := d.power.Out(gpio.High); err != nil {
			return fmt.Errorf("%s: power pin %s: %w", d.name, d.power, err)
		}
		d.opts.Delay(powerSettle)
	}
	if err := d.hardReset(); err != nil {
		return err
	}
	if err := d.link.Wait("hardware reset", d.opts.Timeouts.Command); err != nil {
		d.abort()
		return err
	}
	return nil
}

func (d *Dev) hardReset() error {
	if err := d.rst.Out(gpio.Low); err != nil {
		return fmt.Errorf("%s: reset pin %s: %w", d.name, d.rst, err)
	}
	d.opts.Delay(resetPulse)
	if err := d.rst.Out(gpio.High); err != nil {
		return fmt.Errorf("%s: reset pin %s: %w", d.name, d.rst, err)
	}
	d.opts.Delay(resetRecover)
	return nil
}

func (d *Dev) powerOff() error {
	if d.power == nil {
		return nil
	}
	if err := d.power.Out(gpio.Low); err != nil {
		return fmt.Errorf("%s: power pin %s: %w", d.name, d.power, err)
	}
	return nil
}
