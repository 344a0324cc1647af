package epdemu

import (
	"fmt"
	"image"
	"image/png"
	"io"
	"sync"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi"

	"github.com/venuekiosk/venuekiosk/internal/epd"
)

// Defaults and bounds of Opts.
const (
	DefaultMaxTx    = epd.DefaultChunk // the Linux spidev driver's default buffer
	DefaultMaxSpeed = 20 * physic.MegaHertz
	DefaultLogLimit = 10000
	maxErrors       = 1000
)

// Opts configures an Emu. The zero value (or nil) is DefaultTiming,
// DefaultMaxTx, DefaultMaxSpeed and DefaultLogLimit.
type Opts struct {
	Timing Timing
	// MaxTx is the largest SPI transaction accepted; larger ones fail as
	// spidev fails them. The SPI connection reports it through conn.Limits
	// unless HideLimit is set.
	MaxTx     int
	HideLimit bool
	// MaxSpeed is the fastest SPI clock accepted by Connect.
	MaxSpeed physic.Frequency
	// LogLimit bounds Log; the oldest entries are dropped.
	LogLimit int
	// Switched models a HAT whose PWR pin switches the panel's supply
	// (Waveshare's e-Paper Driver HAT from revision 2.3): the panel
	// starts without power, and the control lines low. Without it the
	// panel starts powered (revisions 2.1 and 2.2 have no switch).
	Switched bool
}

// Counts are refreshes per kind.
type Counts struct {
	Full, Fast, Partial int
}

// Total returns all refreshes.
func (c Counts) Total() int { return c.Full + c.Fast + c.Partial }

// Emu is an emulated panel: a controller and its glass.
type Emu struct {
	model epd.Model
	opts  Opts

	port  *port
	dc    *Pin
	rst   *Pin
	busy  *Pin
	power *Pin

	mu         sync.Mutex
	ctrl       controller
	dcLevel    gpio.Level
	rstLevel   gpio.Level
	powered    bool
	busyUntil  time.Time
	busyWhat   string
	stuck      bool
	busyChange chan struct{} // closed when the BUSY line may have changed
	busyLast   gpio.Level    // the BUSY line as last observed
	busyEdges  uint64        // its changes so far, as observed
	busyTaken  uint64        // the changes WaitForEdge has reported
	shown      []byte        // Width×Height, 0 black, 0xFF white
	version    uint64
	changed    chan struct{} // closed at the next refresh
	counts     Counts
	frame      framer
	log        []Entry
	dropped    int
	errs       []error
	maxTx      int
	bytes      uint64
}

// New returns an emulated panel of model m, powered, out of reset and idle
// (with Opts.Switched: unpowered, its control lines low). The emulated
// controller holds the model to what its real one can do (Model's
// waveforms, BUSY level).
func New(m epd.Model, opts *Opts) (*Emu, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	o := Opts{}
	if opts != nil {
		o = *opts
	}
	if o.Timing == (Timing{}) {
		o.Timing = DefaultTiming
	}
	if o.MaxTx == 0 {
		o.MaxTx = DefaultMaxTx
	}
	if o.MaxSpeed == 0 {
		o.MaxSpeed = DefaultMaxSpeed
	}
	if o.LogLimit == 0 {
		o.LogLimit = DefaultLogLimit
	}
	if o.MaxTx < 1 || o.MaxTx > 1<<20 || o.LogLimit < 1 {
		return nil, fmt.Errorf("epdemu: MaxTx %d (1 to 1 MiB) or LogLimit %d (at least 1) out of range", o.MaxTx, o.LogLimit)
	}
	t := o.Timing
	if t.Reset < 0 || t.Command < 0 || t.Full < 0 || t.Fast < 0 || t.Partial < 0 {
		return nil, fmt.Errorf("epdemu: negative timing %+v", t)
	}
	e := &Emu{
		model:      m,
		opts:       o,
		rstLevel:   gpio.Level(!o.Switched),
		dcLevel:    gpio.Level(!o.Switched),
		powered:    !o.Switched,
		busyChange: make(chan struct{}),
		changed:    make(chan struct{}),
		shown:      make([]byte, m.Width*m.Height),
	}
	for i := range e.shown {
		if noise(i)&1 != 0 {
			e.shown[i] = 0xFF
		}
	}
	switch m.Controller {
	case epd.SSD1680, epd.SSD1683:
		e.ctrl = newSSD(e)
	case epd.UC8179:
		e.ctrl = newUC(e)
	}
	e.frame = framer{e: e}
	e.busyLast = e.busyLevel()
	e.port = &port{e: e}
	e.dc = &Pin{e: e, name: "DC", role: roleDC}
	e.rst = &Pin{e: e, name: "RST", role: roleRST}
	e.busy = &Pin{e: e, name: "BUSY", role: roleBusy}
	e.power = &Pin{e: e, name: "PWR", role: rolePower}
	return e, nil
}

// Model returns the emulated panel model.
func (e *Emu) Model() epd.Model { return e.model }

// String returns e.g. "epdemu(waveshare_2in13_v4)".
func (e *Emu) String() string { return "epdemu(" + e.model.Name + ")" }

// Port returns the SPI port to give the driver.
func (e *Emu) Port() spi.PortCloser { return e.port }

// DC returns the data/command pin (an output the emulator observes).
func (e *Emu) DC() *Pin { return e.dc }

