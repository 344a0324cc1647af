package daemon_test

import (
	"crypto/ed25519"
	"errors"
	"image"
	"slices"
	"sync"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/display/qrread"
	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/internal/epd"
)

// panelRig is a panel driver on the emulator with the layout of its size.
type panelRig struct {
	emu    *epdemu.Emu
	panel  epd.Panel
	layout *layout.Layout
}

func newPanelRig(t testing.TB, m epd.Model) *panelRig {
	t.Helper()
	emu, err := epdemu.New(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := daemon.OpenPanel(m, emu.Port(), epd.Pins{DC: emu.DC(), Reset: emu.RST(), Busy: emu.Busy()}, 0)
	if err != nil {
		t.Fatal(err)
	}
	l, err := layout.New(p.Bounds().Size())
	if err != nil {
		t.Fatal(err)
	}
	return &panelRig{emu: emu, panel: p, layout: l}
}

// readQR decodes the venue code from what the emulated glass shows, with
// both decoders, and returns it.
func readQR(t *testing.T, img image.Image) string {
	t.Helper()
	got, err := qrread.Gozxing(img)
	if err != nil {
		t.Fatalf("gozxing cannot read the panel: %v", err)
	}
	zgot, err := qrread.Zbar(img, t.TempDir())
	switch {
	case errors.Is(err, qrread.ErrNoZbar):
		t.Log(err, "— read with gozxing only")
	case err != nil:
		t.Fatalf("zbarimg cannot read the panel: %v", err)
	case zgot != got:
		t.Fatalf("zbarimg read %q, gozxing %q", zgot, got)
	}
	return got
}

func changedOutside(a, b *image.Gray, r image.Rectangle) int {
	n := 0
	for y := a.Rect.Min.Y; y < a.Rect.Max.Y; y++ {
		for x := a.Rect.Min.X; x < a.Rect.Max.X; x++ {
			if !(image.Point{x, y}).In(r) && a.GrayAt(x, y) != b.GrayAt(x, y) {
				n++
			}
		}
	}
	return n
}

// TestPanelRoundTrip renders the layout of each panel size, sends it
// through the real driver to the emulated controller, reads the venue code
// back from the reconstructed glass with real QR decoders and verifies its
// signature and slot; then rotates the code with a partial refresh of the
// QR window only, and checks that a code two slots old is refused.
func TestPanelRoundTrip(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(nil)
	pub := key.Public().(ed25519.PublicKey)
	period := venueqr.DefaultPeriod
	t0 := time.Date(2026, 11, 23, 9, 0, 5, 0, time.UTC)
	signer, err := venueqr.NewSigner("CM-01", key, period)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range epd.Models {
		t.Run(m.Name, func(t *testing.T) {
			r := newPanelRig(t, m)
			p0, _, err := signer.Payload(t0)
			if err != nil {
				t.Fatal(err)
			}
			st := &layout.State{Langs: []i18n.Lang{i18n.EN, i18n.ZHHant}, VenueEN: "Central Market", VenueZH: "中環街市", Payload: p0, Now: t0}
			frame, err := r.layout.Render(st)
			if err != nil {
				t.Fatal(err)
			}
			if err := r.panel.Full(frame); err != nil {
				t.Fatal(err)
			}
			full := r.emu.Bytes()
			shown := r.emu.Image()
			code, err := venueqr.Verify(pub, readQR(t, shown), t0, period)
			if err != nil || code.Slot != venueqr.SlotAt(t0, period) || code.Venue != "CM-01" {
				t.Fatalf("panel shows %+v, %v", code, err)
			}

			// Rotation: the next slot's code, a partial refresh of the
			// QR window only.
			t1 := t0.Add(period)
			p1, _, _ := signer.Payload(t1)
			st.Payload = p1
			if err := r.layout.Draw(frame, st, layout.QR); err != nil {
				t.Fatal(err)
			}
			win := r.layout.QRWindow()
			if err := r.panel.Partial(frame, win); err != nil {
				t.Fatal(err)
			}
			partial := r.emu.Bytes() - full
			after := r.emu.Image()
			if n := changedOutside(shown, after, win); n != 0 {
				t.Errorf("the partial refresh changed %d pixels outside the QR window %v", n, win)
			}
			if errs := r.emu.Errors(); len(errs) != 0 {
				t.Fatalf("the controller rejected: %v", errs)
			}
			if c := r.emu.Refreshes(); c.Full != 1 || c.Partial != 1 {
				t.Errorf("refreshes %+v, want one full and one partial", c)
			}
			code, err = venueqr.Verify(pub, readQR(t, after), t1, period)
			if err != nil || code.Slot != venueqr.SlotAt(t1, period) {
				t.Fatalf("after rotation the panel shows %+v, %v", code, err)
			}
			// The first code is still good one slot on, not two.
			if _, err := venueqr.Verify(pub, p0, t1, period); err != nil {
				t.Errorf("previous slot's code refused: %v", err)
			}
			if _, err := venueqr.Verify(pub, p0, t0.Add(2*period), period); err == nil {
				t.Error("a code from two slots ago was accepted")
			}
			if partial*2 > full {
				t.Errorf("a rotation sent %d bytes, a full frame %d: want well under half", partial, full)
			}
			t.Logf("%s: full refresh %d SPI bytes, rotation (partial QR window %v) %d bytes (%.0f%%)", m.Name, full, win, partial, 100*float64(partial)/float64(full))
		})
	}
}

// tap timestamps the first SPI byte of a RAM write (the new window's data)
// after it is armed.
type tap struct {
	mu      sync.Mutex
	dcHigh  bool
	lastCmd byte
	ramCmds map[byte]bool
	armed   bool
	first   time.Time
}

func (t *tap) arm() {
	t.mu.Lock()
	t.armed, t.first = true, time.Time{}
	t.mu.Unlock()
}

func (t *tap) firstByte() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.first
}

