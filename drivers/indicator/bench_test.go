package indicator

import (
	"slices"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

// watchPin tells when it is set high.
type watchPin struct {
	*gpiotest.Pin
	high chan struct{}
}

func (p *watchPin) Out(l gpio.Level) error {
	err := p.Pin.Out(l)
	if l == gpio.High {
		select {
		case p.high <- struct{}{}:
		default:
		}
	}
	return err
}

// BenchmarkShowLatency measures the time from Show until the signal's light
// pin is set, alternating green and red so that each Show changes a light.
func BenchmarkShowLatency(b *testing.B) {
	watch := func(n string) *watchPin { return &watchPin{Pin: &gpiotest.Pin{N: n}, high: make(chan struct{}, 1)} }
	g, r := watch("green"), watch("red")
	d, err := New(Pins{Green: g, Red: r, Buzzer: &gpiotest.Pin{N: "buzzer"}}, &Opts{Hold: MaxHold})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		sig, pin := Green, g
		if i%2 == 1 {
			sig, pin = Red, r
		}
		t0 := time.Now()
		d.Show(sig)
		<-pin.high
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
}
