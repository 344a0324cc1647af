package indicator

import (
	"fmt"
	"slices"
	"time"

	"periph.io/x/conn/v3/physic"
)

// Step is one step of a pattern: these lights, the buzzer on or off, for D.
type Step struct {
	Lights Lights
	Tone   bool
	// Freq is the pitch of a passive (PWM-driven) buzzer; an active buzzer
	// has its own fixed pitch and ignores it. Required when Tone is set,
	// zero otherwise.
	Freq physic.Frequency
	D    time.Duration
}

// Pattern is what a signal looks and sounds like: Steps in order, then Rest
// (lights only, buzzer silent) until the hold time since the start of the
// signal has passed, then idle. A Latch pattern keeps Rest until the next
// signal.
//
// An Overlay pattern sounds over the signal it interrupts rather than
// replacing it: its tones play while that signal's lights stay as they
// are, and then that signal goes on — its lights until its own hold ends,
// or for good when it latches. Its steps' lights show only when it
// interrupts nothing (or idle, or a self-test). Overlays never stack:
// one interrupting another goes over the signal beneath both.
type Pattern struct {
	Steps   []Step
	Rest    Lights
	Latch   bool
	Overlay bool
}

// Duration is the sum of the steps' durations.
func (p Pattern) Duration() time.Duration {
	var d time.Duration
	for _, s := range p.Steps {
		d += s.D
	}
	return d
}

// Rhythm returns the pattern's sound as alternating run lengths, starting
// with a tone: tone, silence, tone, … Adjacent steps with the tone on are
// one run whatever their pitch, so the rhythm is what an active buzzer, or a
// listener who cannot tell pitches apart, hears. Silence before the first
// tone is kept as a leading zero-length tone run; trailing silence is
// dropped.
func (p Pattern) Rhythm() []time.Duration {
	var r []time.Duration
	for _, s := range p.Steps {
		tone := len(r)%2 == 1 // the run being built is a tone run when len(r) is odd
		switch {
		case len(r) == 0 && s.Tone:
			r = append(r, s.D)
		case len(r) == 0:
			r = append(r, 0, s.D)
		case s.Tone == tone:
			r[len(r)-1] += s.D
		default:
			r = append(r, s.D)
		}
	}
	if len(r)%2 == 0 && len(r) > 0 {
		r = r[:len(r)-1] // trailing silence
	}
	return r
}

// lightRuns returns the pattern's light sequence with repeats merged, then
// the rest lights and the latch, as a comparable string.
func (p Pattern) lightRuns() string {
	var runs []Lights
	for _, s := range p.Steps {
		if len(runs) == 0 || runs[len(runs)-1] != s.Lights {
			runs = append(runs, s.Lights)
		}
	}
	return fmt.Sprint(runs, p.Rest, p.Latch, p.Overlay)
}

// Profile is a table of patterns, one per signal other than Idle.
type Profile struct {
	Name     string
	Patterns map[Signal]Pattern
}

// Bounds on profiles.
const (
	MaxSteps      = 32
	MinStep       = 20 * time.Millisecond
	MaxStep       = 5 * time.Second
	MaxPattern    = 10 * time.Second
	MinTone       = 100 * physic.Hertz
	MaxTone       = 10 * physic.KiloHertz
	maxProfileLen = 32
)

// Validate checks the profile against the bounds above and the
// accessibility rules: every signal other than Idle has a pattern with a
// tone, no two signals share a rhythm (so they differ by more than pitch),
// and no two share a light sequence.
func (p *Profile) Validate() error {
	if p == nil {
		return fmt.Errorf("indicator: nil profile")
	}
	if p.Name == "" || len(p.Name) > maxProfileLen {
		return fmt.Errorf("indicator: profile name %q: want 1 to %d bytes", p.Name, maxProfileLen)
	}
	for s := range p.Patterns {
		if !s.Valid() || s == Idle {
			return fmt.Errorf("indicator: profile %q: a pattern for %v: only signals other than idle have patterns", p.Name, s)
		}
	}
	rhythms := map[string]Signal{}
	lights := map[string]Signal{}
	for _, s := range Signals()[1:] {
		pat, ok := p.Patterns[s]
		if !ok {
			return fmt.Errorf("indicator: profile %q: no pattern for %v", p.Name, s)
		}
		if err := pat.validate(); err != nil {
			return fmt.Errorf("indicator: profile %q, signal %v: %w", p.Name, s, err)
		}
		r := fmt.Sprint(pat.Rhythm())
		if o, dup := rhythms[r]; dup {
			return fmt.Errorf("indicator: profile %q: %v and %v have the same rhythm %s; signals must differ by rhythm, not only pitch", p.Name, o, s, r)
		}
		rhythms[r] = s
		l := pat.lightRuns()
		if o, dup := lights[l]; dup {
			return fmt.Errorf("indicator: profile %q: %v and %v have the same lights", p.Name, o, s)
		}
		lights[l] = s
	}
	return nil
}

func (p Pattern) validate() error {
	if len(p.Steps) == 0 || len(p.Steps) > MaxSteps {
		return fmt.Errorf("%d steps, want 1 to %d", len(p.Steps), MaxSteps)
	}
	if p.Rest&^allLights != 0 {
		return fmt.Errorf("rest lights %#x: unknown lights", uint8(p.Rest))
	}
	tone := false
	for i, s := range p.Steps {
		if s.Lights&^allLights != 0 {
			return fmt.Errorf("step %d: lights %#x: unknown lights", i, uint8(s.Lights))
		}
		if s.D < MinStep || s.D > MaxStep {
			return fmt.Errorf("step %d: duration %v, want %v to %v", i, s.D, MinStep, MaxStep)
		}
		switch {
		case s.Tone && (s.Freq < MinTone || s.Freq > MaxTone):
			return fmt.Errorf("step %d: tone at %v, want %v to %v", i, s.Freq, MinTone, MaxTone)
		case !s.Tone && s.Freq != 0:
			return fmt.Errorf("step %d: a pitch (%v) on a silent step", i, s.Freq)
		}
		tone = tone || s.Tone
	}
	if !tone {
		return fmt.Errorf("no tone: every signal must be heard")
	}
	if d := p.Duration(); d > MaxPattern {
		return fmt.Errorf("lasts %v, more than %v", d, MaxPattern)
	}
	if p.Overlay && (p.Latch || p.Rest != 0) {
		return fmt.Errorf("an overlay has no rest lights and does not latch: the signal beneath it keeps its own")
	}
	return nil
}

// clone returns a deep copy, so that callers cannot change the tables.
func (p *Profile) clone() *Profile {
	c := &Profile{Name: p.Name, Patterns: make(map[Signal]Pattern, len(p.Patterns))}
	for s, pat := range p.Patterns {
		pat.Steps = slices.Clone(pat.Steps)
		c.Patterns[s] = pat
	}
	return c
}
