package scanner

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkFrameLatency measures, through a real pty, the time from the
// last byte of a scan written to the master until its frame arrives on the
// Frames channel, and reports the median and 99th percentile.
func BenchmarkFrameLatency(b *testing.B) {
	sim := newSim(b)
	d := start(b, Opts{Path: sim.Path(), FrameOpts: FrameOpts{StripAIM: true}})
	waitEvent(b, d, Connected)
	// A typical EU DCC payload is about 500 bytes of base45.
	scan := []byte("]Q1HC1:" + strings.Repeat("6BF+70790T9WJWG.FKY*4GO0.O1CV2 O5 N2FBBRW1*70H", 11) + "\r")
	lat := make([]time.Duration, 0, 1<<16)
	for b.Loop() {
		if _, err := sim.Write(scan); err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		f, ok := <-d.Frames()
		dt := time.Since(t0)
		if !ok || len(f.Data) != len(scan)-4 {
			b.Fatalf("frame: got %d bytes, ok %v; want %d", len(f.Data), ok, len(scan)-4)
		}
		lat = append(lat, dt)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
}
