package ssd1680

import (
	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/spi"

	"github.com/venuekiosk/venuekiosk/internal/epd"
)

// Dev is an SSD1680/SSD1683 panel: epd's lifecycle around this package's
// command set. Its methods are safe for concurrent use.
type Dev = epd.Dev

// Opts configures a Dev; Model (an SSD1680 or SSD1683 panel, e.g.
// epd.Waveshare2in13V4) is required.
type Opts = epd.Opts

var driver = &epd.Driver{
	Name:        "ssd1680",
	Controllers: []epd.Controller{epd.SSD1680, epd.SSD1683},
	Commands: func(l *epd.Link, o epd.Opts) epd.Commands {
		return &commands{l: l, m: o.Model, fastTemp: o.FastTemperature}
	},
}

// New connects to the controller on p (mode 0, 8 bits, Opts.SPIHz) and
// returns the panel; nothing is sent until the first refresh. dc selects
// command (low) or data (high); rst resets the controller (low); busy is
// high while the controller works. The SPI driver owns chip select.
func New(p spi.Port, dc, rst gpio.PinOut, busy gpio.PinIn, opts *Opts) (*Dev, error) {
	return driver.Open(p, dc, rst, busy, opts)
}

// NewConn is New on an SPI connection already made (mode 0, 8 bits).
func NewConn(c spi.Conn, dc, rst gpio.PinOut, busy gpio.PinIn, opts *Opts) (*Dev, error) {
	return driver.OpenConn(c, dc, rst, busy, opts)
}
