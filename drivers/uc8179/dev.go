package uc8179

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

	"github.com/venuekiosk/venuekiosk/drivers/epd"
)

// Delays around the hardware reset and the power switch (Waveshare's
// example: RST low 2 ms, 20 ms after).
const (
	resetPulse   = 10 * time.Millisecond
	resetRecover = 10 * time.Millisecond
	powerSettle  = 20 * time.Millisecond
)

// Dev is a UC8179 panel. Its methods are safe for concurrent use;
// operations run one at a time.
type Dev struct {
	mu     sync.Mutex
	opts   Opts
	model  epd.Model
	bus    *epd.Bus
	busy   *epd.Busy
	rst    gpio.PinOut
	power  gpio.PinOut
	canvas *epd.Canvas
	old    *epd.Frame // scratch: OLD data of a full refresh
	// awake: PreparePartial woke the controller and set it up for a
	// partial refresh; it is not in deep sleep.
	awake bool
	buf   []byte
	stats epd.Stats
	log   *slog.Logger

	sleep func(time.Duration) // time.Sleep; tests shorten it
	// skipOld leaves out the OLD data of a partial refresh: the
	// deliberately broken sequence the emulator's ghosting test uses.
	skipOld bool
}

var (
	_ display.Drawer = &Dev{}
	_ epd.Panel      = &Dev{}
)

// New connects to the controller on p (mode 0, 8 bits, Opts.SPIHz) and
// returns the panel; nothing is sent until the first refresh. dc selects
// command (low) or data (high); rst resets the controller (low); busy is
// LOW while the controller works. The SPI driver owns chip select.
func New(p spi.Port, dc, rst gpio.PinOut, busy gpio.PinIn, opts *Opts) (*Dev, error) {
	if p == nil {
		return nil, errors.New("uc8179: nil SPI port")
	}
	if opts == nil {
		return nil, errors.New("uc8179: Opts with a Model are required")
	}
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	c, err := p.Connect(o.SPIHz, spi.Mode0, 8)
	if err != nil {
		return nil, fmt.Errorf("uc8179: %w", err)
	}
	return newDev(c, dc, rst, busy, o)
}

// NewConn is New on an SPI connection already made (mode 0, 8 bits).
func NewConn(c spi.Conn, dc, rst gpio.PinOut, busy gpio.PinIn, opts *Opts) (*Dev, error) {
	if c == nil {
		return nil, errors.New("uc8179: nil SPI connection")
	}
	if opts == nil {
		return nil, errors.New("uc8179: Opts with a Model are required")
	}
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	return newDev(c, dc, rst, busy, o)
}

func newDev(c spi.Conn, dc, rst gpio.PinOut, busy gpio.PinIn, o Opts) (*Dev, error) {
	if dc == nil || rst == nil || busy == nil {
		return nil, errors.New("uc8179: the DC, reset and busy pins are required")
	}
	bus, err := epd.NewBus("uc8179", c, dc, o.Chunk)
	if err != nil {
		return nil, err
	}
	b, err := epd.NewBusy("uc8179", busy, gpio.Low)
	if err != nil {
		return nil, err
	}
	return &Dev{
		opts:   o,
		model:  o.Model,
		bus:    bus,
		busy:   b,
		rst:    rst,
		power:  o.Power,
		canvas: epd.NewCanvas("uc8179", o.Model, o.Rotation),
		old:    epd.NewFrame(o.Model.Width, o.Model.Height),
		log:    o.Logger,
		sleep:  time.Sleep,
	}, nil
}

// String returns e.g. "uc8179(waveshare_7in5_v2)".
func (d *Dev) String() string { return "uc8179(" + d.model.Name + ")" }

// Model returns the panel model.
func (d *Dev) Model() epd.Model { return d.model }

// ColorModel implements display.Drawer: black and white.
func (d *Dev) ColorModel() color.Model { return epd.BW }

