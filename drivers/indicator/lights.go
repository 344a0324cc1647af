package indicator

import "strings"

// Lights is a set of lights, as a bit mask.
type Lights uint8

// The lights.
const (
	LightGreen Lights = 1 << iota
	LightAmber
	LightRed

	allLights = LightGreen | LightAmber | LightRed
)

// String lists the lights that are on, e.g. "green+red", or "off".
func (l Lights) String() string {
	if l == 0 {
		return "off"
	}
	var parts []string
	for i, n := range [...]string{"green", "amber", "red"} {
		if l&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	if l&^allLights != 0 {
		parts = append(parts, "unknown")
	}
	return strings.Join(parts, "+")
}

// State is what an indicator shows now, for the local page. It holds no
// personal data.
type State struct {
	Signal   Signal `json:"signal"`              // the signal being shown; Idle when nothing is
	SelfTest bool   `json:"self_test,omitempty"` // a self-test is running
	Green    bool   `json:"green"`
	Amber    bool   `json:"amber"`
	Red      bool   `json:"red"`
	Buzzer   bool   `json:"buzzer"`            // sounding now
	ToneHz   int64  `json:"tone_hz,omitempty"` // pitch of a passive buzzer while it sounds
	Muted    bool   `json:"muted,omitempty"`   // quiet hours: this signal is shown without sound
	// PWMFallback is set once a passive buzzer's pin refused PWM: the
	// buzzer is then switched on and off like an active one.
	PWMFallback bool   `json:"pwm_fallback,omitempty"`
	PinErrors   uint64 `json:"pin_errors,omitempty"` // failed pin writes since start
}

// Lights returns the lights that are on as a set.
func (s State) Lights() Lights {
	var l Lights
	if s.Green {
		l |= LightGreen
	}
	if s.Amber {
		l |= LightAmber
	}
	if s.Red {
		l |= LightRed
	}
	return l
}
