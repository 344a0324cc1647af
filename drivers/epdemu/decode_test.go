package epdemu

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi"
)

func physicHz(f int64) physic.Frequency { return physic.Frequency(f) * physic.Hertz }

func spiMode(m int) spi.Mode { return spi.Mode(m) }

func decodePNG(b []byte) (*image.Gray, error) {
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	g, ok := img.(*image.Gray)
	if !ok {
		return nil, fmt.Errorf("PNG decodes to %T, want *image.Gray", img)
	}
	return g, nil
}
