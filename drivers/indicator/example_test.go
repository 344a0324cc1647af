package indicator_test

import (
	"log"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/indicator"
)

// The daemon's wiring, after host.Init() has registered the GPIO lines.
func Example() {
	pins, err := indicator.Lookup(indicator.PinNames{Green: "GPIO5", Amber: "GPIO6", Red: "GPIO13", Buzzer: "GPIO12"})
	if err != nil {
		log.Fatal(err)
	}
	prof, err := indicator.ProfileByName("hk")
	if err != nil {
		log.Fatal(err)
	}
	quiet, err := indicator.ParseQuietHours("22:00-07:00")
	if err != nil {
		log.Fatal(err)
	}
	d, err := indicator.New(pins, &indicator.Opts{
		Profile: prof,
		Hold:    3 * time.Second,
		Buzzer:  indicator.PassiveBuzzer, // falls back to on/off if the pin has no PWM
		Quiet:   quiet,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	d.Show(indicator.Green) // returns at once
}
