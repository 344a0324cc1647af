package indicator

import (
	"errors"
	"strings"
	"testing"

	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

// register adds gpiotest pins to gpioreg for the test.
func register(t *testing.T, names ...string) {
	t.Helper()
	for i, n := range names {
		if err := gpioreg.Register(&gpiotest.Pin{N: n, Num: 9000 + i}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { gpioreg.Unregister(n) })
	}
}

func TestLookup(t *testing.T) {
	register(t, "VKTEST_G", "VKTEST_A", "VKTEST_R", "VKTEST_B")
	if err := gpioreg.RegisterAlias("VKTEST_ALIAS", "VKTEST_G"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gpioreg.Unregister("VKTEST_ALIAS") })

	p, err := Lookup(PinNames{Green: "VKTEST_G", Amber: "VKTEST_A", Red: "VKTEST_R", Buzzer: "VKTEST_B"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ got, want string }{
		{p.Green.Name(), "VKTEST_G"}, {p.Amber.Name(), "VKTEST_A"}, {p.Red.Name(), "VKTEST_R"}, {p.Buzzer.Name(), "VKTEST_B"},
	} {
		t.Run(c.want, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got pin %q, want %q", c.got, c.want)
			}
		})
	}
	d, err := New(p, nil)
	if err != nil {
		t.Fatalf("New on looked-up pins: %v", err)
	}
	d.Close()

	p, err = Lookup(PinNames{Red: "VKTEST_R"})
	if err != nil || p.Green != nil || p.Amber != nil || p.Buzzer != nil || p.Red == nil {
		t.Errorf("Lookup with only red: got %+v, %v", p, err)
	}

	// An alias of a pin already used is the same pin: New refuses it.
	p, err = Lookup(PinNames{Green: "VKTEST_G", Red: "VKTEST_ALIAS"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(p, nil); err == nil || !strings.Contains(err.Error(), `both pin "VKTEST_G"`) {
		t.Errorf("New with a pin and its alias: got %v, want a duplicate-pin error", err)
	}
}

func TestLookupBad(t *testing.T) {
	register(t, "VKTEST_G2")
	for _, tt := range []struct {
		name   string
		in     PinNames
		output string
		pin    string
		reason string
	}{
		{"unknown red", PinNames{Green: "VKTEST_G2", Red: "GPIO999"}, "red light", "GPIO999", "no such GPIO pin"},
		{"unknown buzzer", PinNames{Buzzer: "nope"}, "buzzer", "nope", "no such GPIO pin"},
		{"case matters", PinNames{Amber: "vktest_g2"}, "amber light", "vktest_g2", "no such GPIO pin"},
		{"same name twice", PinNames{Green: "VKTEST_G2", Buzzer: "VKTEST_G2"}, "buzzer", "VKTEST_G2", "also configured for the green light"},
		{"too long", PinNames{Green: strings.Repeat("G", 65)}, "green light", strings.Repeat("G", 64) + "…", "longer than 64"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Lookup(tt.in)
			var pe *PinError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *PinError", err)
			}
			if pe.Output != tt.output || pe.Name != tt.pin || !strings.Contains(pe.Reason, tt.reason) {
				t.Errorf("got %+v, want output %q, pin %q, reason containing %q", pe, tt.output, tt.pin, tt.reason)
			}
			if !strings.Contains(err.Error(), tt.output+" pin \""+tt.pin+"\"") {
				t.Errorf("message %q does not name the output and the pin", err)
			}
		})
	}
	if _, err := Lookup(PinNames{}); err != nil {
		t.Errorf("Lookup of nothing: %v", err)
	}
}
