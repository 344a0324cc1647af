package indicator

import (
	"errors"
	"fmt"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"
)

// selfTest pulses each light, then the buzzer.
const selfTestStep = 300 * time.Millisecond

var selfTest = Pattern{Steps: []Step{
	{Lights: LightGreen, D: selfTestStep},
	{Lights: LightAmber, D: selfTestStep},
	{Lights: LightRed, D: selfTestStep},
	{Tone: true, Freq: 2700 * physic.Hertz, D: selfTestStep},
}}

// idle is everything off, until the next signal.
var idle = Pattern{Latch: true}

// play is a pattern being played. Phases: -1 the interrupt gap (if any),
// 0…len(Steps)-1 the steps, len(Steps) the rest, then idle.
type play struct {
	req   *request
	reply chan error // a self-test's, until answered
	pat   Pattern
	hold  time.Duration
	phase int
	gap   time.Duration // the interrupt gap before the first step, if any
	quiet bool
	level int // the volume, percent (Opts.Volume)
	errs  []error

	started time.Time // Opts.Now when it started (its hold counts from then)
	under   *play     // an overlay's: the signal it sounds over, resumed after it
	resumed bool      // taken up again after an overlay: its rest lasts what is left of its hold
}

// finish ends a self-test's wait.
func (p *play) finish(err error) {
	if p.reply != nil {
		p.reply <- err
		p.reply = nil
	}
}

// run is the goroutine that owns the pins.
func (d *Dev) run() {
	defer close(d.done)
	var (
		cur   *play
		taken uint64
		timer <-chan time.Time
		stop  func()
	)
	disarm := func() {
		if stop != nil {
			stop()
		}
		timer, stop = nil, nil
	}
	// enter applies cur's phase and arms the timer for its length.
	enter := func() {
		wait, live := d.enter(cur)
		if !live {
			cur = nil
		}
		if wait > 0 {
			timer, stop = d.opts.NewTimer(wait)
		}
	}
	for {
		if timer == nil && d.settled != nil {
			d.settled(taken)
		}
		select {
		case <-d.quit:
			disarm()
			if cur != nil {
				cur.finish(ErrClosed)
			}
			return
		case <-d.poke:
			r := d.take()
			if r == nil {
				continue
			}
			taken = r.n
			disarm()
			if cur != nil {
				cur.finish(ErrInterrupted)
			}
			cur = d.start(r, cur)
			enter()
		case <-timer:
			timer, stop = nil, nil
			cur.phase++
			enter()
		}
	}
}

// start makes a play of r, which interrupts cur (nil: nothing playing).
func (d *Dev) start(r *request, cur *play) *play {
	p := &play{req: r, reply: r.reply, hold: d.opts.Hold, started: d.opts.Now()}
	switch {
	case r.test:
		p.pat, p.hold = selfTest, 0
	case r.sig == Idle:
		p.pat = idle
	default:
		p.pat = d.prof.Patterns[r.sig]
		now := d.opts.Now()
		p.level = d.opts.Volume.At(now)
		p.quiet = d.opts.Quiet.Contains(now) || p.level == 0
		if p.pat.Overlay && cur != nil {
			if cur.under != nil {
				cur = cur.under // overlays do not stack
			}
			if !cur.req.test && cur.req.sig != Idle {
				p.under = cur
			}
		}
	}
	if d.out.buzz && len(p.pat.Steps) > 0 && p.pat.Steps[0].Tone && d.sounds(p) {
		p.phase, p.gap = -1, InterruptGap
	}
	return p
}

// sounds reports whether p's tones are heard at all.
func (d *Dev) sounds(p *play) bool {
	_, ok := d.duty(p)
	return ok && d.pins[outBuzzer] != nil
}

// duty returns the PWM duty for p's tones and whether they sound.
func (d *Dev) duty(p *play) (gpio.Duty, bool) {
	if !p.quiet {
		if p.level > 0 && p.level < 100 && d.opts.Buzzer == PassiveBuzzer && !d.pwmFallback {
			return scaleDuty(d.opts.Duty, p.level), true
		}
		return d.opts.Duty, true
	}
	if d.opts.Buzzer == PassiveBuzzer && !d.pwmFallback && d.opts.QuietDuty > 0 {
		return d.opts.QuietDuty, true
	}
	return 0, false
}

