package epd_test

import (
	"image"
	"testing"

	"periph.io/x/conn/v3/physic"

	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
	"github.com/venuekiosk/venuekiosk/internal/epd"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdemutest"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdtest"
)

// instant makes the emulated panel answer at once: the benchmarks measure
// the driver (and the emulator's decoding), not the glass.
var instant = &epdemu.Opts{Timing: epdemu.Timing{Reset: 1, Command: 1, Full: 1, Fast: 1, Partial: 1}}

// report adds the bus figures: bytes per operation and their time on the
// wire at the default 4 MHz clock (8 bits a byte, no gaps).
func report(b *testing.B, d *epd.Dev) {
	n := float64(d.Stats().Bytes)
	b.ReportMetric(n, "spi-bytes/op")
	b.ReportMetric(n*8/float64(epd.DefaultSPIHz/physic.Hertz)*1e3, "wire-ms@4MHz/op")
}

func BenchmarkFull(b *testing.B) {
	for _, m := range epd.Models {
		b.Run(m.Name, func(b *testing.B) {
			e, d := fixture(b, m, instant, nil)
			imgs := []*image.Gray{epdtest.Pattern(d.Bounds(), 0), epdtest.Pattern(d.Bounds(), 1)}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := d.Full(imgs[i%2]); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			report(b, d)
			epdemutest.NoErrors(b, e)
		})
	}
}

func BenchmarkPartial200(b *testing.B) {
	for _, m := range epd.Models {
		b.Run(m.Name, func(b *testing.B) {
			e, d := fixture(b, m, instant, nil)
			imgs := []*image.Gray{epdtest.Pattern(d.Bounds(), 0), epdtest.Pattern(d.Bounds(), 1)}
			if err := d.Full(imgs[0]); err != nil {
				b.Fatal(err)
			}
			r := image.Rect(0, 0, 200, 200).Intersect(d.Bounds()) // 200×200, or the panel's width
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := d.Partial(imgs[(i+1)%2], r); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if d.Stats().Refresh != epd.Partial {
				b.Fatalf("not a partial refresh: %v", d.Stats())
			}
			report(b, d)
			epdemutest.NoErrors(b, e)
		})
	}
}
