package uc8179

import (
	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/spi"

	"github.com/venuekiosk/venuekiosk/internal/epd"
)

// Dev is a UC8179 panel: epd's lifecycle around this package's command
// set. Its methods are safe for concurrent use.
type Dev = epd.Dev

// Opts configures a Dev; Model (a UC8179 panel, e.g. epd.Waveshare7in5V2)
// is required.
type Opts = epd.Opts

var driver = &epd.Driver{
	Name:        "uc8179",
	Controllers: []epd.Controller{epd.UC8179},
	Commands: func(l *epd.Link, o epd.Opts) epd.Commands {
		return &commands{l: l, m: o.Model, fastTemp: o.FastTemperature, old: epd.NewFrame(o.Model.Width, o.Model.Height)}
	},
}

// New connects to the controller on p (mode 0, 8 bits, Opts.SPIHz) and
// returns the panel; nothing is sent until the first refresh. dc selects
// command (low) or data (high); rst resets the controller (low); busy is
// LOW while the controller works. The SPI driver owns chip select.
func New(p spi.Port, dc, rst gpio.PinOut, busy gpio.PinIn, opts *Opts) (*Dev, error) {
	return driver.Open(p, dc, rst, busy, opts)
}

// NewConn is New on an SPI connection already made (mode 0, 8 bits).
func NewConn(c spi.Conn, dc, rst gpio.PinOut, busy gpio.PinIn, opts *Opts) (*Dev, error) {
	return driver.OpenConn(c, dc, rst, busy, opts)
}
