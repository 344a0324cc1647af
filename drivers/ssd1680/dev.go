package ssd1680

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

// Delays around the hardware reset and the power switch. Waveshare's
// examples hold RST low 2 ms and wait 20 ms after it rises, then poll
// BUSY; the driver holds 10 ms, waits 10 ms and then waits for BUSY.
const (
	resetPulse   = 10 * time.Millisecond
	resetRecover = 10 * time.Millisecond
	powerSettle  = 20 * time.Millisecond
)

// Dev is an SSD1680/SSD1683 panel. Its methods are safe for concurrent
// use; operations run one at a time.
type Dev struct {
	mu     sync.Mutex
	opts   Opts
	model  epd.Model
	bus    *epd.Bus
	busy   *epd.Busy
	rst    gpio.PinOut
	power  gpio.PinOut
	canvas *epd.Canvas
	// ramSync: BW and RED RAM both hold what the panel shows.
	ramSync bool
	// awake: PreparePartial woke the controller and set it up for a
	// partial refresh; it is not in deep sleep.
	awake bool
	buf   []byte
	stats epd.Stats
	log   *slog.Logger

	sleep func(time.Duration) // time.Sleep; tests shorten it
	// skipOldSync leaves RED RAM stale after a partial refresh: the
	// deliberately broken sequence the emulator's ghosting test uses.
	skipOldSync bool
}

var (
	_ display.Drawer = &Dev{}
	_ epd.Panel      = &Dev{}
)

// New connects to the controller on p (mode 0, 8 bits, Opts.SPIHz) and
// returns the panel; nothing is sent until the first refresh. dc selects
// command (low) or data (high); rst resets the controller (low); busy is
// high while the controller works. The SPI driver owns chip select.
func New(p spi.Port, dc, rst gpio.PinOut, busy gpio.PinIn, opts *Opts) (*Dev, error) {
	if p == nil {
		return nil, errors.New("ssd1680: nil SPI port")
	}
	if opts == nil {
		return nil, errors.New("ssd1680: Opts with a Model are required")
	}
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	c, err := p.Connect(o.SPIHz, spi.Mode0, 8)
	if err != nil {
		return nil, fmt.Errorf("ssd1680: %w", err)
	}
	return newDev(c, dc, rst, busy, o)
}

// NewConn is New on an SPI connection already made (mode 0, 8 bits).
func NewConn(c spi.Conn, dc, rst gpio.PinOut, busy gpio.PinIn, opts *Opts) (*Dev, error) {
	if c == nil {
		return nil, errors.New("ssd1680: nil SPI connection")
	}
	if opts == nil {
		return nil, errors.New("ssd1680: Opts with a Model are required")
	}
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	return newDev(c, dc, rst, busy, o)
}

func newDev(c spi.Conn, dc, rst gpio.PinOut, busy gpio.PinIn, o Opts) (*Dev, error) {
	if dc == nil || rst == nil || busy == nil {
		return nil, errors.New("ssd1680: the DC, reset and busy pins are required")
	}
	bus, err := epd.NewBus("ssd1680", c, dc, o.Chunk)
	if err != nil {
		return nil, err
	}
	b, err := epd.NewBusy("ssd1680", busy, gpio.High)
	if err != nil {
		return nil, err
	}
	d := &Dev{
		opts:   o,
		model:  o.Model,
		bus:    bus,
		busy:   b,
		rst:    rst,
		power:  o.Power,
		canvas: epd.NewCanvas("ssd1680", o.Model, o.Rotation),
		log:    o.Logger,
		sleep:  time.Sleep,
	}
	return d, nil
}

// String returns e.g. "ssd1680(waveshare_2in13_v4)".
func (d *Dev) String() string { return "ssd1680(" + d.model.Name + ")" }

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
		return errors.New("ssd1680: nil image")
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
		if err := d.deepSleep(); err != nil {
			return err
		}
	}
	if d.power == nil {
		return nil
	}
	d.ramSync = false
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

// Fast shows img, whose bounds must equal Bounds, with a fast refresh;
// epd.ErrNoFast if the model has none.
func (d *Dev) Fast(img image.Image) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.opts.FastTemperature == 0 {
		return fmt.Errorf("ssd1680: %s: %w", d.model.Name, epd.ErrNoFast)
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
		// What the glass shows is unknown: mode 2 cannot be trusted.
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
		win = d.canvas.Rot.RectFromNative(native.Intersect(d.canvas.Next.Bounds()), d.model.Width, d.model.Height)
	}
	d.stats = epd.Stats{Refresh: k, Window: win, Bytes: int(b1 - b0), Transactions: int(t1 - t0),
		Busy: d.busy.Waited() - w0, Elapsed: time.Since(start)}
	if err != nil {
		d.canvas.Known, d.ramSync = false, false
		d.log.Warn("e-paper refresh failed", "panel", d.model.Name, "refresh", k.String(), "err", err)
		return err
	}
	d.canvas.Commit()
	d.ramSync = d.power == nil // (skipOldSync: wrongly, that is the point)
	d.log.Debug("e-paper refresh", "panel", d.model.Name, "stats", d.stats.String())
	return nil
}

