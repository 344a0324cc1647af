package indicator

import (
	"fmt"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpioreg"
)

// PinNames name the outputs' pins as gpioreg knows them, e.g. "GPIO17" for
// a line registered by periph.io/x/host/v3/gpioioctl; "" means not fitted.
type PinNames struct {
	Green, Amber, Red, Buzzer string
}

// maxPinName bounds a pin name.
const maxPinName = 64

// PinError says a configured pin name could not be used.
type PinError struct {
	Output string // "green light", "amber light", "red light" or "buzzer"
	Name   string
	Reason string
}

func (e *PinError) Error() string {
	return fmt.Sprintf("indicator: %s pin %q: %s", e.Output, e.Name, e.Reason)
}

// Lookup resolves names through gpioreg.ByName. host.Init (or the gpioioctl
// driver alone) must have run first so that the lines are registered.
func Lookup(names PinNames) (Pins, error) {
	in := [numOut]string{names.Green, names.Amber, names.Red, names.Buzzer}
	var out [numOut]gpio.PinOut
	seen := map[string]int{}
	for i, n := range in {
		if n == "" {
			continue
		}
		if len(n) > maxPinName {
			return Pins{}, &PinError{Output: outNames[i], Name: n[:maxPinName] + "…", Reason: fmt.Sprintf("name longer than %d bytes", maxPinName)}
		}
		if j, dup := seen[n]; dup {
			return Pins{}, &PinError{Output: outNames[i], Name: n, Reason: "also configured for the " + outNames[j]}
		}
		seen[n] = i
		p := gpioreg.ByName(n)
		if p == nil {
			return Pins{}, &PinError{Output: outNames[i], Name: n, Reason: "no such GPIO pin is registered (wrong name for this board, or host.Init not run)"}
		}
		out[i] = p
	}
	return Pins{Green: out[outGreen], Amber: out[outAmber], Red: out[outRed], Buzzer: out[outBuzzer]}, nil
}
