package scanner

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"github.com/venuekiosk/venuekiosk/drivers/scanner/keymap"
)

// Linux input ABI (linux/input.h).
const (
	evSyn      = 0x00
	synReport  = 0
	synDropped = 3
	evKey      = 0x01
	// eviocgrab is EVIOCGRAB, _IOW('E', 0x90, int): the caller becomes
	// the device's only reader, so the keys reach neither the console
	// nor any other program.
	eviocgrab = 0x40044590
)

// eventSize is sizeof(struct input_event): a timeval of two longs, then
// type (u16), code (u16) and value (s32). 24 bytes on 64-bit kernels, 16
// on 32-bit ones (also with 64-bit time_t, which the struct avoids).
var eventSize = 2*strconv.IntSize/8 + 8

// ErrReadOnly is returned by Write and Do while the scanner is a
// keyboard-mode one: it takes no commands.
var ErrReadOnly = errors.New("scanner: a keyboard-mode scanner takes no commands")

// evdevPort reads a keyboard-mode scanner's input device and yields the
// text it types, as a serial port would: Read returns (0, io.EOF) when a
// read timeout passes quietly, and an error once the device is gone.
type evdevPort struct {
	f       *os.File
	dec     *keymap.Decoder
	raw     []byte // read buffer
	part    []byte // the start of an event split between reads (stand-ins only)
	grabbed bool
	wait    time.Duration // how long a read waits for events: the idle gap, at most readTimeout
	// After the kernel dropped events (SYN_DROPPED: kioskd read too
	// late), the scan being typed has lost keys: everything up to its
	// end (Enter, Tab, or a quiet read timeout) is discarded rather than
	// delivered maimed, and Dev is told (dropped) to discard what it
	// holds of it.
	skipping bool
	dropped  uint64
}

// openEvdev opens path, grabs it (EVIOCGRAB) and returns the port. A
// device another program has grabbed is refused (EBUSY). A stand-in that
// is not an input device (a pty in tests and `make run`) cannot be
// grabbed and is read anyway.
func openEvdev(path string, l *keymap.Layout, wait time.Duration) (*evdevPort, error) {
	f, err := os.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	p := &evdevPort{f: f, dec: keymap.NewDecoder(l), raw: make([]byte, 64*eventSize), wait: wait}
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	var gerr error
	if err := rc.Control(func(fd uintptr) { gerr = unix.IoctlSetInt(int(fd), eviocgrab, 1) }); err != nil {
		f.Close()
		return nil, err
	}
	switch {
	case gerr == nil:
		p.grabbed = true
	case errors.Is(gerr, unix.ENOTTY) || errors.Is(gerr, unix.EINVAL):
		// Not an input device: a stand-in.
	default:
		f.Close()
		return nil, fmt.Errorf("grab %s: %w", path, gerr)
	}
	return p, nil
}

// Read reads key events for up to p.wait and writes the text they
// typed into b, which must hold at least 8 bytes per event read (a dead
// accent and a character; the driver's 4 KiB buffer holds 64 events'
// worth many times over).
func (p *evdevPort) Read(b []byte) (int, error) {
	p.f.SetReadDeadline(time.Now().Add(p.wait))
	max := min(len(p.raw), len(b)/8*eventSize)
	n, err := p.f.Read(p.raw[len(p.part):max])
	if errors.Is(err, os.ErrDeadlineExceeded) {
		if p.skipping {
			// Quiet: the maimed scan is over, and no key is held.
			p.skipping = false
			p.dec.Reset()
		}
		return 0, io.EOF
	}
	if n == 0 && err == nil {
		return 0, io.EOF
	}
	data := p.raw[:len(p.part)+n]
	copy(data, p.part)
	out := b[:0]
	for len(data) >= eventSize {
		typ := binary.NativeEndian.Uint16(data[eventSize-8:])
		code := binary.NativeEndian.Uint16(data[eventSize-6:])
		value := int32(binary.NativeEndian.Uint32(data[eventSize-4:]))
		switch {
		case typ == evSyn && code == synDropped:
			p.skipping = true
			p.dropped++
			out = out[:0] // the scan these belong to has lost keys
		case typ == evKey && p.skipping:
			before := len(out)
			out = p.dec.Key(out, code, value)
			if i := bytes.IndexAny(out[before:], "\r\t"); i >= 0 {
				p.skipping = false // the maimed scan ended here
				out = append(out[:before], out[before+i+1:]...)
			} else {
				out = out[:before]
			}
		case typ == evKey:
			out = p.dec.Key(out, code, value)
		}
		data = data[eventSize:]
	}
	p.part = append(p.part[:0], data...)
	if err != nil && len(out) == 0 {
		return 0, err
	}
	return len(out), nil
}

// takeDropped returns how many times events were dropped since the last
// call.
func (p *evdevPort) takeDropped() uint64 {
	n := p.dropped
	p.dropped = 0
	return n
}

// Write refuses: a keyboard takes no commands.
func (p *evdevPort) Write([]byte) (int, error) { return 0, ErrReadOnly }

// Close releases the grab (closing does) and the device.
func (p *evdevPort) Close() error { return p.f.Close() }
