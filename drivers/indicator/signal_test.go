package indicator

import (
	"strings"
	"testing"
)

func TestSignalNames(t *testing.T) {
	want := []string{"idle", "green", "amber", "red", "notice", "info", "fault", "goodbye", "venue_notice"}
	sigs := Signals()
	if len(sigs) != len(want) {
		t.Fatalf("Signals: got %d, want %d", len(sigs), len(want))
	}
	for i, s := range sigs {
		if got := s.String(); got != want[i] {
			t.Errorf("Signal(%d).String() = %q, want %q", i, got, want[i])
		}
		p, err := ParseSignal(want[i])
		if err != nil || p != s {
			t.Errorf("ParseSignal(%q) = %v, %v; want %v", want[i], p, err, s)
		}
		b, err := s.MarshalText()
		if err != nil || string(b) != want[i] {
			t.Errorf("%v.MarshalText() = %q, %v", s, b, err)
		}
		var u Signal
		if err := u.UnmarshalText(b); err != nil || u != s {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", b, u, err, s)
		}
	}
	if got, want := Signal(12).String(), "signal(12)"; got != want {
		t.Errorf("String of an unknown signal: got %q, want %q", got, want)
	}
}

func TestParseSignalBad(t *testing.T) {
	for _, in := range []string{"", "Green", "GREEN", "green ", "ok", "signal(1)", strings.Repeat("r", 500)} {
		_, err := ParseSignal(in)
		if err == nil || !strings.Contains(err.Error(), "want one of idle, green, amber, red, notice, info, fault, goodbye, venue_notice") {
			t.Errorf("ParseSignal(%.20q): got %v, want an error listing the names", in, err)
		}
		if err != nil && len(err.Error()) > 150 {
			t.Errorf("ParseSignal: error not bounded: %d bytes", len(err.Error()))
		}
		var s Signal
		if err := s.UnmarshalText([]byte(in)); err == nil {
			t.Errorf("UnmarshalText(%.20q): no error", in)
		}
	}
	if _, err := Signal(200).MarshalText(); err == nil {
		t.Error("MarshalText of an unknown signal: no error")
	}
}
