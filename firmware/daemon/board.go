package daemon

import (
	"errors"
	"fmt"
	"io"
	"log/slog"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi"
	"periph.io/x/conn/v3/spi/spireg"
	"periph.io/x/host/v3"

	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
	"github.com/venuekiosk/venuekiosk/drivers/indicator"
	"github.com/venuekiosk/venuekiosk/drivers/ssd1680"
	"github.com/venuekiosk/venuekiosk/drivers/uc8179"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/internal/epd"
)

// NewHardware opens the board's devices as the configuration names them.
// A device that is configured but missing is reported (problems) and left
// out, so that the kiosk still judges passes; a configuration error is
// returned.
func NewHardware(cfg *config.Config) (hw Hardware, err error) {
	var problems []string
	defer func() { hw.Problems = problems }()
	if _, err := host.Init(); err != nil {
		problems = append(problems, "periph host: "+err.Error())
	}
	ind, p, err := openIndicator(cfg)
	if err != nil {
		return hw, err
	}
	problems = append(problems, p...)
	hw.Indicator = ind
	var closers []func() error
	switch {
	case cfg.Panel.Model == "none":
	case cfg.Panel.SPI == EmulatedSPI:
		panel, png, err := openEmulatedPanel(cfg)
		if err != nil {
			return hw, fmt.Errorf("panel: %w", err)
		}
		hw.Panel, hw.PanelName, hw.PanelPNG = panel, cfg.Panel.Model+" (emulated)", png
	default:
		panel, closer, err := openBoardPanel(cfg)
		if err != nil {
			problems = append(problems, "panel missing: "+err.Error())
		} else {
			hw.Panel, hw.PanelName = panel, cfg.Panel.Model
			closers = append(closers, closer)
		}
	}
	hw.Close = func() error {
		var errs []error
		for _, c := range closers {
			errs = append(errs, c())
		}
		return errors.Join(errs...)
	}
	return hw, nil
}

// IndicatorOpts maps the [lights] and [kiosk] configuration to indicator
// options; the simulator shares it.
func IndicatorOpts(cfg *config.Config) (*indicator.Opts, error) {
	prof, err := indicator.ProfileByName(cfg.Kiosk.Profile)
	if err != nil {
		return nil, fmt.Errorf("kiosk.profile: %w", err)
	}
	o := &indicator.Opts{Profile: prof, Hold: cfg.Lights.Hold.D}
	if cfg.Lights.ActiveLow {
		o.ActiveLow = indicator.LightGreen | indicator.LightAmber | indicator.LightRed
		o.BuzzerActiveLow = true
	}
	if cfg.Lights.BuzzerPWM {
		o.Buzzer = indicator.PassiveBuzzer
	}
	if cfg.Lights.QuietHours != "" {
		if o.Quiet, err = indicator.ParseQuietHours(cfg.Lights.QuietHours); err != nil {
			return nil, fmt.Errorf("lights.quiet_hours: %w", err)
		}
	}
	if o.Volume, err = indicator.ParseVolume(cfg.Lights.Volume); err != nil {
		return nil, fmt.Errorf("lights.volume: %w", err)
	}
	return o, nil
}

func openIndicator(cfg *config.Config) (indicator.Indicator, []string, error) {
	opts, err := IndicatorOpts(cfg)
	if err != nil {
		return nil, nil, err
	}
	switch cfg.Lights.Driver {
	case "none":
		return indicator.NewLog(&indicator.LogOpts{Hold: cfg.Lights.Hold.D, Logger: slog.New(slog.DiscardHandler)}), nil, nil
	case "log":
		return indicator.NewLog(&indicator.LogOpts{Hold: cfg.Lights.Hold.D}), nil, nil
	}
	pins, err := indicator.Lookup(indicator.PinNames{Green: cfg.Lights.Green, Amber: cfg.Lights.Amber, Red: cfg.Lights.Red, Buzzer: cfg.Lights.Buzzer})
	if err != nil {
		// The kiosk still judges passes; the panel and the log say so.
		return indicator.NewLog(&indicator.LogOpts{Hold: cfg.Lights.Hold.D}), []string{"lights missing: " + err.Error()}, nil
	}
	dev, err := indicator.New(pins, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("lights: %w", err)
	}
	return dev, nil, nil
}

