package scanner

import (
	"bytes"
	"time"
)

// Framer splits a byte stream into frames. It does no I/O and reads no
// clock: the caller feeds it bytes with the time they were read and, when
// Terminator is Auto or Idle, calls Flush when the line has been silent for
// the gap. A Framer is not safe for concurrent use.
//
// Empty frames (a terminator alone, or an AIM identifier alone) are skipped
// and counted; with Auto, the empty frame between the two bytes of a CRLF
// or LF-CR suffix is not counted. A frame longer than MaxFrame is discarded
// up to the next terminator (Idle: the next Flush), logged with its length
// and counted. After conversion to UTF-8 (Charset, ECI) a frame's data is
// at most twice MaxFrame.
type Framer struct {
	o   FrameOpts
	buf []byte
	cr  bool // CRLF: a CR held back until the next byte shows whether it ends the frame
	// tabEnds: with Auto, Tab ends a frame too (a keyboard-mode scanner's
	// Tab key; Dev sets it per connection).
	tabEnds bool
	// suffixSeen: with Auto, a terminator has ended a frame since the
	// last Reset (this scanner sends a suffix; Dev then waits longer
	// before a silence ends a frame).
	suffixSeen bool
	skip       int64 // > 0: discarding an over-long frame; bytes discarded so far
	last       time.Time
	stats      FramerStats
}

// FramerStats counts what a Framer did.
type FramerStats struct {
	Frames   uint64 // frames emitted
	Overlong uint64 // over-long frames discarded
	Partial  uint64 // unterminated frames discarded by Reset
	Empty    uint64 // empty frames skipped
}

// NewFramer returns a Framer, or an error wrapping ErrOpts.
func NewFramer(o FrameOpts) (*Framer, error) {
	o = o.withDefaults()
	if err := o.validate(); err != nil {
		return nil, err
	}
	return &Framer{o: o, buf: make([]byte, 0, o.MaxFrame)}, nil
}

// Feed consumes p, read at time at, and calls emit for every frame it
// completes. emit owns the Frame it is given.
func (f *Framer) Feed(p []byte, at time.Time, emit func(Frame)) {
	if len(p) == 0 {
		return
	}
	f.last = at
	switch f.o.Terminator {
	case Idle:
		f.add(p)
	case Auto:
		for {
			i := f.indexEnd(p)
			if i < 0 {
				f.add(p)
				return
			}
			f.suffixSeen = true
			f.add(p[:i])
			f.finish(emit)
			p = p[i+1:]
		}
	case CR, LF, Tab:
		t := byte('\r')
		switch f.o.Terminator {
		case LF:
			t = '\n'
		case Tab:
			t = '\t'
		}
		for {
			i := bytes.IndexByte(p, t)
			if i < 0 {
				f.add(p)
				return
			}
			f.add(p[:i])
			f.finish(emit)
			p = p[i+1:]
		}
	case CRLF:
		for len(p) > 0 {
			if f.cr {
				f.cr = false
				if p[0] == '\n' {
					f.finish(emit)
					p = p[1:]
					continue
				}
				f.add(crByte) // the held CR was data
			}
			i := bytes.IndexByte(p, '\r')
			if i < 0 {
				f.add(p)
				return
			}
			f.add(p[:i])
			f.cr = true
			p = p[i+1:]
		}
	}
}

var crByte = []byte{'\r'}

// indexEnd returns the index of the first CR or LF in p (or Tab, with
// tabEnds), or -1.
func (f *Framer) indexEnd(p []byte) int {
	for i, c := range p {
		if c == '\r' || c == '\n' || c == '\t' && f.tabEnds {
			return i
		}
	}
	return -1
}

// Flush ends the pending frame when Terminator is Auto or Idle (the line
// has been silent for the gap) and emits it. With an explicit terminator
// it does nothing: a frame may go on after a pause.
func (f *Framer) Flush(emit func(Frame)) {
	if f.o.Terminator.gapEnds() && f.Pending() > 0 {
		f.finish(emit)
	}
}

// Reset discards the pending frame, if any, (the device went away) and
// returns how many bytes it held.
func (f *Framer) Reset() int64 {
	n := int64(f.Pending())
	switch {
	case f.skip > 0:
		f.stats.Overlong++
		f.o.Logger.Warn("scanner: over-long frame discarded", "bytes", f.skip, "max", f.o.MaxFrame)
	case n > 0:
		f.stats.Partial++
		f.o.Logger.Info("scanner: unterminated frame discarded", "bytes", n)
	}
	f.buf, f.cr, f.skip, f.suffixSeen = f.buf[:0], false, 0, false
	return n
}

// Pending returns how many bytes the frame being read holds so far,
// counting discarded bytes of an over-long one.
func (f *Framer) Pending() int {
	n := len(f.buf) + int(min(f.skip, 1<<30))
	if f.cr {
		n++
	}
	return n
}

// Stats returns the counters.
func (f *Framer) Stats() FramerStats { return f.stats }

// add appends p to the frame, or starts or continues a discard.
func (f *Framer) add(p []byte) {
	switch {
	case f.skip > 0:
		f.skip += int64(len(p))
	case len(f.buf)+len(p) > f.o.MaxFrame:
		f.skip = int64(len(f.buf) + len(p))
		f.buf = f.buf[:0]
	default:
		f.buf = append(f.buf, p...)
	}
}

// finish ends the frame: emits it, or reports its discard.
func (f *Framer) finish(emit func(Frame)) {
	if f.skip > 0 {
		f.stats.Overlong++
		f.o.Logger.Warn("scanner: over-long frame discarded", "bytes", f.skip, "max", f.o.MaxFrame)
		f.skip = 0
		return
	}
	data, sym := f.buf, ""
	f.buf = f.buf[:0]
	if f.o.Terminator == Auto {
		if len(data) == 0 {
			return // the second byte of a CRLF or LF-CR suffix
		}
		data = trimSpaceCtl(data)
	}
	if f.o.StripAIM {
		if id, rest, ok := SplitAIM(data); ok {
			data, sym = rest, id
		}
	}
	if len(data) == 0 {
		f.stats.Empty++
		return
	}
	var out []byte
	if eciAIM[sym] {
		var unknown []int
		out, unknown = decodeECI(data, f.o.Charset.encoding())
		if len(unknown) > 0 {
			f.o.Logger.Warn("scanner: unknown ECI; bytes passed through", "eci", unknown, "bytes", len(data))
		}
	} else {
		out = bytes.Clone(toUTF8(data, f.o.Charset.encoding()))
	}
	f.stats.Frames++
	emit(Frame{Data: out, Symbology: sym, At: f.last})
}

// trimSpaceCtl trims ASCII whitespace and control characters (and DEL)
// from both ends of p. Multi-byte characters of UTF-8, GB18030 and Big5
// never hold such bytes, so text in any of them is left whole.
func trimSpaceCtl(p []byte) []byte {
	isCtl := func(c byte) bool { return c <= ' ' || c == 0x7f }
	for len(p) > 0 && isCtl(p[0]) {
		p = p[1:]
	}
	for len(p) > 0 && isCtl(p[len(p)-1]) {
		p = p[:len(p)-1]
	}
	return p
}
