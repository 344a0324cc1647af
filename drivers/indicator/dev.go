package indicator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"
)

// Pins are the outputs; nil means not fitted.
type Pins struct {
	Green, Amber, Red gpio.PinOut
	Buzzer            gpio.PinOut
}

// BuzzerKind says how the buzzer is driven.
type BuzzerKind uint8

// Buzzer kinds.
const (
	// ActiveBuzzer has its own oscillator: the pin switches it on and off.
	ActiveBuzzer BuzzerKind = iota
	// PassiveBuzzer is a bare piezo or speaker: the pin drives it with PWM
	// at each step's pitch. If the pin refuses PWM, the driver falls back to
	// on/off and logs it once.
	PassiveBuzzer
)

// DefaultHold is how long a verdict's lights stay on when Opts.Hold is 0.
const DefaultHold = 3 * time.Second

// Bounds on Opts.Hold.
const (
	MinHold = 100 * time.Millisecond
	MaxHold = 10 * time.Minute
)

// InterruptGap is the silence put before a new signal's first tone when it
// interrupts a tone that is sounding, so the two never merge into one
// longer tone and the new rhythm is heard whole. The lights change at once.
const InterruptGap = 40 * time.Millisecond

// Opts configures a Dev. The zero value (or nil) is: the default profile,
// DefaultHold, active-high lights, an active-high active buzzer, never quiet.
type Opts struct {
	Profile *Profile      // nil: the "default" profile
	Hold    time.Duration // lights stay on this long from the start of a signal; 0: DefaultHold

	ActiveLow       Lights // lights wired so that a low pin lights them
	BuzzerActiveLow bool   // the buzzer sounds when its pin is low

	Buzzer BuzzerKind
	// Duty is the PWM duty of a passive buzzer; 0: 50%.
	Duty gpio.Duty

	// Quiet mutes the buzzer during these hours; the lights still show.
	Quiet QuietHours
	// QuietDuty, if not 0, sounds a passive buzzer at this (smaller,
	// quieter) duty during quiet hours instead of muting it. An active
	// buzzer, or a passive one that fell back to on/off, is always muted.
	QuietDuty gpio.Duty
	// Volume sets the buzzer's loudness by time of day; a level of 0
	// mutes it as quiet hours do. The zero value is 100% all day.
	Volume Volume

	// Now reads the clock for quiet hours; nil: time.Now. Quiet hours are
	// read on the clock of the location of the times it returns.
	Now func() time.Time
	// NewTimer starts a timer: c receives once after d unless stop is
	// called first. nil: time.NewTimer. Tests inject a fake.
	NewTimer func(d time.Duration) (c <-chan time.Time, stop func())

	Logger *slog.Logger // nil: slog.Default()
}

// Dev drives lights and a buzzer on GPIO pins. One goroutine owns the pins
// and plays the patterns; Show hands it the newest signal and returns.
type Dev struct {
	pins   [numOut]gpio.PinOut
	opts   Opts
	prof   *Profile
	log    *slog.Logger
	active [numOut]gpio.Level // the level that turns each output on

	mu      sync.Mutex
	pending *request // the newest request not yet taken by the loop
	seq     uint64   // requests submitted
	closed  bool
	poke    chan struct{} // cap 1: "pending changed"
	quit    chan struct{}
	done    chan struct{}

	closeOnce sync.Once
	closeErr  error

	state     atomic.Pointer[State]
	pinErrors atomic.Uint64

	// Owned by the loop goroutine (and by Close once it has ended).
	out         outputs
	failing     [numOut]bool // a write to this pin failed and was logged
	pwmFallback bool
	settled     func(taken uint64) // test hook: the loop waits with no timer
}

// outputs index the pins.
const (
	outGreen = iota
	outAmber
	outRed
	outBuzzer
	numOut
)

var outNames = [numOut]string{"green light", "amber light", "red light", "buzzer"}

// outputs is what the pins show.
type outputs struct {
	lights Lights
	buzz   bool
	freq   physic.Frequency // of a PWM tone; 0 for on/off
}

// request is a signal or a self-test waiting for the loop.
type request struct {
	n     uint64 // sequence number, from 1
	sig   Signal
	test  bool
	reply chan error // cap 1; self-tests only
}

// New returns a Dev driving pins, with all outputs off, and starts its
// goroutine. Close stops it.
func New(pins Pins, opts *Opts) (*Dev, error) {
	return newDev(pins, opts, nil)
}

func newDev(pins Pins, opts *Opts, settled func(uint64)) (*Dev, error) {
	d := &Dev{
		pins:    [numOut]gpio.PinOut{pins.Green, pins.Amber, pins.Red, pins.Buzzer},
		poke:    make(chan struct{}, 1),
		quit:    make(chan struct{}),
		done:    make(chan struct{}),
		settled: settled,
	}
	if opts != nil {
		d.opts = *opts
	}
	if err := d.check(); err != nil {
		return nil, err
	}
	d.log = d.opts.Logger
	if d.log == nil {
		d.log = slog.Default()
	}
	for i := range d.active {
		d.active[i] = gpio.High
	}
	for i, l := range []Lights{LightGreen, LightAmber, LightRed} {
		if d.opts.ActiveLow&l != 0 {
			d.active[i] = gpio.Low
		}
	}
	if d.opts.BuzzerActiveLow {
		d.active[outBuzzer] = gpio.Low
	}
	if err := d.allOff(); err != nil {
		return nil, fmt.Errorf("indicator: setting the pins off: %w", err)
	}
	d.publish(nil)
	go d.run()
	return d, nil
}

