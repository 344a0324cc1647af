package epd

import (
	"image"
	"time"
)

// Link is how a controller's commands reach it: the SPI bus (commands and
// data, chunked), the BUSY line, the timeouts and the delay function.
type Link struct {
	*Bus
	Timeouts Timeouts
	Delay    func(time.Duration)
	busy     *Busy
	buf      []byte
}

// Wait returns when BUSY shows idle, or a *BusyError naming step after
// timeout.
func (l *Link) Wait(step string, timeout time.Duration) error {
	return l.busy.Wait(step, timeout)
}

// Pulse waits for BUSY to show busy within start and idle again within
// timeout: the proof that the controller answered a command.
func (l *Link) Pulse(step string, start, timeout time.Duration) error {
	return l.busy.waitPulse(step, start, timeout)
}

// Send sends each register in turn.
func (l *Link) Send(regs ...Reg) error {
	for _, r := range regs {
		if err := l.Command(r.Cmd, r.Data...); err != nil {
			return err
		}
	}
	return nil
}

// Run sends cmd, which starts work that raises BUSY, waits settle (the
// controller's delay before BUSY is valid; 0 for none) and then for BUSY
// to show idle.
func (l *Link) Run(cmd byte, settle time.Duration, step string, timeout time.Duration) error {
	if err := l.Command(cmd); err != nil {
		return err
	}
	if settle > 0 {
		l.Delay(settle)
	}
	return l.Wait(step, timeout)
}

// Window sends the byte-aligned native rectangle r of f, row by row, as
// the data of cmd; invert sends every bit inverted (for a controller set
// to the opposite polarity).
func (l *Link) Window(cmd byte, f *Frame, r image.Rectangle, invert bool) error {
	var err error
	if l.buf, err = f.Window(l.buf[:0], r); err != nil {
		return err
	}
	if invert {
		for i, b := range l.buf {
			l.buf[i] = ^b
		}
	}
	if err := l.Command(cmd); err != nil {
		return err
	}
	return l.Data(l.buf)
}
