package epdemu_test

import (
	"fmt"
	"log"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi"

	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
	"github.com/venuekiosk/venuekiosk/internal/epd"
)

// The emulator decodes what a driver sends and says what it refused.
func Example() {
	panel, err := epdemu.New(epd.Waveshare2in9V2, nil)
	if err != nil {
		log.Fatal(err)
	}
	c, err := panel.Port().Connect(4*physic.MegaHertz, spi.Mode0, 8)
	if err != nil {
		log.Fatal(err)
	}
	send := func(dc gpio.Level, b ...byte) {
		_ = panel.DC().Out(dc)
		_ = c.Tx(b, nil)
	}
	send(gpio.Low, 0x44) // RAM X window
	send(gpio.High, 0x00, 0x0F)
	send(gpio.Low, 0x10) // deep sleep mode 1
	send(gpio.High, 0x01)
	send(gpio.Low, 0x12) // refused: only a hardware reset wakes it
	for _, l := range panel.Log() {
		fmt.Println(l)
	}
	fmt.Println(panel.Sleeping(), panel.Errors())
	// Output:
	// 44 00 0f
	// 10 01
	// true [epdemu: ssd1680: 1 SPI bytes in deep sleep: only a hardware reset wakes the controller]
}