func (t *tap) tx(w []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case !t.dcHigh && len(w) > 0:
		t.lastCmd = w[len(w)-1]
	case t.dcHigh && t.armed && t.first.IsZero() && t.ramCmds[t.lastCmd]:
		t.first = time.Now()
	}
}

type tapPort struct {
	spi.PortCloser
	t *tap
}

func (p tapPort) Connect(f physic.Frequency, m spi.Mode, bits int) (spi.Conn, error) {
	c, err := p.PortCloser.Connect(f, m, bits)
	return tapConn{c, p.t}, err
}

type tapConn struct {
	spi.Conn
	t *tap
}

func (c tapConn) Tx(w, r []byte) error { c.t.tx(w); return c.Conn.Tx(w, r) }

type tapDC struct {
	gpio.PinIO
	t *tap
}

func (p tapDC) Out(l gpio.Level) error {
	p.t.mu.Lock()
	p.t.dcHigh = l == gpio.High
	p.t.mu.Unlock()
	return p.PinIO.Out(l)
}

// BenchmarkRotation measures, per panel, a venue-code rotation from the
// slot boundary: drawing the new code into the frame and the driver's
// partial refresh of the QR window, up to the first SPI byte of the new
// window's data. "ahead" is what the display loop does: the controller is
// woken (reset and registers) screen.WakeAhead before the boundary, so
// only the drawing and the window set-up come first; "cold" wakes it at
// the boundary. It reports that latency and the bytes a rotation puts on
// the bus (the wake-up's included).
func BenchmarkRotation(b *testing.B) {
	_, key, _ := ed25519.GenerateKey(nil)
	signer, _ := venueqr.NewSigner("CM-01", key, venueqr.DefaultPeriod)
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for _, m := range epd.Models {
		for _, ahead := range []bool{true, false} {
			name := m.Name + "/cold"
			if ahead {
				name = m.Name + "/ahead"
			}
			b.Run(name, func(b *testing.B) {
				emu, err := epdemu.New(m, &epdemu.Opts{HideLimit: true})
				if err != nil {
					b.Fatal(err)
				}
				tp := &tap{ramCmds: map[byte]bool{0x24: true, 0x13: true}}
				p, err := daemon.OpenPanel(m, tapPort{emu.Port(), tp}, epd.Pins{DC: tapDC{emu.DC(), tp}, Reset: emu.RST(), Busy: emu.Busy()}, 0)
				if err != nil {
					b.Fatal(err)
				}
				l, _ := layout.New(p.Bounds().Size())
				pay, _, _ := signer.Payload(t0)
				st := &layout.State{Langs: []i18n.Lang{i18n.EN, i18n.ZHHant}, VenueEN: "Central Market", VenueZH: "中環街市", Payload: pay}
				frame, _ := l.Render(st)
				if err := p.Full(frame); err != nil {
					b.Fatal(err)
				}
				lat := make([]time.Duration, 0, b.N)
				var bytes uint64
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					before := emu.Bytes()
					if ahead {
						if err := p.PreparePartial(); err != nil {
							b.Fatal(err)
						}
					}
					boundary := time.Now()
					tp.arm()
					st.Payload, _, _ = signer.Payload(t0.Add(time.Duration(i+1) * venueqr.DefaultPeriod))
					if err := l.Draw(frame, st, layout.QR); err != nil {
						b.Fatal(err)
					}
					if err := p.Partial(frame, l.QRWindow()); err != nil {
						b.Fatal(err)
					}
					bytes += emu.Bytes() - before
					lat = append(lat, tp.firstByte().Sub(boundary))
				}
				b.StopTimer()
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "first-byte-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "first-byte-p99-ms")
				b.ReportMetric(float64(bytes)/float64(b.N), "spi-bytes/rotation")
				b.ReportMetric(float64(m.FrameBytes()), "frame-bytes")
			})
		}
	}
}