// enter applies p's phase and returns how long it lasts (0: until the next
// request) and whether p is still playing.
func (d *Dev) enter(p *play) (time.Duration, bool) {
	steps := p.pat.Steps
	// An overlay leaves the lights of the signal beneath as they are.
	lights := func(l Lights) Lights {
		if p.under != nil {
			return d.out.lights
		}
		return l
	}
	for {
		switch {
		case p.phase < 0:
			d.apply(p, lights(steps[0].Lights), false, 0)
			return p.gap, true
		case p.phase < len(steps):
			s := steps[p.phase]
			d.apply(p, lights(s.Lights), s.Tone, s.Freq)
			return s.D, true
		case p.phase == len(steps) && p.under != nil:
			// The overlay is done: the signal beneath goes on, silent,
			// from its rest, for what is left of its hold.
			u := p.under
			*p = *u
			p.phase, p.resumed = len(p.pat.Steps), true
			steps = p.pat.Steps
		case p.phase == len(steps):
			if p.pat.Latch {
				d.apply(p, p.pat.Rest, false, 0)
				return 0, true
			}
			rest := p.hold - p.gap - p.pat.Duration()
			if p.resumed {
				rest = p.hold - d.opts.Now().Sub(p.started)
			}
			if rest > 0 {
				d.apply(p, p.pat.Rest, false, 0)
				return rest, true
			}
			p.phase++
		default:
			d.apply(p, 0, false, 0)
			p.finish(errors.Join(p.errs...))
			d.publish(nil)
			return 0, false
		}
	}
}

// apply sets the outputs, lights first: the scan path's latency is measured
// to the light. Only outputs that change are written.
func (d *Dev) apply(p *play, lights Lights, tone bool, f physic.Frequency) {
	for i, l := range [...]Lights{LightGreen, LightAmber, LightRed} {
		on := lights&l != 0
		if d.pins[i] == nil || on == (d.out.lights&l != 0) {
			continue
		}
		if d.write(p, i, on) {
			d.out.lights ^= l
		}
	}
	if d.pins[outBuzzer] != nil {
		duty, ok := d.duty(p)
		d.buzz(p, tone && ok, f, duty)
	}
	d.publish(p)
}

// buzz turns the buzzer on at pitch f (when PWM-driven) or off.
func (d *Dev) buzz(p *play, on bool, f physic.Frequency, duty gpio.Duty) {
	pin := d.pins[outBuzzer]
	switch {
	case !on:
		if d.out.buzz && d.write(p, outBuzzer, false) {
			d.out.buzz, d.out.freq = false, 0
		}
		return
	case d.opts.Buzzer == PassiveBuzzer && !d.pwmFallback:
		if d.out.buzz && d.out.freq == f {
			return
		}
		if d.active[outBuzzer] == gpio.Low {
			duty = gpio.DutyMax - duty
		}
		err := pin.PWM(duty, f)
		if err == nil {
			d.out.buzz, d.out.freq = true, f
			return
		}
		d.pwmFallback = true
		d.log.Warn("indicator: buzzer pin refuses PWM; driving it on/off instead", "pin", pin.Name(), "err", err)
		d.out.buzz = false // the PWM state is unknown: write the level
	}
	if !d.out.buzz && d.write(p, outBuzzer, true) {
		d.out.buzz, d.out.freq = true, 0
	}
}

// write sets output i on or off. A failure is counted, kept for a
// self-test's result and logged once until the pin works again.
func (d *Dev) write(p *play, i int, on bool) bool {
	l := d.active[i]
	if !on {
		l = !l
	}
	err := d.pins[i].Out(l)
	if err == nil {
		d.failing[i] = false
		return true
	}
	d.pinErrors.Add(1)
	if p != nil && len(p.errs) < 8 {
		p.errs = append(p.errs, fmt.Errorf("%s %s: %w", outNames[i], d.pins[i].Name(), err))
	}
	if !d.failing[i] {
		d.failing[i] = true
		d.log.Warn("indicator: pin write failed", "output", outNames[i], "pin", d.pins[i].Name(), "err", err)
	}
	return false
}

// publish stores the state for State.
func (d *Dev) publish(p *play) {
	s := State{
		Green:       d.out.lights&LightGreen != 0,
		Amber:       d.out.lights&LightAmber != 0,
		Red:         d.out.lights&LightRed != 0,
		Buzzer:      d.out.buzz,
		ToneHz:      int64(d.out.freq / physic.Hertz),
		PWMFallback: d.pwmFallback,
		PinErrors:   d.pinErrors.Load(),
	}
	if p != nil {
		s.Signal, s.SelfTest = p.req.sig, p.req.test
		_, heard := d.duty(p)
		s.Muted = p.quiet && !heard && d.pins[outBuzzer] != nil
	}
	d.state.Store(&s)
}
