package scanner

import (
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/venuekiosk/venuekiosk/drivers/scanner/keymap"
	"github.com/venuekiosk/venuekiosk/drivers/scanner/ptysim"
)

// BenchmarkFrameLatency measures, through a real pty, the time from the
// last byte of a scan written to the master until its frame arrives on the
// Frames channel, per scanner profile, with the default framing (Auto),
// and reports the median and 99th percentile. A profile with a suffix is
// delivered on its last byte; "none" (no suffix) waits for the idle gap
// (50 ms), which is its added latency. "keyboard" writes a keyboard-mode
// scanner's input events into a pty standing in for /dev/input/eventN.
func BenchmarkFrameLatency(b *testing.B) {
	// A typical EU DCC payload is about 500 bytes of base45.
	payload := "HC1:" + strings.Repeat("6BF+70790T9WJWG.FKY*4GO0.O1CV2 O5 N2FBBRW1*70H", 11)
	gb, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(payload))
	kbd, err := ptysim.KeyEvents(keymap.US, payload+"\r", time.Now())
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range []struct {
		name    string
		scan    []byte
		keys    bool
		charset Charset
	}{
		{name: "cr", scan: []byte("]Q1" + payload + "\r")},
		{name: "crlf", scan: []byte("]Q1" + payload + "\r\n")},
		{name: "lf", scan: []byte("]Q1" + payload + "\n")},
		{name: "lfcr", scan: []byte("]Q1" + payload + "\n\r")},
		{name: "eci", scan: []byte(`]Q2\000026` + payload + "\r\n")},
		{name: "gb18030", scan: append(append([]byte("]Q1"), gb...), '\r'), charset: GB18030},
		{name: "none", scan: []byte("]Q1" + payload)},
		{name: "keyboard", scan: kbd, keys: true},
	} {
		b.Run(p.name, func(b *testing.B) {
			sim := newSim(b)
			path := sim.Path()
			if p.keys {
				path = EvdevPrefix + path
			}
			d := start(b, Opts{Path: path, FrameOpts: FrameOpts{StripAIM: true, Charset: p.charset}})
			waitEvent(b, d, Connected)
			// Warm up (first reads, the scheduler), untimed.
			for range 20 {
				if _, err := sim.Write(p.scan); err != nil {
					b.Fatal(err)
				}
				<-d.Frames()
			}
			lat := make([]time.Duration, 0, 1<<16)
			for b.Loop() {
				if _, err := sim.Write(p.scan); err != nil {
					b.Fatal(err)
				}
				t0 := time.Now()
				f, ok := <-d.Frames()
				dt := time.Since(t0)
				if !ok || string(f.Data) != payload {
					b.Fatalf("frame: got %d bytes, ok %v; want %d", len(f.Data), ok, len(payload))
				}
				lat = append(lat, dt)
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
			b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
		})
	}
}
