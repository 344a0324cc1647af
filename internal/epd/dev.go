package epd

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"log/slog"
	"sync"
	"time"

	"periph.io/x/conn/v3/display"
	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/spi"
)

// Dev is an e-paper panel: the lifecycle every controller shares, around
// the controller's Commands. Its methods are safe for concurrent use;
// operations run one at a time. Every operation wakes the controller with
// a hardware reset (after switching the power on, with a switch that is
// off), runs, and puts the controller back into deep sleep.
type Dev struct {
	mu     sync.Mutex
	name   string
	opts   Opts
	model  Model
	link   *Link
	cmds   Commands
	rst    gpio.PinOut
	dc     gpio.PinOut
	power  gpio.PinOut
	canvas *canvas
	// powered: the power switch is on.
	powered bool
	// kept: the controller's memory holds what the last refresh left in
	// it (no power cut, error or probe since).
	kept bool
	// awake: PreparePartial woke the controller and set it up for a
	// partial refresh; it is not in deep sleep.
	awake bool
	stats Stats
	log   *slog.Logger
}

var (
	_ display.Drawer = &Dev{}
	_ Panel          = &Dev{}
)

// Open connects to the controller on p (mode 0, 8 bits, Opts.SPIHz) and
// returns the panel; nothing is sent until the first operation. dc selects
// command (low) or data (high); rst resets the controller (low); busy
// shows when it works. The SPI driver owns chip select.
func (drv *Driver) Open(p spi.Port, dc, rst gpio.PinOut, busy gpio.PinIn, opts *Opts) (*Dev, error) {
	if p == nil {
		return nil, errors.New(drv.Name + ": nil SPI port")
	}
	o, err := drv.resolve(opts)
	if err != nil {
		return nil, err
	}
	c, err := p.Connect(o.SPIHz, spi.Mode0, 8)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", drv.Name, err)
	}
	return drv.open(c, dc, rst, busy, o)
}

// OpenConn is Open on an SPI connection already made (mode 0, 8 bits).
func (drv *Driver) OpenConn(c spi.Conn, dc, rst gpio.PinOut, busy gpio.PinIn, opts *Opts) (*Dev, error) {
	if c == nil {
		return nil, errors.New(drv.Name + ": nil SPI connection")
	}
	o, err := drv.resolve(opts)
	if err != nil {
		return nil, err
	}
	return drv.open(c, dc, rst, busy, o)
}

func (drv *Driver) open(c spi.Conn, dc, rst gpio.PinOut, busy gpio.PinIn, o Opts) (*Dev, error) {
	if dc == nil || rst == nil || busy == nil {
		return nil, errors.New(drv.Name + ": the DC, reset and busy pins are required")
	}
	bus, err := newBus(drv.Name, c, dc, o.Chunk)
	if err != nil {
		return nil, err
	}
	b, err := newBusy(drv.Name, busy, o.Model.BusyLevel)
	if err != nil {
		return nil, err
	}
	l := &Link{Bus: bus, Timeouts: o.Timeouts, Delay: o.Delay, busy: b}
	return &Dev{
		name:   drv.Name,
		opts:   o,
		model:  o.Model,
		link:   l,
		cmds:   drv.Commands(l, o),
		rst:    rst,
		dc:     dc,
		power:  o.Power,
		canvas: newCanvas(drv.Name, o.Model, o.Rotation),
		log:    o.Logger,
	}, nil
}

// String returns e.g. "ssd1680(waveshare_2in13_v4)".
func (d *Dev) String() string { return d.name + "(" + d.model.Name + ")" }

// Model returns the panel model.
func (d *Dev) Model() Model { return d.model }

// Commands returns the controller's command set.
func (d *Dev) Commands() Commands { return d.cmds }

// ColorModel implements display.Drawer: black and white.
func (d *Dev) ColorModel() color.Model { return BW }

// Bounds implements display.Drawer: the panel in the caller's rotation.
func (d *Dev) Bounds() image.Rectangle { return d.canvas.Bounds() }

// Draw implements display.Drawer: the whole panel gets a full refresh, a
// part of it a partial one.
func (d *Dev) Draw(dst image.Rectangle, src image.Image, sp image.Point) error {
	if src == nil {
		return errors.New(d.name + ": nil image")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	r, off := d.canvas.drawArea(dst, src, sp)
	if r.Empty() {
		return nil
	}
	if r == d.canvas.Bounds() {
		d.canvas.Next.Render(d.canvas.rot, r, src, off)
		return d.refresh(Full, image.Rectangle{})
	}
	return d.partial(src, r, off)
}

// Full shows img, whose bounds must equal Bounds, with a full refresh.
func (d *Dev) Full(img image.Image) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.canvas.composeFull(img); err != nil {
		return err
	}
	return d.refresh(Full, image.Rectangle{})
}

