package indicator

import (
	"fmt"
	"strings"
)

// Signal is what the kiosk wants the guard and the visitor to see and hear.
// The daemon maps verdicts to signals; this package knows nothing of passes.
type Signal uint8

// Signals. Idle is the zero value: all lights off, buzzer silent.
const (
	Idle        Signal = iota // nothing to show
	Green                     // admit
	Amber                     // admit with a check (an exemption, a warning)
	Red                       // refuse
	Notice                    // a notice for the holder, e.g. an exposure notice
	Info                      // neutral: scanned, nothing to judge (venue code, unreadable)
	Fault                     // the kiosk itself needs attention; stays until the next signal
	Goodbye                   // neutral: a pass scanned on its way out (a check-out); never a verdict
	VenueNotice               // an exposure notice at this venue: hand out the advice sheet (an overlay)
	numSignals
)

var signalNames = [numSignals]string{"idle", "green", "amber", "red", "notice", "info", "fault", "goodbye", "venue_notice"}

// Signals lists every signal, Idle first.
func Signals() []Signal {
	s := make([]Signal, numSignals)
	for i := range s {
		s[i] = Signal(i)
	}
	return s
}

// Valid reports whether s is one of the signals above.
func (s Signal) Valid() bool { return s < numSignals }

// String returns the signal's lower-case name, or "signal(N)" if unknown.
func (s Signal) String() string {
	if !s.Valid() {
		return fmt.Sprintf("signal(%d)", uint8(s))
	}
	return signalNames[s]
}

// MarshalText implements encoding.TextMarshaler (for /api/state).
func (s Signal) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("indicator: unknown signal %d", uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Signal) UnmarshalText(b []byte) error {
	v, err := ParseSignal(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSignal returns the signal named name (as String gives it).
func ParseSignal(name string) (Signal, error) {
	for i, n := range signalNames {
		if n == name {
			return Signal(i), nil
		}
	}
	if len(name) > 32 {
		name = name[:32] + "…"
	}
	return Idle, fmt.Errorf("indicator: unknown signal %q (want one of %s)", name, strings.Join(signalNames[:], ", "))
}