// Bounds implements display.Drawer: the panel in the caller's rotation.
func (d *Dev) Bounds() image.Rectangle { return d.canvas.Bounds() }

// Draw implements display.Drawer: the whole panel gets a full refresh, a
// part of it a partial one.
func (d *Dev) Draw(dst image.Rectangle, src image.Image, sp image.Point) error {
	if src == nil {
		return errors.New("uc8179: nil image")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	r, off := d.canvas.DrawArea(dst, src, sp)
	if r.Empty() {
		return nil
	}
	if r == d.canvas.Bounds() {
		d.canvas.Next.Render(d.canvas.Rot, r, src, off)
		return d.refresh(epd.Full, image.Rectangle{})
	}
	return d.partial(src, r, off)
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
	if err := d.init(epd.Partial); err != nil {
		return err
	}
	d.awake = true
	return nil
}

// Halt implements conn.Resource. The controller sleeps between
// operations already (Halt puts one woken by PreparePartial back to
// sleep); Halt also cuts the power switch if there is one.
func (d *Dev) Halt() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.awake {
		d.awake = false
		if err := d.bus.Command(cmdDeepSleep, deepSleepCheck); err != nil {
			return err
		}
	}
	if d.power == nil {
		return nil
	}
	return d.power.Out(gpio.Low)
}

// Stats describes the last operation.
func (d *Dev) Stats() epd.Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stats
}

// BytesSent returns all the bytes sent on the SPI bus.
func (d *Dev) BytesSent() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	n, _ := d.bus.Sent()
	return n
}

// Full shows img, whose bounds must equal Bounds, with a full refresh.
func (d *Dev) Full(img image.Image) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.canvas.ComposeFull(img); err != nil {
		return err
	}
	return d.refresh(epd.Full, image.Rectangle{})
}

// Fast shows img, whose bounds must equal Bounds, with a fast refresh.
func (d *Dev) Fast(img image.Image) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.model.HasFast() {
		return fmt.Errorf("uc8179: %s: %w", d.model.Name, epd.ErrNoFast)
	}
	if err := d.canvas.ComposeFull(img); err != nil {
		return err
	}
	return d.refresh(epd.Fast, image.Rectangle{})
}

// Partial shows the pixels of img inside r with a partial refresh (see
// epd.Panel). r must be inside Bounds and img.Bounds().
func (d *Dev) Partial(img image.Image, r image.Rectangle) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.partial(img, r, image.Point{})
}

func (d *Dev) partial(img image.Image, r image.Rectangle, off image.Point) error {
	native, _, err := d.canvas.ComposePartial(img, r, off)
	if err != nil {
		return err
	}
	if !d.canvas.Known {
		return d.refresh(epd.Full, image.Rectangle{})
	}
	return d.refresh(epd.Partial, native)
}

// refresh sends canvas.Next to the panel; native is the byte-aligned
// window of a partial refresh. d.mu is held.
func (d *Dev) refresh(k epd.Refresh, native image.Rectangle) error {
	start := time.Now()
	b0, t0 := d.bus.Sent()
	w0 := d.busy.Waited()
	err := d.run(k, native)
	b1, t1 := d.bus.Sent()
	win := d.canvas.Bounds()
	if k == epd.Partial {
		win = d.canvas.Rot.RectFromNative(native, d.model.Width, d.model.Height)
	}
	d.stats = epd.Stats{Refresh: k, Window: win, Bytes: int(b1 - b0), Transactions: int(t1 - t0),
		Busy: d.busy.Waited() - w0, Elapsed: time.Since(start)}
	if err != nil {
		d.canvas.Known = false
		d.log.Warn("e-paper refresh failed", "panel", d.model.Name, "refresh", k.String(), "err", err)
		return err
	}
	d.canvas.Commit()
	d.log.Debug("e-paper refresh", "panel", d.model.Name, "stats", d.stats.String())
	return nil
}