// run is one operation: wake, init, write, update, sleep.
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
	all := image.Rect(0, 0, d.canvas.Next.Stride*8, d.model.Height)
	next, shown := d.canvas.Next, d.canvas.Shown
	var opt byte
	switch k {
	case epd.Full, epd.Fast:
		opt = updFull
		if k == epd.Fast {
			opt = updFast
		}
		if err := d.setWindow(all); err != nil {
			return err
		}
		if err := d.writeRAM(cmdWriteBW, all, next); err != nil {
			return err
		}
		if err := d.writeRAM(cmdWriteRed, all, next); err != nil {
			return err
		}
	case epd.Partial:
		opt = updPartial
		if !d.ramSync {
			// RAM was lost: both RAMs whole, RED what is shown.
			if err := d.setWindow(all); err != nil {
				return err
			}
			if err := d.writeRAM(cmdWriteRed, all, shown); err != nil {
				return err
			}
			if err := d.writeRAM(cmdWriteBW, all, next); err != nil {
				return err
			}
		}
		if err := d.setWindow(native); err != nil {
			return err
		}
		if d.ramSync {
			if err := d.writeRAM(cmdWriteBW, native, next); err != nil {
				return err
			}
		}
	}
	if err := d.update(opt, "display update", d.opts.Timeouts.For(k)); err != nil {
		return err
	}
	if k == epd.Partial && !d.skipOldSync {
		// RED RAM ← the new window: it holds what is shown again.
		if err := d.writeRAM(cmdWriteRed, native, next); err != nil {
			return err
		}
	}
	if err := d.deepSleep(); err != nil {
		return err
	}
	return d.powerOff()
}

// wake powers the panel up if it has a switch and resets the controller.
func (d *Dev) wake() error {
	if d.power != nil {
		if err := d.power.Out(gpio.High); err != nil {
			return fmt.Errorf("ssd1680: power pin %s: %w", d.power, err)
		}
		d.sleep(powerSettle)
	}
	return d.hardReset()
}

func (d *Dev) hardReset() error {
	if err := d.rst.Out(gpio.Low); err != nil {
		return fmt.Errorf("ssd1680: reset pin %s: %w", d.rst, err)
	}
	d.sleep(resetPulse)
	if err := d.rst.Out(gpio.High); err != nil {
		return fmt.Errorf("ssd1680: reset pin %s: %w", d.rst, err)
	}
	d.sleep(resetRecover)
	return nil
}

func (d *Dev) powerOff() error {
	if d.power == nil {
		return nil
	}
	if err := d.power.Out(gpio.Low); err != nil {
		return fmt.Errorf("ssd1680: power pin %s: %w", d.power, err)
	}
	return nil
}

// abort leaves the controller asleep after a failed operation, as far as
// it can: a hardware reset stops whatever it was doing; deep sleep only
// if BUSY then shows idle (a stuck controller takes no command).
func (d *Dev) abort() {
	d.awake = false
	if err := d.hardReset(); err == nil && d.busy.Wait("reset after an error", d.opts.Timeouts.Command) == nil {
		_ = d.deepSleep()
	}
	_ = d.powerOff()
}

// Probe checks that the controller answers, without drawing: a hardware
// reset, a software reset whose BUSY pulse must start and end, then deep
// sleep again. A missing, unpowered or miswired panel fails with an error
// naming the step (kioskctl selftest).
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
	if err := d.busy.Wait("hardware reset", to.Command); err != nil {
		return err
	}
	if err := d.bus.Command(cmdSoftReset); err != nil {
		return err
	}
	if err := d.busy.WaitPulse("software reset", probeStart, to.Command); err != nil {
		return err
	}
	// A software reset restores the registers; the RAM is rewritten whole
	// before the next partial refresh.
	d.ramSync = false
	if err := d.deepSleep(); err != nil {
		return err
	}
	return d.powerOff()
}

// probeStart bounds the wait for BUSY to rise after a software reset.
const probeStart = 50 * time.Millisecond
