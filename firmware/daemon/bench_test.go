package daemon_test

import (
	"context"
	"net"
	"slices"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"

	"github.com/venuekiosk/venuekiosk/drivers/indicator"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/firmware/sim"
)

// signalPin is a light whose rising edges are timestamped.
type signalPin struct {
	gpiotest.Pin
	lit chan time.Time
}

func (p *signalPin) Out(l gpio.Level) error {
	if l == gpio.High {
		select {
		case p.lit <- time.Now():
		default:
		}
	}
	return p.Pin.Out(l)
}

// BenchmarkScanToLights measures, over 1,000 scans through the simulated
// kiosk, the time from the last byte of a payload written to the scanner's
// pseudo-terminal until the indicator driver sets the verdict's light pin:
// framing by the serial driver, the scan flow, verification (signature
// included) and the indicator's goroutine. Green and red samples alternate
// so that every scan changes a pin.
func BenchmarkScanToLights(b *testing.B) {
	cfg := config.Default()
	cfg.Kiosk.StateDir = b.TempDir()
	cfg.Kiosk.Listen = ""
	hw, s, err := sim.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	lit := make(chan time.Time, 1)
	pin := func(n string) *signalPin { return &signalPin{Pin: gpiotest.Pin{N: n}, lit: lit} }
	opts, _ := daemon.IndicatorOpts(cfg)
	ind, err := indicator.New(indicator.Pins{Green: pin("G"), Amber: pin("A"), Red: pin("R")}, opts)
	if err != nil {
		b.Fatal(err)
	}
	hw.Indicator = ind
	var green, red string
	for _, sm := range s.Samples.Samples {
		switch {
		case sm.Expect == "green" && green == "":
			green = sm.Payload
		case sm.Expect == "red" && red == "" && sm.Reason != "":
			red = sm.Payload
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- daemon.Run(ctx, cfg, hw, func(net.Addr) { close(ready) }) }()
	defer func() { cancel(); <-done }()
	select {
	case <-ready:
	case err := <-done:
		b.Fatal(err)
	}
	// Wait for the scanner to connect.
	time.Sleep(300 * time.Millisecond)

	scans := max(b.N, 1000) // percentiles over at least 1,000 scans
	lat := make([]time.Duration, 0, scans)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < scans; i++ {
		p := green
		if i%2 == 1 {
			p = red
		}
		// Drain a stale edge, if any.
		select {
		case <-lit:
		default:
		}
		if _, err := s.Scanner.Write([]byte(p + "\r")); err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		select {
		case t1 := <-lit:
			lat = append(lat, t1.Sub(t0))
		case <-time.After(5 * time.Second):
			b.Fatalf("scan %d: no light within 5s", i)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(scans), "ns/op")
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "max-µs")
	b.ReportMetric(float64(scans), "scans")
}
