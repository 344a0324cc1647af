package indicator

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/physic"
)

func TestBuiltinProfilesValid(t *testing.T) {
	if got, want := ProfileNames(), []string{"default", "hk"}; !slices.Equal(got, want) {
		t.Errorf("ProfileNames: got %q, want %q", got, want)
	}
	for _, n := range ProfileNames() {
		p, err := ProfileByName(n)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", n, err)
		}
		if p.Name != n {
			t.Errorf("ProfileByName(%q).Name = %q", n, p.Name)
		}
	}
}

func TestProfileByName(t *testing.T) {
	p, err := ProfileByName("")
	if err != nil || p.Name != ProfileDefault {
		t.Errorf(`ProfileByName(""): got %v, %v; want the default profile`, p, err)
	}
	for _, bad := range []string{"HK", "uk", " default", strings.Repeat("x", 100)} {
		_, err := ProfileByName(bad)
		if err == nil || !strings.Contains(err.Error(), "want one of default, hk") {
			t.Errorf("ProfileByName(%q): got %v, want an error listing the names", bad, err)
		}
		if err != nil && len(err.Error()) > 120 {
			t.Errorf("ProfileByName(%q): error not bounded: %d bytes", bad, len(err.Error()))
		}
	}
	// The result is a copy: changing it leaves the table alone.
	p, _ = ProfileByName(ProfileHK)
	p.Patterns[Green].Steps[0].D = time.Hour
	delete(p.Patterns, Red)
	q, _ := ProfileByName(ProfileHK)
	if q.Patterns[Green].Steps[0].D != 150*time.Millisecond || len(q.Patterns) != int(numSignals)-1 {
		t.Error("changing a returned profile changed the built-in table")
	}
}

