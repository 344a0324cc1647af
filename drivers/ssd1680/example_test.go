package ssd1680_test

import (
	"fmt"
	"image"
	"log"

	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
	"github.com/venuekiosk/venuekiosk/drivers/ssd1680"
	"github.com/venuekiosk/venuekiosk/internal/epd"
)

// On a board the port comes from spireg.Open and the pins from
// epd.OpenPins; here an emulated 2.13" panel stands in.
func Example() {
	panel, err := epdemu.New(epd.Waveshare2in13V4, nil)
	if err != nil {
		log.Fatal(err)
	}
	dev, err := ssd1680.New(panel.Port(), panel.DC(), panel.RST(), panel.Busy(),
		&ssd1680.Opts{Model: epd.Waveshare2in13V4, Rotation: epd.Rotate90})
	if err != nil {
		log.Fatal(err)
	}
	img := image.NewGray(dev.Bounds()) // 250×122, black
	if err := dev.Full(img); err != nil {
		log.Fatal(err)
	}
	for i := range img.Pix {
		img.Pix[i] = 0xFF
	}
	if err := dev.Partial(img, image.Rect(10, 10, 60, 40)); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%v %+v %d\n", dev.Bounds(), panel.Refreshes(), len(panel.Errors()))
	fmt.Println(dev.Stats().Refresh, dev.Stats().Window)
	// Output:
	// (0,0)-(250,122) {Full:1 Fast:0 Partial:1} 0
	// partial (10,10)-(60,42)
}
