package indicator

import (
	"testing"
	"time"
)

// TestPatternExact plays each verdict signal of both profiles on recording
// gpiotest pins and checks every pin write and when it happened.
func TestPatternExact(t *testing.T) {
	for _, tt := range []struct {
		profile string
		buzzer  BuzzerKind
		sig     Signal
		want    []string
	}{
		{ProfileDefault, ActiveBuzzer, Green, []string{
			"0s green High", "0s buzzer High", "250ms buzzer Low",
			"3s green Low"}},
		{ProfileDefault, ActiveBuzzer, Amber, []string{
			"0s amber High", "0s buzzer High", "200ms buzzer Low", "350ms buzzer High", "550ms buzzer Low",
			"3s amber Low"}},
		{ProfileDefault, ActiveBuzzer, Red, []string{
			"0s red High", "0s buzzer High", "400ms buzzer Low", "600ms buzzer High", "1s buzzer Low",
			"1.2s buzzer High", "1.6s buzzer Low",
			"3s red Low"}},
		{ProfileDefault, ActiveBuzzer, Notice, []string{
			"0s amber High", "0s buzzer High",
			"100ms amber Low", "100ms buzzer Low",
			"200ms amber High", "200ms buzzer High",
			"300ms amber Low", "300ms buzzer Low",
			"400ms amber High", "400ms buzzer High", "900ms buzzer Low",
			"3s amber Low"}},
		{ProfileDefault, ActiveBuzzer, Info, []string{
			"0s amber High", "0s buzzer High", "40ms amber Low", "40ms buzzer Low"}},
		{ProfileDefault, ActiveBuzzer, Fault, []string{ // latched: nothing goes off
			"0s red High", "0s buzzer High",
			"250ms amber High", "250ms red Low",
			"500ms amber Low", "500ms red High",
			"750ms amber High", "750ms red Low",
			"1s red High", "1s buzzer Low"}},
		{ProfileHK, ActiveBuzzer, Green, []string{ // two tones
			"0s green High", "0s buzzer High", "150ms buzzer Low", "250ms buzzer High", "400ms buzzer Low",
			"3s green Low"}},
		{ProfileHK, ActiveBuzzer, Amber, []string{ // one beep
			"0s amber High", "0s buzzer High", "300ms buzzer Low",
			"3s amber Low"}},
		{ProfileHK, ActiveBuzzer, Red, []string{ // five tones
			"0s red High", "0s buzzer High", "120ms buzzer Low",
			"200ms buzzer High", "320ms buzzer Low",
			"400ms buzzer High", "520ms buzzer Low",
			"600ms buzzer High", "720ms buzzer Low",
			"800ms buzzer High", "920ms buzzer Low",
			"3s red Low"}},
		{ProfileHK, PassiveBuzzer, Green, []string{
			"0s green High", "0s buzzer PWM 50% 2kHz", "150ms buzzer Low",
			"250ms buzzer PWM 50% 2.500kHz", "400ms buzzer Low",
			"3s green Low"}},
		{ProfileHK, PassiveBuzzer, Amber, []string{
			"0s amber High", "0s buzzer PWM 50% 2kHz", "300ms buzzer Low",
			"3s amber Low"}},
		{ProfileDefault, PassiveBuzzer, Red, []string{
			"0s red High", "0s buzzer PWM 50% 1.500kHz", "400ms buzzer Low",
			"600ms buzzer PWM 50% 1.500kHz", "1s buzzer Low",
			"1.2s buzzer PWM 50% 1.500kHz", "1.6s buzzer Low",
			"3s red Low"}},
	} {
		kind := map[BuzzerKind]string{ActiveBuzzer: "active", PassiveBuzzer: "passive"}[tt.buzzer]
		t.Run(tt.profile+"/"+kind+"/"+tt.sig.String(), func(t *testing.T) {
			p, err := ProfileByName(tt.profile)
			if err != nil {
				t.Fatal(err)
			}
			h := newHarness(t, Opts{Profile: p, Buzzer: tt.buzzer}, nil)
			h.show(tt.sig)
			h.settle()
			diff(t, "timeline", h.tl.take(), tt.want)
			if got, want := h.clk.live(), 0; got != want {
				t.Errorf("live timers after the pattern: got %d, want %d", got, want)
			}
		})
	}
}

// expand writes out a pattern as the pin writes it should cause, from the
// profile data alone: only changes, lights in green, amber, red order, then
// the buzzer; the signal's lights off at the hold time.
func expand(p Pattern, hold time.Duration) []string {
	var (
		out  []string
		at   time.Duration
		cur  Lights
		buzz bool
	)
	names := []string{"green", "amber", "red"}
	set := func(l Lights, tone bool) {
		for i, n := range names {
			bit := Lights(1 << i)
			if l&bit != cur&bit {
				lvl := "Low"
				if l&bit != 0 {
					lvl = "High"
				}
				out = append(out, at.String()+" "+n+" "+lvl)
			}
		}
		cur = l
		if tone != buzz {
			lvl := "Low"
			if tone {
				lvl = "High"
			}
			out = append(out, at.String()+" buzzer "+lvl)
			buzz = tone
		}
	}
	for _, s := range p.Steps {
		set(s.Lights, s.Tone)
		at += s.D
	}
	if p.Latch || at < hold { // a pattern longer than the hold has no rest
		set(p.Rest, false)
	}
	if !p.Latch {
		at = max(at, hold)
		set(0, false)
	}
	return out
}

// TestPatternFromTable plays every signal of every built-in profile with a
// hold time of 1s and checks it against the profile's own table.
func TestPatternFromTable(t *testing.T) {
	hold := time.Second
	for _, name := range ProfileNames() {
		p, err := ProfileByName(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, sig := range Signals()[1:] {
			t.Run(name+"/"+sig.String(), func(t *testing.T) {
				h := newHarness(t, Opts{Profile: p, Hold: hold}, nil)
				h.show(sig)
				h.settle()
				diff(t, "timeline", h.tl.take(), expand(p.Patterns[sig], hold))
				st := h.dev.State()
				want := Idle
				if p.Patterns[sig].Latch {
					want = sig
				}
				if st.Signal != want || st.Buzzer {
					t.Errorf("State after the pattern: got signal %v, buzzer %v; want %v, false", st.Signal, st.Buzzer, want)
				}
			})
		}
	}
}

// TestHKCounts checks the counts guards in Hong Kong know: two tones to
// admit, one for an exemption, five to refuse.
func TestHKCounts(t *testing.T) {
	p, err := ProfileByName(ProfileHK)
	if err != nil {
		t.Fatal(err)
	}
	for sig, want := range map[Signal]int{Green: 2, Amber: 1, Red: 5} {
		r := p.Patterns[sig].Rhythm()
		if got := (len(r) + 1) / 2; got != want {
			t.Errorf("hk %v: got %d tones (rhythm %v), want %d", sig, got, r, want)
		}
	}
}