func TestRhythm(t *testing.T) {
	on := func(d time.Duration) Step { return Step{Tone: true, Freq: 2 * physic.KiloHertz, D: d} }
	off := func(d time.Duration) Step { return Step{D: d} }
	for _, tt := range []struct {
		name  string
		steps []Step
		want  []time.Duration
	}{
		{"one", []Step{on(100 * ms)}, []time.Duration{100 * ms}},
		{"pitch change is one run", []Step{on(100 * ms), {Tone: true, Freq: 3 * physic.KiloHertz, D: 50 * ms}}, []time.Duration{150 * ms}},
		{"two", []Step{on(100 * ms), off(50 * ms), on(100 * ms)}, []time.Duration{100 * ms, 50 * ms, 100 * ms}},
		{"trailing silence dropped", []Step{on(100 * ms), off(50 * ms)}, []time.Duration{100 * ms}},
		{"leading silence kept", []Step{off(50 * ms), off(20 * ms), on(100 * ms)}, []time.Duration{0, 70 * ms, 100 * ms}},
		{"silent", []Step{off(50 * ms)}, []time.Duration{0}},
		{"lights do not matter", []Step{{Lights: LightRed, Tone: true, Freq: physic.KiloHertz, D: 20 * ms}, {Lights: LightGreen, Tone: true, Freq: physic.KiloHertz, D: 20 * ms}}, []time.Duration{40 * ms}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Pattern{Steps: tt.steps}).Rhythm(); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestDistinctRhythms: within each profile no two signals sound alike to
// someone who cannot tell pitches apart.
func TestDistinctRhythms(t *testing.T) {
	for _, n := range ProfileNames() {
		p, _ := ProfileByName(n)
		seen := map[string]Signal{}
		for _, s := range Signals()[1:] {
			r := fmt.Sprint(p.Patterns[s].Rhythm())
			if o, dup := seen[r]; dup {
				t.Errorf("%s: %v and %v share rhythm %s", n, o, s, r)
			}
			seen[r] = s
		}
	}
}

func TestProfileValidateBad(t *testing.T) {
	mutate := func(f func(p *Profile)) *Profile {
		p, err := ProfileByName(ProfileDefault)
		if err != nil {
			t.Fatal(err)
		}
		f(p)
		return p
	}
	setStep := func(sig Signal, i int, f func(s *Step)) func(p *Profile) {
		return func(p *Profile) {
			pat := p.Patterns[sig]
			f(&pat.Steps[i])
			p.Patterns[sig] = pat
		}
	}
	for _, tt := range []struct {
		name string
		p    *Profile
		want string
	}{
		{"nil", nil, "nil profile"},
		{"no name", mutate(func(p *Profile) { p.Name = "" }), "profile name"},
		{"long name", mutate(func(p *Profile) { p.Name = strings.Repeat("n", 33) }), "profile name"},
		{"missing signal", mutate(func(p *Profile) { delete(p.Patterns, Notice) }), "no pattern for notice"},
		{"idle pattern", mutate(func(p *Profile) { p.Patterns[Idle] = p.Patterns[Green] }), "a pattern for idle"},
		{"unknown signal", mutate(func(p *Profile) { p.Patterns[42] = p.Patterns[Green] }), "a pattern for signal(42)"},
		{"no steps", mutate(func(p *Profile) { p.Patterns[Info] = Pattern{} }), "0 steps"},
		{"too many steps", mutate(func(p *Profile) {
			p.Patterns[Info] = Pattern{Steps: beeps(17, LightAmber, physic.KiloHertz, 20*ms, 20*ms)}
		}), "33 steps"},
		{"step too short", mutate(setStep(Green, 0, func(s *Step) { s.D = ms })), "duration 1ms"},
		{"step too long", mutate(setStep(Green, 0, func(s *Step) { s.D = 6 * time.Second })), "duration 6s"},
		{"tone without pitch", mutate(setStep(Green, 0, func(s *Step) { s.Freq = 0 })), "tone at 0Hz"},
		{"pitch too high", mutate(setStep(Green, 0, func(s *Step) { s.Freq = 20 * physic.KiloHertz })), "tone at 20kHz"},
		{"pitch on silence", mutate(setStep(Amber, 1, func(s *Step) { s.Freq = physic.KiloHertz })), "a pitch (1kHz) on a silent step"},
		{"unknown light", mutate(setStep(Red, 0, func(s *Step) { s.Lights = 0x10 })), "lights 0x10"},
		{"unknown rest light", mutate(func(p *Profile) {
			pat := p.Patterns[Red]
			pat.Rest = 0x40
			p.Patterns[Red] = pat
		}), "rest lights 0x40"},
		{"silent signal", mutate(func(p *Profile) {
			p.Patterns[Info] = Pattern{Steps: []Step{{Lights: LightAmber, D: 100 * ms}}}
		}), "no tone"},
		{"too long", mutate(func(p *Profile) {
			p.Patterns[Fault] = Pattern{Steps: beeps(3, LightRed, physic.KiloHertz, 5*time.Second, 20*ms)}
		}), "lasts 15.04s"},
		// The accessibility rule: signals must differ by rhythm, not pitch.
		{"same rhythm, other pitch", mutate(func(p *Profile) {
			p.Patterns[Amber] = Pattern{Steps: beeps(1, LightAmber, 1000*physic.Hertz, 250*ms, 0), Rest: LightAmber}
		}), "green and amber have the same rhythm"},
		{"same lights", mutate(func(p *Profile) {
			p.Patterns[Amber] = Pattern{Steps: beeps(4, LightGreen, 1000*physic.Hertz, 250*ms, 100*ms), Rest: LightGreen}
		}), "green and amber have the same lights"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate: got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestCustomProfile: New takes a valid custom profile and copies it.
func TestCustomProfile(t *testing.T) {
	p, _ := ProfileByName(ProfileDefault)
	p.Name = "site"
	p.Patterns[Green] = Pattern{Steps: beeps(1, LightGreen, 4*physic.KiloHertz, 60*ms, 0), Rest: LightGreen}
	h := newHarness(t, Opts{Profile: p}, nil)
	p.Patterns[Green].Steps[0].D = time.Second // after New: must not matter
	h.show(Green)
	h.settle()
	diff(t, "timeline", h.tl.take(), []string{"0s green High", "0s buzzer High", "60ms buzzer Low", "3s green Low"})
}

func TestLightsString(t *testing.T) {
	for l, want := range map[Lights]string{0: "off", LightGreen: "green", LightGreen | LightRed: "green+red", 0x80 | LightAmber: "amber+unknown"} {
		if got := l.String(); got != want {
			t.Errorf("Lights(%#x).String() = %q, want %q", uint8(l), got, want)
		}
	}
}
