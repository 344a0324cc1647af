package screen

import (
	"context"
	"image"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/firmware/clock"
)

// BenchmarkSlotToPartial measures the time from a slot boundary to the
// panel's refresh call for the new QR window: waking, signing, encoding
// and drawing the new code. One rotation in 30 (hourly) is a full refresh,
// which is included.
func BenchmarkSlotToPartial(b *testing.B) {
	for _, panel := range []struct {
		name string
		size image.Point
	}{{"2.13in", layout.Panel213}, {"7.5in", layout.Panel75}} {
		b.Run(panel.name, func(b *testing.B) {
			l, lerr := layout.New(panel.size)
			if lerr != nil {
				b.Fatal(lerr)
			}
			clk := newFakeClock(t0)
			tr, _ := clock.NewTrusted(clk, nil)
			signer, _ := venueqr.NewSigner("central_market-01", testKey, venueqr.DefaultPeriod)
			p := &fakePanel{bounds: l.Bounds(), notify: make(chan call, 8)}
			c, err := New(p, Opts{Layout: l, Signer: signer, Time: tr, Clock: clk, FullEvery: 1000,
				Langs: []i18n.Lang{i18n.EN, i18n.ZHHant}, Venue: [2]string{"Central Market", "中環街市"}})
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go c.Run(ctx)
			<-p.notify // the start's full refresh
			c.sync(ctx)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				now := clk.Now()
				next := time.Unix((now.Unix()/120+1)*120, 0)
				b.StartTimer()
				clk.Advance(next.Sub(now))
				for {
					cl := <-p.notify
					if cl.full || cl.r == l.QRWindow() {
						break
					}
				}
				b.StopTimer()
				c.sync(ctx)
				for len(p.notify) > 0 {
					<-p.notify
				}
				p.take()
			}
		})
	}
}
