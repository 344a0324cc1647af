package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tarm/serial"
)

const (
	// readTimeout is the port's read timeout (VTIME; tarm/serial rounds to
	// tenths of a second): how often the read loop looks at ctx and the
	// device path. Close waits about this long at most.
	readTimeout = 100 * time.Millisecond
	// instantEOFs consecutive reads that end at once with nothing, well
	// before the read timeout, mean the tty was hung up: the device is gone
	// (tarm/serial returns io.EOF for both, forever after an unplug).
	instantEOFs = 5
	// checkEvery is how often the device path is checked while connected.
	checkEvery = 250 * time.Millisecond
)

// conn is one open connection.
type conn struct {
	port io.ReadWriteCloser // a *serial.Port or an *evdevPort
	path string             // the resolved device path
	kind Kind
	why  string      // why this device (auto)
	info os.FileInfo // of the device node, to notice it being replaced
}

// loop opens, serves and reopens the device until ctx is done.
func (d *Dev) loop(ctx context.Context) {
	b := newBackoff(d.opts.BackoffMin, d.opts.BackoffMax)
	for {
		c, err := d.open()
		if err != nil {
			d.setState(Disconnected, "", err.Error())
			d.log.Debug("scanner: open failed; will retry", "err", err)
		} else {
			start := time.Now()
			d.connects.Add(1)
			d.setKind(c.kind)
			d.setState(Connected, c.path, c.why)
			reason := d.serve(ctx, c)
			d.mu.Lock()
			d.port = nil
			d.mu.Unlock()
			c.port.Close()
			if ctx.Err() != nil {
				return
			}
			d.disconnects.Add(1)
			d.setState(Disconnected, c.path, reason)
			if time.Since(start) >= d.opts.BackoffMax {
				b.reset() // it was up a while: retry soon
			}
		}
		t := time.NewTimer(b.delay())
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// backoff yields the delays between reopen attempts: min, doubling up to
// max.
type backoff struct{ min, max, next time.Duration }

func newBackoff(min, max time.Duration) *backoff { return &backoff{min: min, max: max, next: min} }

func (b *backoff) delay() time.Duration {
	d := b.next
	b.next = min(2*d, b.max)
	return d
}

func (b *backoff) reset() { b.next = b.min }

// open resolves the path, opens the port and runs OnConnect.
func (d *Dev) open() (*conn, error) {
	fd, err := d.find(d.opts.Path)
	if err != nil {
		return nil, err
	}
	info, err := os.Stat(fd.Path)
	if err != nil {
		return nil, err
	}
	c := &conn{path: fd.Path, kind: fd.Kind, why: fd.Why, info: info}
	if fd.Kind == Keyboard {
		p, err := openEvdev(fd.Path, d.opts.Keymap, min(readTimeout, d.opts.IdleGap))
		if err != nil {
			return nil, err
		}
		if !p.grabbed {
			d.log.Warn("scanner: input device not grabbed (not an input device: a stand-in?)", "path", fd.Path)
		}
		c.port = p
		return c, nil
	}
	p, err := serial.OpenPort(&serial.Config{Name: fd.Path, Baud: d.opts.Baud, ReadTimeout: readTimeout})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", fd.Path, err)
	}
	if d.opts.OnConnect != nil {
		if err := d.opts.OnConnect.Command(p); err != nil {
			p.Close()
			return nil, fmt.Errorf("on-connect command on %s: %w", fd.Path, err)
		}
	}
	d.mu.Lock()
	d.port = p
	d.mu.Unlock()
	c.port = p
	return c, nil
}

// serve reads c until the device goes away, returning why, or until ctx
// is done, returning "".
func (d *Dev) serve(ctx context.Context, c *conn) string {
	d.fmu.Lock()
	d.live = true
	d.fmu.Unlock()
	defer func() {
		d.fmu.Lock()
		d.live = false
		d.framer.Reset()
		d.fmu.Unlock()
	}()

	instant := 0
	checked := time.Now()
	wait := readTimeout // how long a quiet read lasts
	if ep, ok := c.port.(*evdevPort); ok {
		wait = ep.wait
	}
	for ctx.Err() == nil {
		t0 := time.Now()
		n, err := c.port.Read(d.buf)
		t1 := time.Now()
		if ep, ok := c.port.(*evdevPort); ok {
			if k := ep.takeDropped(); k > 0 {
				// The kernel dropped key events: what is held of the
				// scan being typed is maimed.
				d.fmu.Lock()
				held := d.framer.Pending()
				d.framer.Reset()
				d.fmu.Unlock()
				d.keysDropped.Add(k)
				d.log.Warn("scanner: the kernel dropped key events; the scan being typed is discarded", "held_bytes", held)
			}
		}
		if n > 0 {
			instant = 0
			d.feed(d.buf[:n], t1)
		} else {
			d.quiet(t1)
		}
		switch {
		case err == nil:
		case errors.Is(err, io.EOF):
			if n > 0 || t1.Sub(t0) >= wait/2 {
				instant = 0 // a read timeout: the line is quiet
				break
			}
			if instant++; instant >= instantEOFs {
				return "device hung up"
			}
		default:
			return "read: " + err.Error()
		}
		if t1.Sub(checked) >= checkEvery {
			checked = t1
			if why := d.gone(c); why != "" {
				return why
			}
		}
	}
	return ""
}

// feed frames bytes just read.
func (d *Dev) feed(p []byte, at time.Time) {
	d.fmu.Lock()
	defer d.fmu.Unlock()
	d.framer.Feed(p, at, d.deliver)
	d.lastFeed = at
}

// quiet runs after a read that returned nothing: when the line has been
// silent for the gap since the last bytes, the pending frame is complete.
// The reader decides, not a timer: a reader kept off the CPU for a while
// (a loaded machine) then finds the bytes that came meanwhile before it
// looks at the clock, so it never ends a pass in the middle.
func (d *Dev) quiet(at time.Time) {
	if !d.opts.Terminator.gapEnds() {
		return
	}
	d.fmu.Lock()
	defer d.fmu.Unlock()
	if d.framer.Pending() > 0 && at.Sub(d.lastFeed) >= d.gap() {
		d.framer.Flush(d.deliver)
	}
}

// suffixedGap is the silence that ends a frame, with Auto, once this
// connection's scanner has shown that it sends a suffix: only a frame
// whose suffix was lost waits for it, and a slow or stalled line (a busy
// machine, a virtual one) cannot cut a pass in two. (A variable for
// tests.)
var suffixedGap = 10 * time.Second

// gap is the silence that ends the pending frame now. Callers hold fmu.
func (d *Dev) gap() time.Duration {
	if d.opts.Terminator == Auto && d.framer.suffixSeen {
		return max(d.opts.IdleGap, suffixedGap)
	}
	return d.opts.IdleGap
}

// gone reports why the device of c is no longer at its path, or "".
// With "auto", a better scanner appearing (a USB-COM one plugged in
// beside a keyboard-mode one, or a known scanner's link) counts too.
func (d *Dev) gone(c *conn) string {
	fd, err := d.find(d.opts.Path)
	if err != nil {
		return "device path gone: " + err.Error()
	}
	if fd.Path != c.path {
		return "device path now leads to " + fd.Path
	}
	info, err := os.Stat(fd.Path)
	if err != nil {
		return "device gone: " + err.Error()
	}
	if !os.SameFile(info, c.info) {
		return "device node replaced"
	}
	return ""
}

// resolve turns the configured path (a glob, a link, or a device) into the
// device's real path.
func resolve(pattern string) (string, error) { return resolvePath(pattern) }
