package sim_test

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/display/font"
	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/hken"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
)

// textAt reports whether img shows s within r, drawn by the panel's font
// at any scale from 1 to 4, regular or bold: the text's own pixels,
// rendered here by the font package alone, found exactly in the glass. It
// is how a test reads a word off the emulated panel without OCR and
// without the layout's help.
func textAt(img *image.Gray, r image.Rectangle, s string) bool {
	for sc := 1; sc <= 4; sc++ {
		for _, bold := range []bool{false, true} {
			f := font.Face{Scale: sc, Bold: bold}
			w, h := f.Measure(s), f.Height()
			if w == 0 || w > r.Dx() || h > r.Dy() {
				continue
			}
			tpl := image.NewGray(image.Rect(0, 0, w, h))
			for i := range tpl.Pix {
				tpl.Pix[i] = 255
			}
			f.Draw(tpl, image.Point{}, s, color.Black)
			if find(img, r, tpl) {
				return true
			}
		}
	}
	return false
}

// find reports whether tpl appears, pixel for pixel, in img within r.
func find(img *image.Gray, r image.Rectangle, tpl *image.Gray) bool {
	tw, th := tpl.Rect.Dx(), tpl.Rect.Dy()
	for y := r.Min.Y; y+th <= r.Max.Y; y++ {
	next:
		for x := r.Min.X; x+tw <= r.Max.X; x++ {
			for ty := 0; ty < th; ty++ {
				row := img.Pix[img.PixOffset(x, y+ty):]
				trow := tpl.Pix[ty*tpl.Stride:]
				for tx := 0; tx < tw; tx++ {
					if (row[tx] < 128) != (trow[tx] < 128) {
						continue next
					}
				}
			}
			return true
		}
	}
	return false
}

// untilGlass polls the emulated glass until its status area shows every
// one of texts (a hang guard of a few seconds, not a timing assertion).
func (k *simKiosk) untilGlass(what string, texts ...string) {
	k.t.Helper()
	deadline := time.Now().Add(8 * time.Second)
	for {
		g := k.glass()
		l, err := layout.New(g.Bounds().Size())
		if err != nil {
			k.t.Fatal(err)
		}
		missing := ""
		for _, s := range texts {
			if !textAt(g, l.StatusWindow(), s) {
				missing = s
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			p := filepath.Join(k.t.TempDir(), "glass.png")
			if f, err := os.Create(p); err == nil {
				png.Encode(f, g)
				f.Close()
			}
			if dir := os.Getenv("VENUEKIOSK_GLASS_DIR"); dir != "" {
				if f, err := os.Create(filepath.Join(dir, "glass-failed.png")); err == nil {
					png.Encode(f, g)
					f.Close()
				}
			}
			k.t.Errorf("%s: the panel's status area never showed %q (the glass: %s)", what, missing, p)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (k *simKiosk) passSample(name string) string {
	k.t.Helper()
	for _, s := range k.set.Samples {
		if s.Name == name {
			return s.Payload
		}
	}
	k.t.Fatalf("no sample %q", name)
	return ""
}

// What the panel says, read back from the emulated glass after scans
// through the simulator's pty.
func TestPanelTextsOnTheGlass(t *testing.T) {
	if testing.Short() {
		t.Skip("runs simulated kiosks")
	}
	t.Run("HK medical exemption says it is one", func(t *testing.T) {
		k := startSim(t, func(c *config.Config) { c.Panel.Languages = []string{"en"} })
		k.pass(k.passSample("HK medical exemption"))
		k.untilGlass("an HK medical exemption", "Medical", "exemption")
	})
	t.Run("panel.holder=name on the 7.5-inch panel shows the name", func(t *testing.T) {
		k := startSim(t, func(c *config.Config) { c.Panel.Model, c.Panel.Holder = "waveshare_7in5_v2", "name" })
		k.pass(k.passSample("HK Vaccine Pass, 3 doses"))
		k.untilGlass("the holder's name", "CHEUNG", "K**", "W**")
	})
	t.Run("after poster setup the Chinese line has the Chinese name", func(t *testing.T) {
		k := startSim(t)
		k.door(k.sample("Staff card: technician"), "setup_armed")
		k.door(k.sample("LeaveHomeSafe poster: "+samples.PosterVenue.NameEn), "setup_pending")
		k.door(k.sample("Staff card: technician"), "setup_done") // the same card again confirms
		k.untilGlass("venue set", "埔", "請重新啟動")
	})
	t.Run("7.5-inch idle instruction beside the LeaveHomeSafe code in both languages", func(t *testing.T) {
		code, err := hken.Encode(&samples.PosterVenue)
		if err != nil {
			t.Fatal(err)
		}
		k := startSim(t, func(c *config.Config) {
			c.Panel.Model, c.Panel.HKEN, c.Venue.HKEN = "waveshare_7in5_v2", "beside", code
		})
		k.untilGlass("the idle instruction", "請向掃描器出示通行證")
	})
}
