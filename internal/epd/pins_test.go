package epd

import (
	"strings"
	"testing"

	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

func TestOpenPins(t *testing.T) {
	for i, n := range []string{"EPDT_DC", "EPDT_RST", "EPDT_BUSY", "EPDT_PWR"} {
		if err := gpioreg.Register(&gpiotest.Pin{N: n, Num: 900 + i}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = gpioreg.Unregister(n) })
	}
	p, err := OpenPins(PinNames{DC: "EPDT_DC", Reset: "EPDT_RST", Busy: "EPDT_BUSY"})
	if err != nil {
		t.Fatal(err)
	}
	if p.DC.Name() != "EPDT_DC" || p.Reset.Name() != "EPDT_RST" || p.Busy.Name() != "EPDT_BUSY" || p.Power != nil {
		t.Errorf("OpenPins = %v %v %v %v", p.DC, p.Reset, p.Busy, p.Power)
	}
	p, err = OpenPins(PinNames{DC: "EPDT_DC", Reset: "EPDT_RST", Busy: "EPDT_BUSY", Power: "none"})
	if err != nil || p.Power != nil {
		t.Errorf(`OpenPins with power "none" = %v, %v; want no power pin`, p.Power, err)
	}
	p, err = OpenPins(PinNames{DC: "EPDT_DC", Reset: "EPDT_RST", Busy: "EPDT_BUSY", Power: "EPDT_PWR"})
	if err != nil || p.Power == nil || p.Power.Name() != "EPDT_PWR" {
		t.Errorf("OpenPins with power = %v, %v", p.Power, err)
	}
	for _, tt := range []struct {
		n    PinNames
		want string
	}{
		{PinNames{Reset: "EPDT_RST", Busy: "EPDT_BUSY"}, "DC pin: no name"},
		{PinNames{DC: "EPDT_NOPE", Reset: "EPDT_RST", Busy: "EPDT_BUSY"}, `DC pin "EPDT_NOPE": no such GPIO`},
		{PinNames{DC: "EPDT_DC", Reset: "EPDT_DC", Busy: "EPDT_BUSY"}, "also the DC pin"},
		{PinNames{DC: "EPDT_DC", Reset: "EPDT_RST", Busy: "EPDT_GONE"}, `busy pin "EPDT_GONE"`},
		{PinNames{DC: "EPDT_DC", Reset: "EPDT_RST", Busy: "EPDT_BUSY", Power: "EPDT_BUSY"}, "also the busy pin"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			if _, err := OpenPins(tt.n); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("OpenPins(%+v) error = %v, want %q", tt.n, err, tt.want)
			}
		})
	}
}