// RST returns the reset pin (an output; low holds the controller in reset).
func (e *Emu) RST() *Pin { return e.rst }

// Busy returns the BUSY pin (an input the emulator drives).
func (e *Emu) Busy() *Pin { return e.busy }

// Power returns the panel power switch (an output; low cuts power and the
// controller forgets its RAM, while the glass keeps its image).
func (e *Emu) Power() *Pin { return e.power }

// Image returns what the panel shows: one pixel a panel pixel, 0 black and
// 255 white.
func (e *Emu) Image() *image.Gray {
	e.mu.Lock()
	defer e.mu.Unlock()
	g := image.NewGray(image.Rect(0, 0, e.model.Width, e.model.Height))
	copy(g.Pix, e.shown)
	return g
}

// PNG writes Image as a PNG.
func (e *Emu) PNG(w io.Writer) error {
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	return enc.Encode(w, e.Image())
}

// Memory returns the controller's image memories as the panel would
// read them, without the UC8179's polarity or any mirroring: cur is the
// SSD168x BW RAM or the UC8179 NEW data, old the SSD168x RED RAM or the
// UC8179 OLD data; a set bit is 255.
func (e *Emu) Memory() (cur, old *image.Gray) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.ctrl.memory()
}

// Refreshes returns the refreshes so far, per kind.
func (e *Emu) Refreshes() Counts {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.counts
}

// Version counts refreshes: it changes whenever the image may have.
func (e *Emu) Version() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.version
}

// Changed returns a channel closed at the next refresh.
func (e *Emu) Changed() <-chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.changed
}

// Sleeping reports whether the controller is in deep sleep.
func (e *Emu) Sleeping() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.ctrl.asleep()
}

// Powered reports whether the panel has power.
func (e *Emu) Powered() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.powered
}

// Errors returns what the controller rejected, oldest first (at most 1000).
func (e *Emu) Errors() []error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]error(nil), e.errs...)
}

// Log returns the decoded commands and pin events, oldest first: the last
// Opts.LogLimit of them.
func (e *Emu) Log() []Entry {
	e.mu.Lock()
	defer e.mu.Unlock()
	log := e.log
	if len(log) > e.opts.LogLimit {
		log = log[len(log)-e.opts.LogLimit:]
	}
	out := make([]Entry, len(log))
	for i, l := range log {
		out[i] = l
		out[i].Args = append([]byte(nil), l.Args...)
	}
	return out
}

// ClearLog empties the log (the errors stay).
func (e *Emu) ClearLog() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.log = e.log[:0]
	e.frame.entry = -1
}

// MaxTx returns the largest SPI transaction seen.
func (e *Emu) MaxTx() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.maxTx
}

// Bytes returns all the bytes received on the SPI bus.
func (e *Emu) Bytes() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.bytes
}

// SetStuck holds BUSY busy (true) whatever happens, until SetStuck(false),
// to test timeouts.
func (e *Emu) SetStuck(stuck bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stuck = stuck
	e.kickBusy()
}

// errorf records a rejected command or datum; e.mu is held.
func (e *Emu) errorf(format string, args ...any) {
	if len(e.errs) >= maxErrors {
		return
	}
	e.errs = append(e.errs, fmt.Errorf("epdemu: %v: "+format, append([]any{e.model.Controller}, args...)...))
}

// observeBusy counts a change of the BUSY line since it was last
// observed, as the kernel queues edges for a pin; e.mu is held.
func (e *Emu) observeBusy() {
	if l := e.busyLevel(); l != e.busyLast {
		e.busyLast = l
		e.busyEdges++
	}
}

// setBusy makes BUSY busy for d doing what; e.mu is held.
func (e *Emu) setBusy(d time.Duration, what string) {
	e.observeBusy() // a fall since the last look is an edge of its own
	until := time.Now().Add(d)
	if until.After(e.busyUntil) {
		e.busyUntil = until
		e.busyWhat = what
	}
	e.kickBusy()
}

// isBusy reports whether BUSY shows busy now; e.mu is held.
func (e *Emu) isBusy() bool {
	return e.stuck || time.Now().Before(e.busyUntil)
}

func (e *Emu) kickBusy() {
	e.observeBusy()
	close(e.busyChange)
	e.busyChange = make(chan struct{})
}

// refreshed records a refresh of kind k; e.mu is held.
func (e *Emu) refreshed(k epd.Refresh) {
	switch k {
	case epd.Full:
		e.counts.Full++
	case epd.Fast:
		e.counts.Fast++
	case epd.Partial:
		e.counts.Partial++
	}
	e.version++
	close(e.changed)
	e.changed = make(chan struct{})
}

// setShown sets the glass pixel (x, y); e.mu is held.
func (e *Emu) setShown(x, y int, white bool) {
	v := byte(0)
	if white {
		v = 0xFF
	}
	e.shown[y*e.model.Width+x] = v
}

// noise is a fixed pseudo-random sequence for undefined memory.
func noise(i int) byte {
	x := uint32(i)*2654435761 + 0x9E3779B9
	x ^= x >> 15
	x *= 0x2C1B3C6D
	x ^= x >> 12
	return byte(x)
}

// scramble fills b with noise, as memory that lost power.
func scramble(b []byte, seed int) {
	for i := range b {
		b[i] = noise(i + seed)
	}
}
