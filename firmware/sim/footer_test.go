package sim_test

import (
	"encoding/json"
	"image"
	"net/http"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/internal/epd"
)

// glass returns what the simulated panel's glass shows, read from the
// emulator itself (GET /panel.png leaves the status area blank while a
// holder is shown).
func (k *simKiosk) glass() *image.Gray {
	k.t.Helper()
	if k.emu == nil {
		k.t.Fatal("the simulator has no emulated panel")
	}
	return k.emu.Image()
}

// TestFooterAfterSync starts the simulated kiosk on every panel model: it
// syncs its sample repository at start, and the footer on the emulated
// glass must then show the data's age — the layout's rendering of the
// synced data's signed time, at this minute or the one before — and not
// "No data yet".
func TestFooterAfterSync(t *testing.T) {
	for _, m := range epd.Models {
		t.Run(m.Name, func(t *testing.T) {
			k := startSim(t, func(c *config.Config) { c.Panel.Model = m.Name })
			dataAt := k.dataTime()
			var langs []i18n.Lang
			for _, s := range config.Default().Panel.Languages {
				l, err := i18n.ParseLang(s)
				if err != nil {
					t.Fatal(err)
				}
				langs = append(langs, l)
			}
			var l *layout.Layout
			render := func(now, data time.Time) []byte {
				f := l.NewFrame()
				if err := l.Draw(f, &layout.State{Langs: langs, Loc: time.Local, Now: now, DataAt: data}, layout.Footer); err != nil {
					t.Fatal(err)
				}
				return windowOf(f, l.FooterWindow())
			}
			// Polled: a refresh may be under way when the glass is read.
			deadline := time.Now().Add(10 * time.Second)
			for {
				g := k.glass()
				if l == nil {
					var err error
					if l, err = layout.New(g.Bounds().Size()); err != nil {
						t.Fatal(err)
					}
				}
				now := time.Now()
				got := string(windowOf(g, l.FooterWindow()))
				if got == string(render(now, dataAt)) || got == string(render(now.Add(-time.Minute), dataAt)) {
					return
				}
				if time.Now().After(deadline) {
					if got == string(render(now, time.Time{})) {
						t.Fatal(`the footer still says "No data yet" after the sync`)
					}
					t.Fatalf("the footer shows neither the data's age (signed %v) nor \"No data yet\"", dataAt)
				}
				time.Sleep(100 * time.Millisecond)
			}
		})
	}
}

// dataTime waits for the synced revocation and code data and returns its
// signed time (the older of the two, as the store's DataTime).
func (k *simKiosk) dataTime() time.Time {
	k.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var s struct {
			Kiosk struct {
				Data map[string]struct {
					Signed time.Time `json:"signed"`
				} `json:"data"`
			} `json:"kiosk"`
		}
		res, err := http.Get(k.url + "/api/state")
		if err != nil {
			k.t.Fatal(err)
		}
		err = json.NewDecoder(res.Body).Decode(&s)
		res.Body.Close()
		if err != nil {
			k.t.Fatal(err)
		}
		rev, ok1 := s.Kiosk.Data["revocations"]
		codes, ok2 := s.Kiosk.Data["codes"]
		if ok1 && ok2 {
			if codes.Signed.Before(rev.Signed) {
				return codes.Signed
			}
			return rev.Signed
		}
		if time.Now().After(deadline) {
			k.t.Fatal("no revocation and code data synced after 30s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// windowOf returns the window r of img, row by row.
func windowOf(img *image.Gray, r image.Rectangle) []byte {
	var out []byte
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			out = append(out, img.GrayAt(x, y).Y)
		}
	}
	return out
}
