package screen

import (
	"image"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
	"github.com/venuekiosk/venuekiosk/drivers/ssd1680"
	"github.com/venuekiosk/venuekiosk/drivers/uc8179"
	"github.com/venuekiosk/venuekiosk/internal/epd"
)

// emulatedPanel is m's real driver on the panel emulator, whose glass is
// read back.
func emulatedPanel(t *testing.T, m epd.Model) (Panel, *epdemu.Emu) {
	t.Helper()
	emu, err := epdemu.New(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	var p Panel
	switch m.Controller {
	case epd.SSD1680, epd.SSD1683:
		p, err = ssd1680.New(emu.Port(), emu.DC(), emu.RST(), emu.Busy(), &ssd1680.Opts{Model: m})
	case epd.UC8179:
		p, err = uc8179.New(emu.Port(), emu.DC(), emu.RST(), emu.Busy(), &uc8179.Opts{Model: m})
	default:
		t.Fatalf("%s: no driver", m.Name)
	}
	if err != nil {
		t.Fatal(err)
	}
	return p, emu
}

// footerPixels returns the footer window of img, row by row.
func footerPixels(l *layout.Layout, img *image.Gray) []byte {
	r := l.FooterWindow()
	out := make([]byte, 0, r.Dx()*r.Dy())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			out = append(out, img.GrayAt(x, y).Y)
		}
	}
	return out
}

// TestFooterOnTheGlass drives every panel model through its real driver
// and the emulator on a fake clock, and reads the footer back from the
// emulated glass: "No data yet" at start; after a sync the data's age, at
// once (not at the next rotation); the clock's minute between rotations; and, once the policy's maximum data age has
// passed with no newer data, the stale notice — without anyone calling
// SetFooter again. Each expected footer is the layout's own rendering of
// that state, and the three must differ, so the comparison can fail.
func TestFooterOnTheGlass(t *testing.T) {
	dataAt := t0.Add(-3 * time.Hour)      // 06:00:10 UTC
	maxAge := 3*time.Hour + 5*time.Minute // stale from 09:05:10
	for _, m := range epd.Models {
		t.Run(m.Name, func(t *testing.T) {
			p, emu := emulatedPanel(t, m)
			r := start(t, rigOpts{size: p.Bounds().Size(), panel: p})
			want := func(st layout.State) []byte {
				st.Langs, st.Loc = []i18n.Lang{i18n.EN, i18n.ZHHant}, hkt
				f := r.l.NewFrame()
				if err := r.l.Draw(f, &st, layout.Footer); err != nil {
					t.Fatal(err)
				}
				return footerPixels(r.l, f)
			}
			check := func(when string, exp []byte, others ...[]byte) {
				t.Helper()
				got := footerPixels(r.l, emu.Image())
				for _, o := range others {
					if string(o) == string(exp) {
						t.Fatalf("%s: the expected footer renders like another state's; the test cannot tell them apart", when)
					}
				}
				diff := 0
				for i := range got {
					if got[i] != exp[i] {
						diff++
					}
				}
				if diff != 0 {
					t.Errorf("%s at %s: the glass's footer differs from the expected one in %d pixels", when, r.clk.Now().In(hkt).Format("15:04:05"), diff)
				}
			}

			never := want(layout.State{Now: t0})
			check("start", never)

			// A sync 10 s after start (the daemon calls SetFooter); the
			// next rotation is at 09:02:00, the next minute at 09:01:00.
			r.c.SetFooter(Footer{DataAt: dataAt, MaxAge: maxAge})
			r.sync()
			check("at once after a sync", want(layout.State{Now: t0, DataAt: dataAt}), never)
			r.advance(50*time.Second, 10*time.Second)
			at0901 := want(layout.State{Now: r.clk.Now(), DataAt: dataAt})
			check("after a sync, at the next minute", at0901, want(layout.State{Now: r.clk.Now()}), want(layout.State{Now: t0, DataAt: dataAt}))

			// 09:03:00: the clock moved on between rotations.
			r.advance(2*time.Minute, 10*time.Second)
			check("a minute after a rotation", want(layout.State{Now: r.clk.Now(), DataAt: dataAt}), at0901)

			// 09:06:00: the data passed the policy's maximum age at 09:05:10.
			r.advance(3*time.Minute, 10*time.Second)
			fresh := want(layout.State{Now: r.clk.Now(), DataAt: dataAt})
			check("past the maximum data age", want(layout.State{Now: r.clk.Now(), DataAt: dataAt, StaleSince: dataAt.Add(maxAge)}), fresh)
			if errs := emu.Errors(); len(errs) != 0 {
				t.Errorf("the controller rejected: %v", errs)
			}
		})
	}
}
