package epd

import (
	"fmt"
	"image"
	"time"
)

// Refresh is a kind of panel refresh.
type Refresh int

// Refresh kinds.
const (
	// Full drives every pixel through the panel's full waveform: the panel
	// flashes, and ghosting is cleared.
	Full Refresh = iota + 1
	// Fast is a full-screen refresh with a shorter waveform (the SSD168x's
	// out-of-range temperature LUT, the UC8179's fast mode): it flashes less
	// and clears less ghosting.
	Fast
	// Partial changes only the pixels of a window that differ from what the
	// controller's old-image memory says is shown; no flash.
	Partial
)

var refreshNames = [...]string{Full: "full", Fast: "fast", Partial: "partial"}

// String returns "full", "fast" or "partial".
func (r Refresh) String() string {
	if r <= 0 || int(r) >= len(refreshNames) {
		return fmt.Sprintf("Refresh(%d)", int(r))
	}
	return refreshNames[r]
}

// Stats describes one panel operation.
type Stats struct {
	Refresh Refresh
	// Window is the refreshed area in the caller's (rotated) coordinates,
	// after widening to the controller's byte boundaries; the whole panel
	// for full and fast refreshes.
	Window image.Rectangle
	// Bytes and Transactions count what went over the SPI bus: command
	// bytes and data bytes, one transaction per command byte and per data
	// chunk.
	Bytes, Transactions int
	// Busy is the time spent waiting for the controller's BUSY line;
	// Elapsed the whole operation, from power-up to deep sleep.
	Busy, Elapsed time.Duration
}

// String formats s for logs.
func (s Stats) String() string {
	return fmt.Sprintf("%v %v: %d bytes in %d transactions, busy %v of %v", s.Refresh, s.Window, s.Bytes, s.Transactions, s.Busy.Round(time.Millisecond), s.Elapsed.Round(time.Millisecond))
}