// EmulatedSPI as panel.spi drives the configured model's real driver
// against the in-process panel emulator (drivers/epdemu) instead of a
// spidev port: a kiosk without a panel that still shows, at /panel.png and
// through kioskctl panel, exactly what the panel would (the system test's
// virtual machine).
const EmulatedSPI = "emulator"

func openEmulatedPanel(cfg *config.Config) (epd.Panel, func(io.Writer) error, error) {
	m, err := epd.Lookup(cfg.Panel.Model)
	if err != nil {
		return nil, nil, err
	}
	p, emu, err := OpenEmulatedPanel(m, physic.Frequency(cfg.Panel.SPIHz)*physic.Hertz, cfg.Panel.Power)
	if err != nil {
		return nil, nil, err
	}
	return p, emu.PNG, nil
}

// OpenEmulatedPanel starts m's driver on a new panel emulator (keeping a
// short command log) and returns both: the panel the daemon drives, and
// the emulator whose glass shows the result. The emulated board follows
// panel.power: with a power pin, a HAT that switches the panel's supply
// with it (rev 2.3); without (power "" or "none"), one that does not.
func OpenEmulatedPanel(m epd.Model, hz physic.Frequency, power string) (epd.Panel, *epdemu.Emu, error) {
	switched := !epd.NoPower(power)
	emu, err := epdemu.New(m, &epdemu.Opts{LogLimit: 256, Switched: switched})
	if err != nil {
		return nil, nil, err
	}
	pins := epd.Pins{DC: emu.DC(), Reset: emu.RST(), Busy: emu.Busy()}
	if switched {
		pins.Power = emu.Power()
	}
	p, err := OpenPanel(m, emu.Port(), pins, hz)
	if err != nil {
		return nil, nil, err
	}
	return p, emu, nil
}

func openBoardPanel(cfg *config.Config) (epd.Panel, func() error, error) {
	m, err := epd.Lookup(cfg.Panel.Model)
	if err != nil {
		return nil, nil, err
	}
	pins, err := epd.OpenPins(epd.PinNames{DC: cfg.Panel.DC, Reset: cfg.Panel.Reset, Busy: cfg.Panel.Busy, Power: cfg.Panel.Power})
	if err != nil {
		return nil, nil, err
	}
	port, err := spireg.Open(cfg.Panel.SPI)
	if err != nil {
		return nil, nil, fmt.Errorf("SPI %s: %w", cfg.Panel.SPI, err)
	}
	p, err := OpenPanel(m, port, pins, physic.Frequency(cfg.Panel.SPIHz)*physic.Hertz)
	if err != nil {
		port.Close()
		return nil, nil, err
	}
	// At the end the controller sleeps and the switch (if any) is cut,
	// RST and DC low first.
	return p, func() error { return errors.Join(p.Halt(), port.Close()) }, nil
}

// OpenPanel starts the driver for m on port and pins; the simulator gives
// it the emulator's port and pins, so both run the same driver code.
func OpenPanel(m epd.Model, port spi.Port, pins epd.Pins, hz physic.Frequency) (epd.Panel, error) {
	var power gpio.PinOut
	if pins.Power != nil {
		power = pins.Power
	}
	switch m.Controller {
	case epd.SSD1680, epd.SSD1683:
		return ssd1680.New(port, pins.DC, pins.Reset, pins.Busy, &ssd1680.Opts{Model: m, Power: power, SPIHz: hz})
	case epd.UC8179:
		return uc8179.New(port, pins.DC, pins.Reset, pins.Busy, &uc8179.Opts{Model: m, Power: power, SPIHz: hz})
	}
	return nil, fmt.Errorf("panel %s: no driver for controller %v", m.Name, m.Controller)
}