// run is one operation: wake, init, write, refresh, sleep.
func (d *Dev) run(k epd.Refresh, native image.Rectangle) (err error) {
	// A partial refresh after PreparePartial starts with its RAM writes.
	prepared := d.awake && k == epd.Partial
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
		if err := d.init(k); err != nil {
			return err
		}
	}
	next, shown := d.canvas.Next, d.canvas.Shown
	if k == epd.Partial {
		if err := d.bus.Command(cmdPartialIn); err != nil {
			return err
		}
		if err := d.partialWindow(native); err != nil {
			return err
		}
		if !d.skipOld {
			if err := d.writeData(cmdDataOld, native, shown); err != nil {
				return err
			}
		}
		if err := d.writeData(cmdDataNew, native, next); err != nil {
			return err
		}
	} else {
		all := next.Bounds()
		old := shown
		if !d.canvas.Known {
			// Unknown glass: OLD is NEW's complement, every pixel a change.
			for i, b := range next.Pix {
				d.old.Pix[i] = ^b
			}
			old = d.old
		}
		if err := d.writeData(cmdDataOld, all, old); err != nil {
			return err
		}
		if err := d.writeData(cmdDataNew, all, next); err != nil {
			return err
		}
	}
	if err := d.wait(cmdPowerOn, "power on", d.opts.Timeouts.Command); err != nil {
		return err
	}
	if err := d.wait(cmdRefresh, "display refresh", d.opts.Timeouts.For(k)); err != nil {
		return err
	}
	if k == epd.Partial {
		if err := d.bus.Command(cmdPartialOut); err != nil {
			return err
		}
	}
	if err := d.sleepController(); err != nil {
		return err
	}
	return d.powerOff()
}

// wake powers the panel up if it has a switch and resets the controller.
func (d *Dev) wake() error {
	if d.power != nil {
		if err := d.power.Out(gpio.High); err != nil {
			return fmt.Errorf("uc8179: power pin %s: %w", d.power, err)
		}
		d.sleep(powerSettle)
	}
	return d.hardReset()
}

func (d *Dev) hardReset() error {
	if err := d.rst.Out(gpio.Low); err != nil {
		return fmt.Errorf("uc8179: reset pin %s: %w", d.rst, err)
	}
	d.sleep(resetPulse)
	if err := d.rst.Out(gpio.High); err != nil {
		return fmt.Errorf("uc8179: reset pin %s: %w", d.rst, err)
	}
	d.sleep(resetRecover)
	return nil
}

func (d *Dev) powerOff() error {
	if d.power == nil {
		return nil
	}
	if err := d.power.Out(gpio.Low); err != nil {
		return fmt.Errorf("uc8179: power pin %s: %w", d.power, err)
	}
	return nil
}

// abort leaves the controller asleep after a failed operation, as far as
// it can: a hardware reset stops the refresh (and the charge pump);
// deep sleep only if BUSY then shows idle.
func (d *Dev) abort() {
	d.awake = false
	if err := d.hardReset(); err == nil && d.busy.Wait("reset after an error", d.opts.Timeouts.Command) == nil {
		_ = d.bus.Command(cmdDeepSleep, deepSleepCheck)
	}
	_ = d.powerOff()
}

// Probe checks that the controller answers, without drawing: a hardware
// reset, then the charge pump on (BUSY must go busy and come back) and off,
// and deep sleep. A missing, unpowered or miswired panel fails with an
// error naming the step (kioskctl selftest).
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
	to := d.opts.Timeouts
	if err := d.init(epd.Full); err != nil {
		return err
	}
	if err := d.bus.Command(cmdPowerOn); err != nil {
		return err
	}
	if err := d.busy.WaitPulse("power on", probeStart, to.Command); err != nil {
		return err
	}
	if err := d.sleepController(); err != nil {
		return err
	}
	return d.powerOff()
}

// probeStart bounds the wait for BUSY to fall after power on.
const probeStart = 50 * time.Millisecond
