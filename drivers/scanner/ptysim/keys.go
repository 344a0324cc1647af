package ptysim

import (
	"encoding/binary"
	"strconv"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/scanner/keymap"
)

// Input event types and codes (linux/input-event-codes.h).
const (
	evSyn     = 0x00
	evKey     = 0x01
	evMsc     = 0x04
	mscScan   = 0x04
	synReport = 0
)

// eventSize is sizeof(struct input_event) on this machine.
var eventSize = 2*strconv.IntSize/8 + 8

// InputEvent encodes one struct input_event as this machine's kernel
// lays it out: a timeval, type, code, value.
func InputEvent(typ, code uint16, value int32, at time.Time) []byte {
	b := make([]byte, eventSize)
	sec, usec := at.Unix(), int64(at.Nanosecond()/1000)
	if eventSize/2-4 == 8 { // a timeval of two 64-bit longs
		binary.NativeEndian.PutUint64(b[0:], uint64(sec))
		binary.NativeEndian.PutUint64(b[8:], uint64(usec))
	} else {
		binary.NativeEndian.PutUint32(b[0:], uint32(sec))
		binary.NativeEndian.PutUint32(b[4:], uint32(usec))
	}
	binary.NativeEndian.PutUint16(b[eventSize-8:], typ)
	binary.NativeEndian.PutUint16(b[eventSize-6:], code)
	binary.NativeEndian.PutUint32(b[eventSize-4:], uint32(value))
	return b
}

// KeyEvents encodes text as the input events a keyboard-mode scanner set
// to layout l makes the kernel report: per key press and release an
// EV_MSC MSC_SCAN, the EV_KEY and a SYN_REPORT, with Shift and AltGr
// pressed around the keys that need them. Written into a Sim whose
// driver opens it as "evdev:PATH", it stands in for /dev/input/eventN.
func KeyEvents(l *keymap.Layout, text string, at time.Time) ([]byte, error) {
	strokes, err := l.Strokes(text)
	if err != nil {
		return nil, err
	}
	var out []byte
	ev := func(typ, code uint16, value int32) { out = append(out, InputEvent(typ, code, value, at)...) }
	key := func(code uint16, down bool) {
		v := int32(0)
		if down {
			v = 1
		}
		ev(evMsc, mscScan, int32(code)) // a stand-in scan code: the driver reads only EV_KEY
		ev(evKey, code, v)
		ev(evSyn, synReport, 0)
		at = at.Add(time.Millisecond)
	}
	for _, s := range strokes {
		if s.Shift {
			key(keymap.KeyLeftShift, true)
		}
		if s.AltGr {
			key(keymap.KeyRightAlt, true)
		}
		key(s.Code, true)
		key(s.Code, false)
		if s.AltGr {
			key(keymap.KeyRightAlt, false)
		}
		if s.Shift {
			key(keymap.KeyLeftShift, false)
		}
	}
	return out, nil
}