// Fast shows img, whose bounds must equal Bounds, with a fast refresh;
// ErrNoFast if the model has none.
func (d *Dev) Fast(img image.Image) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.model.HasFast() {
		return fmt.Errorf("%s: %s: %w", d.name, d.model.Name, ErrNoFast)
	}
	if err := d.canvas.composeFull(img); err != nil {
		return err
	}
	return d.refresh(Fast, image.Rectangle{})
}

// Partial shows the pixels of img inside r with a partial refresh (see
// Panel). r must be inside Bounds and img.Bounds().
func (d *Dev) Partial(img image.Image, r image.Rectangle) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.partial(img, r, image.Point{})
}

func (d *Dev) partial(img image.Image, r image.Rectangle, off image.Point) error {
	native, _, err := d.canvas.composePartial(img, r, off)
	if err != nil {
		return err
	}
	if !d.canvas.Known {
		// What the glass shows is unknown: a partial refresh, which
		// drives only the pixels that change, cannot be trusted.
		return d.refresh(Full, image.Rectangle{})
	}
	return d.refresh(Partial, native)
}

// PreparePartial wakes the controller and sets it up for a partial
// refresh ahead of one the caller knows is coming (the venue code's
// rotation at a slot boundary), so that Partial then starts with its RAM
// writes instead of the wake-up reset. The controller stays out of deep
// sleep until the next operation or Halt; any other operation resets it
// as usual. Preparing an already prepared controller does nothing.
func (d *Dev) PreparePartial() (err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.awake {
		return nil
	}
	if err := d.wake(); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			d.abort()
		}
	}()
	if err := d.cmds.Init(Partial); err != nil {
		return err
	}
	d.awake = true
	return nil
}

// Halt implements conn.Resource. The controller sleeps between
// operations already (Halt resets one woken by PreparePartial and puts it
// back to sleep); Halt also cuts the power switch if there is one, with
// RST and DC low first.
func (d *Dev) Halt() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.awake {
		d.awake = false
		if err := d.rest(); err != nil {
			return err
		}
	}
	return d.powerOff()
}

// Stats describes the last operation.
func (d *Dev) Stats() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stats
}

// BytesSent returns all the bytes sent on the SPI bus.
func (d *Dev) BytesSent() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	n, _ := d.link.Sent()
	return n
}

// Probe checks that the controller answers, without drawing: the wake-up
// reset, a command whose BUSY pulse must start and end (Commands.Probe),
// then deep sleep again. A missing, unpowered or miswired panel fails
// with an error naming the step (ErrNoBusyPulse or a *BusyError).
func (d *Dev) Probe() (err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.awake = false // the reset below ends a PreparePartial
	if err := d.wake(); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			d.abort()
		}
	}()
	// The probe may reset the controller's registers and memory: the
	// next partial refresh rewrites it whole.
	d.kept = false
	if err := d.cmds.Probe(); err != nil {
		return err
	}
	return d.cmds.Sleep()
}

// refresh sends canvas.Next to the panel; native is the byte-aligned
// window of a partial refresh. d.mu is held.
func (d *Dev) refresh(k Refresh, native image.Rectangle) error {
	start := time.Now()
	b0, t0 := d.link.Sent()
	w0 := d.link.busy.Waited()
	if k != Partial {
		native = image.Rect(0, 0, d.canvas.Next.Stride*8, d.model.Height)
	}
	err := d.run(k, native)
	b1, t1 := d.link.Sent()
	win := d.canvas.rot.rectFromNative(native.Intersect(d.canvas.Next.Bounds()), d.model.Width, d.model.Height)
	d.stats = Stats{Refresh: k, Window: win, Bytes: int(b1 - b0), Transactions: int(t1 - t0),
		Busy: d.link.busy.Waited() - w0, Elapsed: time.Since(start)}
	if err != nil {
		d.canvas.Known, d.kept = false, false
		d.log.Warn("e-paper refresh failed", "panel", d.model.Name, "refresh", k.String(), "err", err)
		return err
	}
	d.canvas.Commit()
	d.kept = true
	d.log.Debug("e-paper refresh", "panel", d.model.Name, "stats", d.stats.String())
	return nil
}

// run is one operation: wake, init, show, sleep.
func (d *Dev) run(k Refresh, native image.Rectangle) (err error) {
	// A partial refresh after PreparePartial starts with its RAM writes.
	prepared := d.awake && k == Partial
	d.awake = false
	if !prepared {
		if err := d.wake(); err != nil {
			return err
		}
	}
	defer func() {
		if err != nil {
			d.abort()
		}
	}()
	if !prepared {
		if err := d.cmds.Init(k); err != nil {
			return err
		}
	}
	j := &Job{Kind: k, Window: native, Next: d.canvas.Next, Shown: d.canvas.Shown, Known: d.canvas.Known, Kept: d.kept}
	if err := d.cmds.Show(j); err != nil {
		return err
	}
	return d.cmds.Sleep()
}

// abort leaves the controller asleep after a failed operation, as far as
// it can (see rest), and cycles the power switch if there is one.
func (d *Dev) abort() {
	d.awake, d.kept = false, false
	_ = d.rest()
	_ = d.powerOff()
}
