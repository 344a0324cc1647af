package screen

import (
	"image"
	"time"
)

// Panel is a 1-bit display with full and partial refresh.
type Panel interface {
	// Bounds returns the panel's pixel rectangle (origin at 0,0).
	Bounds() image.Rectangle
	// Full refreshes the whole panel with img (the panel flashes).
	Full(img image.Image) error
	// Partial refreshes the window r of the panel from the same window of
	// img (which has the panel's bounds). r's left and right edges are
	// multiples of 8 or the panel's edge.
	Partial(img image.Image, r image.Rectangle) error
}

// Preparer is implemented by panels whose controller can be woken ahead of
// a partial refresh (the e-paper drivers: epd.Panel): the controller wakes
// it WakeAhead before each rotation of the venue code, so that the new
// code's first bytes go out at the slot boundary rather than after the
// controller's wake-up reset.
type Preparer interface {
	PreparePartial() error
}

// WakeAhead is how long before a rotation a Preparer is woken: its reset
// and register set-up (about 25 ms) with room for a busy scheduler.
const WakeAhead = 150 * time.Millisecond

// ByteCounter is implemented by panels that count the bytes they send to
// the controller; Stats reports it.
type ByteCounter interface {
	BytesSent() uint64
}

// Clock schedules the controller's work.
type Clock interface {
	Now() time.Time
	NewTimer(d time.Duration) Timer
}

// Timer is a stoppable one-shot timer.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now implements Clock.
func (SystemClock) Now() time.Time { return time.Now() }

// NewTimer implements Clock.
func (SystemClock) NewTimer(d time.Duration) Timer { return sysTimer{time.NewTimer(d)} }

type sysTimer struct{ t *time.Timer }

func (s sysTimer) C() <-chan time.Time { return s.t.C }
func (s sysTimer) Stop() bool          { return s.t.Stop() }

// TrustedTime gives the time and whether it can be trusted;
// *clock.Trusted implements it.
type TrustedTime interface {
	Judge() (time.Time, bool)
}
