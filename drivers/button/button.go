package button

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpioreg"
)

// Defaults and bounds of Opts.Debounce.
const (
	DefaultDebounce = 30 * time.Millisecond
	MinDebounce     = 5 * time.Millisecond
	MaxDebounce     = 500 * time.Millisecond
)

// poll is the longest Run waits for an edge before looking at ctx again.
const poll = 250 * time.Millisecond

// Opts configures a Dev. A nil *Opts is the default: active low with the
// pull-up, DefaultDebounce.
type Opts struct {
	// ActiveHigh says the button pulls the pin high (to 3.3 V); the
	// pull-down is used. Default: the button pulls it to ground.
	ActiveHigh bool
	// Debounce is how long a press must hold to count; 0: DefaultDebounce.
	Debounce time.Duration
}

// Dev is a push button.
type Dev struct {
	p       gpio.PinIn
	active  gpio.Level
	opts    Opts
	presses atomic.Uint64
	// sleep waits d or until ctx ends (tests replace it).
	sleep func(ctx context.Context, d time.Duration)
	// now reads the clock for long presses (tests replace it).
	now func() time.Time
}

// New configures p as an input with the pull that keeps it idle and edge
// detection on both edges.
func New(p gpio.PinIn, opts *Opts) (*Dev, error) {
	if p == nil {
		return nil, errors.New("button: no pin")
	}
	var o Opts
	if opts != nil {
		o = *opts
	}
	if o.Debounce == 0 {
		o.Debounce = DefaultDebounce
	}
	if o.Debounce < MinDebounce || o.Debounce > MaxDebounce {
		return nil, fmt.Errorf("button: debounce %v: want %v to %v", o.Debounce, MinDebounce, MaxDebounce)
	}
	d := &Dev{p: p, active: gpio.Low, opts: o, sleep: sleepCtx, now: time.Now}
	pull := gpio.PullUp
	if o.ActiveHigh {
		d.active, pull = gpio.High, gpio.PullDown
	}
	if err := p.In(pull, gpio.BothEdges); err != nil {
		return nil, fmt.Errorf("button: %s: %w", p, err)
	}
	return d, nil
}

// Lookup finds the pin called name in gpioreg ("GPIO16"); host.Init must
// have run.
func Lookup(name string) (gpio.PinIn, error) {
	if name == "" || len(name) > 64 {
		return nil, fmt.Errorf("button: pin name %q: want 1 to 64 bytes", name)
	}
	p := gpioreg.ByName(name)
	if p == nil {
		return nil, fmt.Errorf("button: pin %q: no such GPIO pin is registered", name)
	}
	return p, nil
}

// Presses returns how many presses Run has seen.
func (d *Dev) Presses() uint64 { return d.presses.Load() }

// Run calls pressed, on Run's goroutine, once per press until ctx ends.
func (d *Dev) Run(ctx context.Context, pressed func()) error {
	for ctx.Err() == nil {
		if !d.p.WaitForEdge(poll) || d.p.Read() != d.active {
			continue
		}
		// A bounce or a spike ends within the debounce time.
		d.sleep(ctx, d.opts.Debounce)
		if ctx.Err() != nil {
			break
		}
		if d.p.Read() != d.active {
			continue
		}
		d.presses.Add(1)
		pressed()
		// One press until released.
		for ctx.Err() == nil && d.p.Read() == d.active {
			d.p.WaitForEdge(poll)
		}
	}
	return ctx.Err()
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