// check validates the pins and options and fills in defaults.
func (d *Dev) check() error {
	o := &d.opts
	fitted := false
	names := map[string]int{}
	for i, p := range d.pins {
		if p == nil {
			continue
		}
		fitted = true
		n := p.Name()
		if r, ok := p.(gpio.RealPin); ok { // a gpioreg alias: compare the pin itself
			n = r.Real().Name()
		}
		if n != "" {
			if j, dup := names[n]; dup {
				return fmt.Errorf("indicator: the %s and the %s are both pin %q", outNames[j], outNames[i], n)
			}
			names[n] = i
		}
	}
	if !fitted {
		return errors.New("indicator: no pins fitted (use NewLog for a board without lights)")
	}
	if o.Profile == nil {
		p, err := ProfileByName(ProfileDefault)
		if err != nil {
			return err
		}
		o.Profile = p
	} else {
		if err := o.Profile.Validate(); err != nil {
			return err
		}
		o.Profile = o.Profile.clone() // later changes by the caller do not race the loop
	}
	d.prof = o.Profile
	switch {
	case o.Hold == 0:
		o.Hold = DefaultHold
	case o.Hold < MinHold || o.Hold > MaxHold:
		return fmt.Errorf("indicator: hold %v: want %v to %v", o.Hold, MinHold, MaxHold)
	}
	if o.ActiveLow&^allLights != 0 {
		return fmt.Errorf("indicator: active-low lights %#x: unknown lights", uint8(o.ActiveLow))
	}
	if o.Buzzer != ActiveBuzzer && o.Buzzer != PassiveBuzzer {
		return fmt.Errorf("indicator: buzzer kind %d: want ActiveBuzzer or PassiveBuzzer", o.Buzzer)
	}
	if o.Duty == 0 {
		o.Duty = gpio.DutyHalf
	}
	if o.Duty < 0 || o.Duty > gpio.DutyMax || o.QuietDuty < 0 || o.QuietDuty > o.Duty {
		return fmt.Errorf("indicator: duty %v, quiet duty %v: want 0 <= quiet duty <= duty <= %v", o.Duty, o.QuietDuty, gpio.DutyMax)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NewTimer == nil {
		o.NewTimer = func(d time.Duration) (<-chan time.Time, func()) {
			t := time.NewTimer(d)
			return t.C, func() { t.Stop() }
		}
	}
	return nil
}

// Show implements Indicator. An unknown signal is logged and ignored.
func (d *Dev) Show(sig Signal) {
	if !sig.Valid() {
		d.log.Warn("indicator: unknown signal ignored", "signal", sig.String())
		return
	}
	d.submit(&request{sig: sig})
}

// SelfTest implements Indicator: green, amber and red in turn, then the
// buzzer, each for selfTestStep. It sounds during quiet hours too: a
// technician asked for it.
func (d *Dev) SelfTest(ctx context.Context) error {
	reply := make(chan error, 1)
	if !d.submit(&request{test: true, reply: reply}) {
		return ErrClosed
	}
	select {
	case err := <-reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// submit makes r the pending request, replacing (and so dropping) any older
// one: the newest scan wins.
func (d *Dev) submit(r *request) bool {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return false
	}
	old := d.pending
	d.seq++
	r.n = d.seq
	d.pending = r
	d.mu.Unlock()
	if old != nil && old.reply != nil {
		old.reply <- ErrInterrupted
	}
	select {
	case d.poke <- struct{}{}:
	default:
	}
	return true
}

// take returns and clears the pending request.
func (d *Dev) take() *request {
	d.mu.Lock()
	defer d.mu.Unlock()
	r := d.pending
	d.pending = nil
	return r
}

// State implements Indicator.
func (d *Dev) State() State {
	return *d.state.Load()
}

// Close implements Indicator: it stops the goroutine and turns every output
// off.
func (d *Dev) Close() error {
	d.closeOnce.Do(func() {
		d.mu.Lock()
		d.closed = true
		old := d.pending
		d.pending = nil
		d.mu.Unlock()
		if old != nil && old.reply != nil {
			old.reply <- ErrClosed
		}
		close(d.quit)
		<-d.done
		d.closeErr = d.allOff()
		d.publish(nil)
	})
	return d.closeErr
}

// allOff writes every fitted output off, whatever it shows now.
func (d *Dev) allOff() error {
	var errs []error
	for i, p := range d.pins {
		if p == nil {
			continue
		}
		if err := p.Out(!d.active[i]); err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %w", outNames[i], p.Name(), err))
		}
	}
	d.out = outputs{}
	return errors.Join(errs...)
}

// String implements conn.Resource-like printing.
func (d *Dev) String() string {
	return fmt.Sprintf("indicator(%s)", d.prof.Name)
}
