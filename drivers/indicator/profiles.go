package indicator

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"periph.io/x/conn/v3/physic"
)

// Profile names.
const (
	ProfileDefault = "default"
	ProfileHK      = "hk"
)

const ms = time.Millisecond

// beeps returns n tones of on each, separated by off, with lights l throughout.
func beeps(n int, l Lights, f physic.Frequency, on, off time.Duration) []Step {
	var s []Step
	for i := range n {
		if i > 0 {
			s = append(s, Step{Lights: l, D: off})
		}
		s = append(s, Step{Lights: l, Tone: true, Freq: f, D: on})
	}
	return s
}

// Shared by both profiles: signals the guards do not already know a sound for.
var (
	// Notice: short, short, long, with the amber light flashing in time.
	notice = Pattern{Steps: []Step{
		{Lights: LightAmber, Tone: true, Freq: 2200 * physic.Hertz, D: 100 * ms},
		{D: 100 * ms},
		{Lights: LightAmber, Tone: true, Freq: 2200 * physic.Hertz, D: 100 * ms},
		{D: 100 * ms},
		{Lights: LightAmber, Tone: true, Freq: 2200 * physic.Hertz, D: 500 * ms},
	}, Rest: LightAmber}
	// Info: one tick and an amber blink; nothing stays lit.
	info = Pattern{Steps: []Step{
		{Lights: LightAmber, Tone: true, Freq: 3200 * physic.Hertz, D: 40 * ms},
	}}
	// Fault: one long low tone, red and amber alternating, then both lit
	// until the next signal.
	fault = Pattern{Steps: []Step{
		{Lights: LightRed, Tone: true, Freq: 800 * physic.Hertz, D: 250 * ms},
		{Lights: LightAmber, Tone: true, Freq: 800 * physic.Hertz, D: 250 * ms},
		{Lights: LightRed, Tone: true, Freq: 800 * physic.Hertz, D: 250 * ms},
		{Lights: LightAmber, Tone: true, Freq: 800 * physic.Hertz, D: 250 * ms},
	}, Rest: LightRed | LightAmber, Latch: true}
	// Goodbye: a long and a short tone, falling, with green and amber lit
	// together (no verdict lights them so) and nothing lit after: a pass
	// leaving is neither admitted nor refused.
	goodbye = Pattern{Steps: []Step{
		{Lights: LightGreen | LightAmber, Tone: true, Freq: 2400 * physic.Hertz, D: 300 * ms},
		{Lights: LightGreen | LightAmber, D: 100 * ms},
		{Lights: LightGreen | LightAmber, Tone: true, Freq: 1800 * physic.Hertz, D: 120 * ms},
	}}
	// VenueNotice: four quick high chirps after the verdict's own signal,
	// over its lights (an overlay): the venue has an exposure notice, so
	// the guard hands this visitor the printed advice. On its own it
	// blinks amber with each chirp.
	venueNotice = Pattern{Steps: []Step{
		{Lights: LightAmber, Tone: true, Freq: 3000 * physic.Hertz, D: 60 * ms},
		{D: 60 * ms},
		{Lights: LightAmber, Tone: true, Freq: 3000 * physic.Hertz, D: 60 * ms},
		{D: 60 * ms},
		{Lights: LightAmber, Tone: true, Freq: 3000 * physic.Hertz, D: 60 * ms},
		{D: 60 * ms},
		{Lights: LightAmber, Tone: true, Freq: 3000 * physic.Hertz, D: 60 * ms},
	}, Overlay: true}
)

// profiles are the built-in tables. Pitches suit a common piezo buzzer
// (loudest near 2–4 kHz); lower pitches for bad news.
var profiles = map[string]*Profile{
	// default: one beep to admit, two to check, three long ones to refuse.
	ProfileDefault: {Name: ProfileDefault, Patterns: map[Signal]Pattern{
		Green:       {Steps: beeps(1, LightGreen, 2700*physic.Hertz, 250*ms, 0), Rest: LightGreen},
		Amber:       {Steps: beeps(2, LightAmber, 2200*physic.Hertz, 200*ms, 150*ms), Rest: LightAmber},
		Red:         {Steps: beeps(3, LightRed, 1500*physic.Hertz, 400*ms, 200*ms), Rest: LightRed},
		Notice:      notice,
		Info:        info,
		Fault:       fault,
		Goodbye:     goodbye,
		VenueNotice: venueNotice,
	}},
	// hk: the sounds of the Hong Kong government's verification scanner
	// that guards already know: two tones to admit, one beep for an
	// exemption, five tones to refuse. The counts follow that scanner; the
	// pitches and lengths are this kiosk's choice.
	ProfileHK: {Name: ProfileHK, Patterns: map[Signal]Pattern{
		Green: {Steps: []Step{
			{Lights: LightGreen, Tone: true, Freq: 2000 * physic.Hertz, D: 150 * ms},
			{Lights: LightGreen, D: 100 * ms},
			{Lights: LightGreen, Tone: true, Freq: 2500 * physic.Hertz, D: 150 * ms},
		}, Rest: LightGreen},
		Amber:       {Steps: beeps(1, LightAmber, 2000*physic.Hertz, 300*ms, 0), Rest: LightAmber},
		Red:         {Steps: beeps(5, LightRed, 1500*physic.Hertz, 120*ms, 80*ms), Rest: LightRed},
		Notice:      notice,
		Info:        info,
		Fault:       fault,
		Goodbye:     goodbye,
		VenueNotice: venueNotice,
	}},
}

// ProfileNames lists the built-in profiles, sorted.
func ProfileNames() []string {
	n := make([]string, 0, len(profiles))
	for k := range profiles {
		n = append(n, k)
	}
	slices.Sort(n)
	return n
}

// ProfileByName returns a copy of the built-in profile called name; ""
// means "default".
func ProfileByName(name string) (*Profile, error) {
	if name == "" {
		name = ProfileDefault
	}
	p, ok := profiles[name]
	if !ok {
		if len(name) > maxProfileLen {
			name = name[:maxProfileLen] + "…"
		}
		return nil, fmt.Errorf("indicator: unknown profile %q (want one of %s)", name, strings.Join(ProfileNames(), ", "))
	}
	return p.clone(), nil
}
