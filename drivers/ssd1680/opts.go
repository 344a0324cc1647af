package ssd1680

import (
	"fmt"
	"log/slog"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"

	"github.com/venuekiosk/venuekiosk/drivers/epd"
)

// SPI clock bounds. The datasheet's write cycle (50 ns) allows 20 MHz;
// Waveshare's examples run at 4 MHz.
const (
	DefaultSPIHz = 4 * physic.MegaHertz
	MaxSPIHz     = 20 * physic.MegaHertz
)

// Opts configures a Dev. Model is required.
type Opts struct {
	Model epd.Model // an SSD1680 or SSD1683 panel, e.g. epd.Waveshare2in13V4
	// Power, if not nil, switches the panel's supply: on before each
	// operation, off after it.
	Power    gpio.PinOut
	SPIHz    physic.Frequency // 0: DefaultSPIHz
	Chunk    int              // largest SPI transaction; 0: epd.DefaultChunk (spidev's buffer)
	Timeouts epd.Timeouts     // zero fields: epd.DefaultTimeouts(Model)
	Rotation epd.Rotation
	// FastTemperature is the temperature (°C) written to the controller
	// before a fast refresh, selecting the OTP's short waveform; 0: the
	// model's (100 for the 2.13" V4, 110 for the 4.2" V2, none for the
	// 2.9" V2).
	FastTemperature int
	Logger          *slog.Logger // nil: slog.Default()
}

// fastTemperatures are the Waveshare examples' values.
var fastTemperatures = map[string]int{
	epd.Waveshare2in13V4.Name: 100,
	epd.Waveshare4in2V2.Name:  110,
}

func (o *Opts) resolve() (Opts, error) {
	r := *o
	if err := r.Model.Validate(); err != nil {
		return r, err
	}
	if c := r.Model.Controller; c != epd.SSD1680 && c != epd.SSD1683 {
		return r, fmt.Errorf("ssd1680: model %q has a %v controller", r.Model.Name, c)
	}
	if r.SPIHz == 0 {
		r.SPIHz = DefaultSPIHz
	}
	if r.SPIHz < 0 || r.SPIHz > MaxSPIHz {
		return r, fmt.Errorf("ssd1680: SPI clock %v: at most %v", r.SPIHz, MaxSPIHz)
	}
	if err := r.Rotation.Valid(); err != nil {
		return r, err
	}
	var err error
	if r.Timeouts, err = r.Timeouts.Resolve(r.Model); err != nil {
		return r, err
	}
	if r.FastTemperature == 0 && r.Model.HasFast() {
		r.FastTemperature = fastTemperatures[r.Model.Name]
	}
	if r.FastTemperature < 0 || r.FastTemperature > 127 {
		return r, fmt.Errorf("ssd1680: fast temperature %d °C: want 0 to 127", r.FastTemperature)
	}
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
	return r, nil
}
