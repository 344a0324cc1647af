package uc8179

import (
	"fmt"
	"log/slog"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"

	"github.com/venuekiosk/venuekiosk/drivers/epd"
)

// SPI clock bounds. Waveshare's examples run at 4 MHz, GxEPD2 at 10 MHz.
const (
	DefaultSPIHz = 4 * physic.MegaHertz
	MaxSPIHz     = 20 * physic.MegaHertz
)

// Opts configures a Dev. Model is required.
type Opts struct {
	Model epd.Model // a UC8179 panel, e.g. epd.Waveshare7in5V2
	// Power, if not nil, switches the panel's supply: on before each
	// operation, off after it.
	Power    gpio.PinOut
	SPIHz    physic.Frequency // 0: DefaultSPIHz
	Chunk    int              // largest SPI transaction; 0: epd.DefaultChunk (spidev's buffer)
	Timeouts epd.Timeouts     // zero fields: epd.DefaultTimeouts(Model)
	Rotation epd.Rotation
	Logger   *slog.Logger // nil: slog.Default()
}

func (o *Opts) resolve() (Opts, error) {
	r := *o
	if err := r.Model.Validate(); err != nil {
		return r, err
	}
	if r.Model.Controller != epd.UC8179 {
		return r, fmt.Errorf("uc8179: model %q has a %v controller", r.Model.Name, r.Model.Controller)
	}
	if r.SPIHz == 0 {
		r.SPIHz = DefaultSPIHz
	}
	if r.SPIHz < 0 || r.SPIHz > MaxSPIHz {
		return r, fmt.Errorf("uc8179: SPI clock %v: at most %v", r.SPIHz, MaxSPIHz)
	}
	if err := r.Rotation.Valid(); err != nil {
		return r, err
	}
	var err error
	if r.Timeouts, err = r.Timeouts.Resolve(r.Model); err != nil {
		return r, err
	}
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
	return r, nil
}
