package epdemu

import (
	"fmt"
	"image"
	"strings"

	"periph.io/x/conn/v3/gpio"
)

// Entry is one decoded command with its data, or a pin event.
type Entry struct {
	Event string // "reset", "power on", "power off"; "" for a command
	Cmd   byte
	Name  string // the command's datasheet name, "" if unknown
	Args  []byte // the parameters of a command that takes a few
	N     int    // the bytes written by a RAM/data-stream command
}

// String formats e as the driver tests write sequences: "reset",
// "44 00 0f" (command and parameters in hex), "24 <4000 bytes>".
func (e Entry) String() string {
	if e.Event != "" {
		return e.Event
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%02x", e.Cmd)
	for _, a := range e.Args {
		fmt.Fprintf(&b, " %02x", a)
	}
	if e.N > 0 {
		fmt.Fprintf(&b, " <%d bytes>", e.N)
	}
	return b.String()
}

// spec describes a command's parameters.
type spec struct {
	name     string
	min, max int               // parameter bytes; stream commands take any number
	stream   bool              // RAM/data write
	run      func(args []byte) // at the last parameter (or the next command, at least min)
	start    func()            // stream: at the command byte
	data     func(p []byte)    // stream: for the data
}

// controller is a controller's command set and state.
type controller interface {
	spec(cmd byte) (spec, bool)
	hardReset()
	powerUp()
	asleep() bool
	busyAsleep() bool // BUSY reads busy in deep sleep
	memory() (cur, old *image.Gray)
}

// framer splits the byte stream into commands by the D/C line.
type framer struct {
	e     *Emu
	cur   *spec
	cmd   byte
	args  []byte
	done  bool // cur has run
	loose bool // data without a command was reported
	entry int  // index in e.log of cur's entry, -1 if dropped
}

// abort drops a half-received command (reset or power loss).
func (f *framer) abort() {
	f.cur, f.args, f.done = nil, nil, false
}

// receive decodes one SPI transaction; f.e.mu is held.
func (f *framer) receive(w []byte) {
	e := f.e
	switch {
	case len(w) == 0:
		return
	case !e.powered:
		e.errorf("%d SPI bytes while the panel has no power", len(w))
		return
	case e.rstLevel == gpio.Low:
		e.errorf("%d SPI bytes while RST holds the controller in reset", len(w))
		return
	case e.ctrl.asleep():
		e.errorf("%d SPI bytes in deep sleep: only a hardware reset wakes the controller", len(w))
		return
	case e.isBusy():
		what := "data"
		if e.dcLevel == gpio.Low {
			what = fmt.Sprintf("command 0x%02X", w[0])
		}
		e.errorf("%s while BUSY (%s)", what, e.busyWhat)
		return
	}
	if e.dcLevel == gpio.Low {
		for _, c := range w {
			f.command(c)
			if e.ctrl.asleep() || e.isBusy() {
				// The controller takes nothing more until it is idle.
				if len(w) > 1 {
					e.errorf("%d more command bytes in the same transaction after 0x%02X", len(w)-1, c)
				}
				return
			}
		}
		return
	}
	f.data(w)
}

func (f *framer) command(c byte) {
	e := f.e
	f.finish()
	f.loose = false
	s, ok := e.ctrl.spec(c)
	e.addEntry(Entry{Cmd: c, Name: s.name})
	f.entry = len(e.log) - 1
	if !ok {
		e.errorf("unknown command 0x%02X", c)
		f.cur, f.cmd, f.done = nil, c, true
		f.loose = true // its data is part of the same mistake
		return
	}
	f.cur, f.cmd, f.args, f.done = &s, c, nil, false
	switch {
	case s.stream:
		s.start()
	case s.max == 0:
		f.done = true
		s.run(nil)
	}
}

// finish runs a command whose optional parameters did not all come.
func (f *framer) finish() {
	if f.cur == nil || f.done {
		return
	}
	f.done = true
	if f.cur.stream {
		return
	}
	if len(f.args) < f.cur.min {
		f.e.errorf("command 0x%02X (%s): %d parameter bytes, want %s", f.cmd, f.cur.name, len(f.args), f.cur.want())
		return
	}
	f.cur.run(f.args)
}

func (f *framer) data(p []byte) {
	e := f.e
	if f.cur == nil {
		if !f.loose {
			e.errorf("%d data bytes without a command", len(p))
			f.loose = true
		}
		return
	}
	if f.cur.stream {
		if f.entry >= 0 && f.entry < len(e.log) {
			e.log[f.entry].N += len(p)
		}
		f.cur.data(p)
		return
	}
	if f.done || len(f.args)+len(p) > f.cur.max {
		e.errorf("command 0x%02X (%s): too many parameter bytes (%d), want %s", f.cmd, f.cur.name, len(f.args)+len(p), f.cur.want())
		f.cur, f.loose = nil, true
		return
	}
	f.args = append(f.args, p...)
	if f.entry >= 0 && f.entry < len(e.log) {
		e.log[f.entry].Args = append(e.log[f.entry].Args, p...)
	}
	if len(f.args) == f.cur.max {
		f.done = true
		f.cur.run(f.args)
	}
}

func (s *spec) want() string {
	if s.min == s.max {
		return fmt.Sprint(s.max)
	}
	return fmt.Sprintf("%d to %d", s.min, s.max)
}

// addEntry appends to the log; e.mu is held.
func (e *Emu) addEntry(l Entry) {
	if len(e.log) >= 2*e.opts.LogLimit {
		drop := len(e.log) - e.opts.LogLimit
		n := copy(e.log, e.log[drop:])
		e.log = e.log[:n]
		e.dropped += drop
		e.frame.entry -= drop
	}
	e.log = append(e.log, l)
}

func (e *Emu) addEvent(ev string) {
	e.frame.finish()
	e.frame.abort()
	e.addEntry(Entry{Event: ev})
}
