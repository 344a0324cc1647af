package epd

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"
)

// SPI clock bounds. The SSD168x datasheets' write cycle (50 ns) allows
// 20 MHz, as does the UC8179's; Waveshare's examples run at 4 MHz. The
// kiosk's floor, 100 kHz, already puts a 7.5" frame 3.8 s on the wire.
const (
	DefaultSPIHz = 4 * physic.MegaHertz
	MinSPIHz     = 100 * physic.KiloHertz
	MaxSPIHz     = 20 * physic.MegaHertz
)

// Opts configures a Dev (ssd1680.Opts and uc8179.Opts are this type).
// Model is required; every other zero field takes its default.
type Opts struct {
	Model Model // e.g. Waveshare2in13V4
	// Power, if not nil, switches the panel's supply (the Waveshare HAT's
	// PWR pin, from revision 2.3): on before each operation, off after
	// it.
	Power    gpio.PinOut
	SPIHz    physic.Frequency // 0: DefaultSPIHz
	Chunk    int              // largest SPI transaction; 0: DefaultChunk (spidev's buffer)
	Timeouts Timeouts         // zero fields: 3× the model's typical time, at least 2 s
	Rotation Rotation
	// FastTemperature is the temperature (°C) forced on the controller
	// before a fast refresh, which selects the OTP's short waveform; 0:
	// the model's.
	FastTemperature int
	Logger          *slog.Logger // nil: slog.Default()
	// Delay waits out the pin timings (reset pulse, power settling); nil:
	// time.Sleep. Tests against the emulator, which needs none, pass a
	// function that returns at once.
	Delay func(time.Duration)
}

// resolve checks o for the driver drv and fills in the defaults.
func (drv *Driver) resolve(o *Opts) (Opts, error) {
	if o == nil {
		return Opts{}, errors.New(drv.Name + ": Opts with a Model are required")
	}
	r := *o
	if err := r.Model.Validate(); err != nil {
		return r, err
	}
	if !slices.Contains(drv.Controllers, r.Model.Controller) {
		return r, fmt.Errorf("%s: model %q has a %v controller", drv.Name, r.Model.Name, r.Model.Controller)
	}
	if r.SPIHz == 0 {
		r.SPIHz = DefaultSPIHz
	}
	if r.SPIHz < MinSPIHz || r.SPIHz > MaxSPIHz {
		return r, fmt.Errorf("%s: SPI clock %v: want %v to %v", drv.Name, r.SPIHz, MinSPIHz, MaxSPIHz)
	}
	if err := r.Rotation.Valid(); err != nil {
		return r, err
	}
	var err error
	if r.Timeouts, err = r.Timeouts.resolve(r.Model); err != nil {
		return r, err
	}
	if r.FastTemperature == 0 && r.Model.HasFast() {
		r.FastTemperature = r.Model.FastWaveform.Temperature
	}
	if r.FastTemperature < 0 || r.FastTemperature > 127 {
		return r, fmt.Errorf("%s: fast temperature %d °C: want 0 to 127", drv.Name, r.FastTemperature)
	}
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
	if r.Delay == nil {
		r.Delay = time.Sleep
	}
	return r, nil
}
