package epd

import (
	"errors"
	"image"
	"image/color"

	"periph.io/x/conn/v3/display"
)

// Panel is what the daemon drives: *ssd1680.Dev and *uc8179.Dev implement
// it.
//
// Images are in the panel's (rotated) coordinates: their bounds must equal
// Bounds for Full and Fast, and contain r for Partial. Pixels are black or
// white by luminance (below half is black).
type Panel interface {
	display.Drawer
	// Model returns the panel model.
	Model() Model
	// Full shows img with a full refresh.
	Full(img image.Image) error
	// Fast shows img with a fast full-screen refresh; ErrNoFast if the
	// model has none.
	Fast(img image.Image) error
	// Partial shows the pixels of img inside r with a partial refresh; only
	// those pixels change. The driver sends a window widened to the
	// controller's byte boundaries, filled outside r with what the panel
	// shows. Before the first full or fast refresh (what the panel shows is
	// then unknown) it does a full refresh instead.
	Partial(img image.Image, r image.Rectangle) error
	// PreparePartial wakes the controller ahead of a partial refresh the
	// caller knows is coming (the venue code's rotation), so that Partial
	// then starts with its RAM writes instead of the wake-up reset.
	PreparePartial() error
	// Stats describes the last operation.
	Stats() Stats
	// Probe checks that the controller answers (a reset whose BUSY pulse
	// starts and ends) without drawing; ErrNoBusyPulse or a *BusyError
	// when it does not.
	Probe() error
	// BytesSent returns all the bytes sent on the SPI bus so far.
	BytesSent() uint64
}

// ErrNoFast is returned by Fast on a model without a fast refresh.
var ErrNoFast = errors.New("epd: model has no fast refresh")

// BW is the panels' color model: black and white.
var BW = color.Palette{color.Black, color.White}

// IsWhite reports whether c shows as white: luminance at least half.
func IsWhite(c color.Color) bool {
	return color.GrayModel.Convert(c).(color.Gray).Y >= 0x80
}
