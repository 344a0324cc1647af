package uc8179_test

import (
	"fmt"
	"image"
	"log"

	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
	"github.com/venuekiosk/venuekiosk/drivers/uc8179"
	"github.com/venuekiosk/venuekiosk/internal/epd"
)

// On a board the port comes from spireg.Open and the pins from
// epd.OpenPins; here an emulated 7.5" panel stands in.
func Example() {
	panel, err := epdemu.New(epd.Waveshare7in5V2, nil)
	if err != nil {
		log.Fatal(err)
	}
	dev, err := uc8179.New(panel.Port(), panel.DC(), panel.RST(), panel.Busy(), &uc8179.Opts{Model: epd.Waveshare7in5V2})
	if err != nil {
		log.Fatal(err)
	}
	img := image.NewGray(dev.Bounds())
	if err := dev.Fast(img); err != nil {
		log.Fatal(err)
	}
	if err := dev.Partial(img, image.Rect(3, 0, 13, 10)); err != nil {
		log.Fatal(err)
	}
	s := dev.Stats()
	fmt.Printf("%+v %v %v %d bytes\n", panel.Refreshes(), s.Refresh, s.Window, s.Bytes)
	// Output:
	// {Full:0 Fast:1 Partial:1} partial (0,0)-(16,10) 87 bytes
}
