package scanner

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Errors returned by Dev's methods.
var (
	ErrClosed       = errors.New("scanner: closed")
	ErrRunning      = errors.New("scanner: already running")
	ErrNotConnected = errors.New("scanner: not connected")
)

// Dev is a barcode scanner, serial or keyboard-mode. Run reads it,
// reopening it whenever it goes away; Frames delivers what it reads and
// Events its comings and goings.
type Dev struct {
	opts   Opts
	log    *slog.Logger
	frames chan Frame
	events chan Event
	done   chan struct{}
	buf    []byte // read buffer, used by Run's goroutine only
	find   func(string) (Found, error)

	mu        sync.Mutex         // guards the fields below
	port      io.ReadWriteCloser // the current connection's *serial.Port; nil while away
	state     Event
	announced bool // state has been reported once
	started   bool
	closed    bool
	cancel    context.CancelFunc
	kind      Kind // of the current (or last) connection

	fmu      sync.Mutex // guards the framer
	framer   *Framer
	live     bool      // a connection is being read
	lastFeed time.Time // when bytes last arrived

	dropped     atomic.Uint64
	keysDropped atomic.Uint64
	connects    atomic.Uint64
	disconnects atomic.Uint64
}

var _ io.Writer = (*Dev)(nil)

// Stats counts what a Dev did since New.
type Stats struct {
	FramerStats        // Frames counts every frame read, Dropped ones too
	Dropped     uint64 // frames dropped, oldest first, because Frames was full
	KeysDropped uint64 // times the kernel dropped a keyboard's events (its scan was discarded)
	Connects    uint64 // successful opens
	Disconnects uint64 // connections lost
}

// eventQueueLen bounds the Events channel; the oldest event is dropped
// when it is full (State always has the current one).
const eventQueueLen = 8

// New checks opts and returns a Dev. It does not open the device: a missing
// scanner is a state (see Events), not an error. Errors wrap ErrOpts.
func New(opts Opts) (*Dev, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	f, err := NewFramer(opts.FrameOpts)
	if err != nil {
		return nil, err
	}
	return &Dev{
		opts:   opts,
		log:    opts.Logger,
		frames: make(chan Frame, opts.QueueLen),
		events: make(chan Event, eventQueueLen),
		done:   make(chan struct{}),
		buf:    make([]byte, 4096),
		state:  Event{Kind: Disconnected, Reason: "not opened yet"},
		framer: f,
		find:   host.find,
	}, nil
}

// Frames delivers frames. It is closed when Run returns. It holds
// Opts.QueueLen frames; when the consumer falls behind, the oldest frame is
// dropped, counted in Stats.Dropped and logged, so the reader never blocks
// and the person now at the scanner is the one served.
func (d *Dev) Frames() <-chan Frame { return d.frames }

// Events delivers connection changes, Connected and Disconnected in turn
// (the first event is either). It is closed when Run returns; when nobody
// reads it, the oldest events are dropped.
func (d *Dev) Events() <-chan Event { return d.events }

// State returns the latest event: whether the scanner is connected now.
func (d *Dev) State() Event {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.state
}

// Done is closed when Run has returned (or Close was called without Run).
func (d *Dev) Done() <-chan struct{} { return d.done }

// Stats returns the counters.
func (d *Dev) Stats() Stats {
	d.fmu.Lock()
	fs := d.framer.Stats()
	d.fmu.Unlock()
	return Stats{
		FramerStats: fs,
		Dropped:     d.dropped.Load(),
		KeysDropped: d.keysDropped.Load(),
		Connects:    d.connects.Load(),
		Disconnects: d.disconnects.Load(),
	}
}

// Run opens the device and reads it until ctx is done or Close is called,
// reopening it with exponential backoff whenever it goes away or is not
// there. It returns nil when stopped; ErrRunning or ErrClosed when called
// twice or after Close. Frames and Events are closed when it returns.
func (d *Dev) Run(ctx context.Context) error {
	d.mu.Lock()
	switch {
	case d.closed:
		d.mu.Unlock()
		return ErrClosed
	case d.started:
		d.mu.Unlock()
		return ErrRunning
	}
	d.started = true
	ctx, cancel := context.WithCancel(ctx)
	d.cancel = cancel
	d.mu.Unlock()

	defer func() {
		cancel()
		d.mu.Lock()
		d.state = Event{Kind: Disconnected, Reason: "stopped", At: time.Now()}
		d.mu.Unlock()
		close(d.frames)
		close(d.events)
		close(d.done)
	}()
	d.loop(ctx)
	return nil
}

// Close stops Run and waits for it to return: at most about one read
// timeout (100 ms). It is safe to call more than once.
func (d *Dev) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		<-d.done
		return nil
	}
	d.closed = true
	started, cancel := d.started, d.cancel
	d.mu.Unlock()
	if !started {
		close(d.frames)
		close(d.events)
		close(d.done)
		return nil
	}
	cancel()
	<-d.done
	return nil
}

// Write writes p to the scanner (a command to the module). It returns
// ErrNotConnected while the scanner is away, ErrReadOnly while it is a
// keyboard-mode one.
func (d *Dev) Write(p []byte) (int, error) {
	port, err := d.currentPort()
	if err != nil {
		return 0, err
	}
	return port.Write(p)
}

// Do runs c against the port of the current connection. It returns
// ErrNotConnected while the scanner is away, ErrReadOnly while it is a
// keyboard-mode one.
func (d *Dev) Do(c Commander) error {
	port, err := d.currentPort()
	if err != nil {
		return err
	}
	return c.Command(port)
}

func (d *Dev) currentPort() (io.ReadWriteCloser, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.port != nil:
		return d.port, nil
	case d.state.Kind == Connected && d.kind == Keyboard:
		return nil, ErrReadOnly
	}
	return nil, ErrNotConnected
}

// Kind returns the kind of the current (or last) connection.
func (d *Dev) Kind() Kind {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.kind
}

// setKind records the kind of a new connection: a keyboard's Tab ends a
// frame (with Auto), as its Enter does.
func (d *Dev) setKind(k Kind) {
	d.mu.Lock()
	d.kind = k
	d.mu.Unlock()
	d.fmu.Lock()
	d.framer.tabEnds = k == Keyboard
	d.fmu.Unlock()
}

// setState records and reports a change of state; repeats are dropped.
func (d *Dev) setState(kind EventKind, path, reason string) {
	d.mu.Lock()
	if d.announced && d.state.Kind == kind {
		d.mu.Unlock()
		return
	}
	d.announced = true
	ev := Event{Kind: kind, Path: path, Device: d.kind, Reason: reason, At: time.Now()}
	d.state = ev
	d.mu.Unlock()

	if kind == Connected {
		d.log.Info("scanner: connected", "path", path, "kind", d.kind.String(), "found", reason, "baud", d.opts.Baud)
	} else {
		d.log.Warn("scanner: disconnected", "path", path, "reason", reason)
	}
	for {
		select {
		case d.events <- ev:
			return
		default:
		}
		select {
		case <-d.events:
		default:
		}
	}
}

// deliver queues a frame without blocking, dropping the oldest queued
// frame when the queue is full. Callers hold fmu, so there is one sender.
func (d *Dev) deliver(f Frame) {
	for {
		select {
		case d.frames <- f:
			return
		default:
		}
		select {
		case old := <-d.frames:
			n := d.dropped.Add(1)
			d.log.Warn("scanner: frame queue full; oldest frame dropped", "bytes", len(old.Data), "dropped_total", n)
		default:
		}
	}
}
