// Package button reads a push button on a GPIO input, periph.io style: New
// takes a gpio.PinIn (Lookup finds one by name in gpioreg) and returns a
// *Dev whose Run calls a function once per press.
//
// The kiosk uses one to start and end group mode (firmware/internal/scan's
// ToggleGroup) where staff prefer a button to the staff group code.
//
// # Wiring
//
// A momentary push button from the GPIO pin to ground, with the pin's
// internal pull-up (the default): pressed reads low. Wired to 3.3 V
// instead, set Opts.ActiveHigh (the pull-down is used). Never wire a
// button to 5 V: a Raspberry Pi's GPIO pins are 3.3 V only. Long leads
// pick up noise; a 100 nF capacitor across the button helps the debounce.
//
// A press counts once it has held for the debounce time (Opts.Debounce);
// the next press needs a release first, so holding the button down is one
// press.
//
// References:
//
//   - periph.io GPIO: https://pkg.go.dev/periph.io/x/conn/v3/gpio
//   - Raspberry Pi GPIO (pulls, voltages): https://www.raspberrypi.com/documentation/computers/raspberry-pi.html#gpio
package button
