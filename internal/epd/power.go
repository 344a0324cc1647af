package epd

import (
	"fmt"

	"periph.io/x/conn/v3/gpio"
)

// The power switch (the Waveshare HAT's PWR pin, from revision 2.3) stays
// on between operations — the controller sleeps, and keeps its memory —
// and goes off at Halt and after a failed operation: a power cycle is the
// surest way out of whatever state a controller got stuck in.

// wake switches the supply on if it is off, resets the controller and
// waits for the reset to end.
func (d *Dev) wake() error {
	if d.power != nil && !d.powered {
		// The controller's pins stay low until it has a supply: a pin
		// driven high feeds an unpowered controller through its
		// protection diodes.
		if err := d.pinsLow(); err != nil {
			return err
		}
		if err := d.power.Out(gpio.High); err != nil {
			return fmt.Errorf("%s: power pin %s: %w", d.name, d.power, err)
		}
		d.powered = true
		d.kept = false // a controller that was off has lost its memory
		d.opts.Delay(d.model.Reset.Settle)
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

// hardReset pulses RST low.
func (d *Dev) hardReset() error {
	t := d.model.Reset
	if err := d.rst.Out(gpio.Low); err != nil {
		return fmt.Errorf("%s: reset pin %s: %w", d.name, d.rst, err)
	}
	d.opts.Delay(t.Pulse)
	if err := d.rst.Out(gpio.High); err != nil {
		return fmt.Errorf("%s: reset pin %s: %w", d.name, d.rst, err)
	}
	d.opts.Delay(t.Recover)
	return nil
}

// rest puts a controller that may be doing anything into deep sleep: a
// hardware reset stops it; deep sleep only if BUSY then shows idle (a
// stuck controller takes no command).
func (d *Dev) rest() error {
	if err := d.hardReset(); err != nil {
		return err
	}
	if err := d.link.Wait("reset", d.opts.Timeouts.Command); err != nil {
		return err
	}
	return d.cmds.DeepSleep()
}

// powerOff cuts the supply, if there is a switch, after driving RST and
// DC low (the vendor's order: module_exit in Waveshare's epdconfig).
func (d *Dev) powerOff() error {
	if d.power == nil {
		return nil
	}
	if err := d.pinsLow(); err != nil {
		return err
	}
	d.powered, d.kept = false, false
	if err := d.power.Out(gpio.Low); err != nil {
		return fmt.Errorf("%s: power pin %s: %w", d.name, d.power, err)
	}
	return nil
}

// pinsLow drives RST and DC low.
func (d *Dev) pinsLow() error {
	if err := d.rst.Out(gpio.Low); err != nil {
		return fmt.Errorf("%s: reset pin %s: %w", d.name, d.rst, err)
	}
	d.link.forget()
	if err := d.dc.Out(gpio.Low); err != nil {
		return fmt.Errorf("%s: D/C pin %s: %w", d.name, d.dc, err)
	}
	return nil
}
