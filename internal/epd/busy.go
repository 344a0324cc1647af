package epd

import (
	"errors"
	"fmt"
	"time"

	"periph.io/x/conn/v3/gpio"
)

// ErrBusyTimeout matches (errors.Is) every *BusyError.
var ErrBusyTimeout = errors.New("epd: busy timeout")

// BusyError says that the controller stayed busy past a timeout.
type BusyError struct {
	Controller string        // e.g. "ssd1680"
	Step       string        // what was being waited for, e.g. "display update"
	Timeout    time.Duration // how long it waited
}

// Error returns e.g. "ssd1680: busy timeout after 5s waiting for display
// update".
func (e *BusyError) Error() string {
	return fmt.Sprintf("%s: busy timeout after %v waiting for %s", e.Controller, e.Timeout, e.Step)
}

// Is reports whether target is ErrBusyTimeout.
func (e *BusyError) Is(target error) bool { return target == ErrBusyTimeout }

// defaultPoll is how often Busy reads the line between edges.
const defaultPoll = 10 * time.Millisecond

// Busy waits for a controller's BUSY line to show idle. It waits for edges
// where the pin supports them and reads the level at least every Poll as
// well, so a missed edge costs at most Poll.
type Busy struct {
	name   string
	pin    gpio.PinIn
	busy   gpio.Level // the level while busy
	edges  bool
	Poll   time.Duration
	waited time.Duration
}

// newBusy configures pin as an input (with edge detection when the pin
// supports it) for controller name, whose line reads busyLevel while busy:
// High for the SSD168x, Low for the UC8179.
func newBusy(name string, pin gpio.PinIn, busyLevel gpio.Level) (*Busy, error) {
	b := &Busy{name: name, pin: pin, busy: busyLevel, Poll: defaultPoll}
	if err := pin.In(gpio.PullNoChange, gpio.BothEdges); err == nil {
		b.edges = true
	} else if err := pin.In(gpio.PullNoChange, gpio.NoEdge); err != nil {
		return nil, fmt.Errorf("%s: BUSY pin %s: %w", name, pin, err)
	}
	return b, nil
}

// Edges reports whether the pin delivers edges.
func (b *Busy) Edges() bool { return b.edges }

// isBusy reads the line once.
func (b *Busy) isBusy() bool { return b.pin.Read() == b.busy }

// Waited returns the time spent in Wait so far.
func (b *Busy) Waited() time.Duration { return b.waited }

// Wait returns when the line shows idle, or a *BusyError naming step after
// timeout.
func (b *Busy) Wait(step string, timeout time.Duration) error {
	start := time.Now()
	defer func() { b.waited += time.Since(start) }()
	deadline := start.Add(timeout)
	for {
		if !b.isBusy() {
			return nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			return &BusyError{Controller: b.name, Step: step, Timeout: timeout}
		}
		d := min(left, b.Poll)
		if b.edges {
			b.pin.WaitForEdge(d)
		} else {
			time.Sleep(d)
		}
	}
}

// ErrNoBusyPulse matches the error of a controller whose BUSY line never
// went busy after a command that takes time: a missing panel, a loose or
// miswired BUSY line.
var ErrNoBusyPulse = errors.New("epd: BUSY never went busy")

// waitPulse waits for the line to show busy (within start) and then idle
// again (within timeout): the proof that a controller answered a command.
// Where the pin delivers edges, an edge counts as the pulse too: the
// kernel latches it, so a pulse shorter than this goroutine's wake-up
// (a loaded board, a slow virtual machine) is not taken for a dead panel.
func (b *Busy) waitPulse(step string, start, timeout time.Duration) error {
	const poll = 200 * time.Microsecond
	deadline := time.Now().Add(start)
	for !b.isBusy() {
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: %w within %v of %s (is the panel connected?)", b.name, ErrNoBusyPulse, start, step)
		}
		if !b.edges {
			time.Sleep(poll)
			continue
		}
		if b.pin.WaitForEdge(poll) {
			break // the line moved: the controller answered
		}
	}
	return b.Wait(step, timeout)
}
