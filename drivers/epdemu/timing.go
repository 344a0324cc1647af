package epdemu

import (
	"time"

	"github.com/venuekiosk/venuekiosk/internal/epd"
)

// Timing is how long the emulated BUSY line stays busy.
type Timing struct {
	Reset   time.Duration // after the RST line rises (and power-up)
	Command time.Duration // software reset, power on/off, loading a waveform
	Full    time.Duration
	Fast    time.Duration
	Partial time.Duration
}

// DefaultTiming keeps tests quick.
var DefaultTiming = Timing{
	Reset:   200 * time.Microsecond,
	Command: 200 * time.Microsecond,
	Full:    2 * time.Millisecond,
	Fast:    time.Millisecond,
	Partial: 500 * time.Microsecond,
}

// Typical returns the timing of the real panel m at room temperature, for
// the simulator.
func Typical(m epd.Model) Timing {
	fast := m.FastTime
	if fast == 0 {
		fast = m.FullTime
	}
	return Timing{Reset: 10 * time.Millisecond, Command: 20 * time.Millisecond, Full: m.FullTime, Fast: fast, Partial: m.PartialTime}
}
