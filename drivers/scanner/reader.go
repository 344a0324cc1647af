package scanner

import (
	"errors"
	"io"
	"time"
)

// Reader frames an io.Reader. It is the Framer driven by reads, for tests,
// files and tools; Dev drives its Framer itself, timing the idle gap
// against the clock at each quiet read.
//
// io.EOF from the underlying reader is treated as tarm/serial treats a read
// timeout: as a silence. It ends the pending frame when Terminator is Idle;
// with a terminator the unterminated rest is kept, so a reader that resumes
// after EOF (a serial port does) continues it. Next returns io.EOF when a
// read returned it and no frame is ready.
type Reader struct {
	r     io.Reader
	f     *Framer
	buf   []byte
	ready []Frame
	now   func() time.Time
}

// maxEmptyReads bounds reads that return neither data nor error.
const maxEmptyReads = 100

// NewReader returns a Reader, or an error wrapping ErrOpts.
func NewReader(r io.Reader, o FrameOpts) (*Reader, error) {
	f, err := NewFramer(o)
	if err != nil {
		return nil, err
	}
	return &Reader{r: r, f: f, buf: make([]byte, 4096), now: time.Now}, nil
}

// Next returns the next frame. Errors other than io.EOF are returned as
// the underlying reader gave them; io.ErrNoProgress means it returned
// nothing many times in a row.
func (r *Reader) Next() (Frame, error) {
	for empty := 0; ; {
		if len(r.ready) > 0 {
			fr := r.ready[0]
			r.ready[0] = Frame{}
			r.ready = r.ready[1:]
			return fr, nil
		}
		n, err := r.r.Read(r.buf)
		if n > 0 {
			empty = 0
			r.f.Feed(r.buf[:n], r.now(), r.push)
		}
		switch {
		case errors.Is(err, io.EOF):
			r.f.Flush(r.push)
			if len(r.ready) == 0 {
				return Frame{}, io.EOF
			}
		case err != nil:
			return Frame{}, err
		case n == 0:
			if empty++; empty >= maxEmptyReads {
				return Frame{}, io.ErrNoProgress
			}
		}
	}
}

// Pending returns how many bytes of an unfinished frame are held.
func (r *Reader) Pending() int { return r.f.Pending() }

// Stats returns the framing counters.
func (r *Reader) Stats() FramerStats { return r.f.Stats() }

func (r *Reader) push(fr Frame) { r.ready = append(r.ready, fr) }
