package layout

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/display/qrread"
	"github.com/venuekiosk/venuekiosk/firmware/hken"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// doorScenes are the status area's states of the door and accessibility
// work: snapshots of the status area alone, in every language
// set on every panel, under testdata/status.
var doorScenes = []scene{
	{"open", func(t testing.TB, langs []i18n.Lang) *State {
		s := baseState(t, langs)
		s.Open, s.OpenUntil = true, t0.Add(15*time.Minute)
		return s
	}},
	{"open_scan_red", func(t testing.TB, langs []i18n.Lang) *State {
		s := baseState(t, langs)
		s.Open = true
		v := &verify.Verdict{}
		v.Worsen(verify.Red, pass.Expired, "")
		s.Status = OpenScanStatus(v, HolderInitials)
		return s
	}},
	{"exempt_armed", func(t testing.TB, langs []i18n.Lang) *State {
		s := baseState(t, langs)
		s.Status = &Status{Symbol: Info, Headline: i18n.StaffExemptArmed, Note: i18n.StaffPickCategory}
		return s
	}},
	{"exempt_recorded", func(t testing.TB, langs []i18n.Lang) *State {
		s := baseState(t, langs)
		s.Status = &Status{Symbol: Info, Headline: i18n.ExemptConfirmed, Note: i18n.ExemptOver65}
		return s
	}},
	{"card_revoked", func(t testing.TB, langs []i18n.Lang) *State {
		s := baseState(t, langs)
		s.Status = &Status{Symbol: Bang, Headline: i18n.StaffRevoked}
		return s
	}},
	{"setup_done", func(t testing.TB, langs []i18n.Lang) *State {
		s := baseState(t, langs)
		s.Status = &Status{Symbol: Info, Headline: i18n.SetupDone, Args: []string{"name", "Tai Po Hui Market"}, ArgsZH: []string{"name", "大埔墟街市"}, Note: i18n.SetupRestart}
		return s
	}},
	// Exit scans: a pass leaving, and the exit button pressed.
	{"goodbye", func(t testing.TB, langs []i18n.Lang) *State {
		s := baseState(t, langs)
		s.Status = GoodbyeStatus()
		return s
	}},
	{"exit_armed", func(t testing.TB, langs []i18n.Lang) *State {
		s := baseState(t, langs)
		s.Status = ExitArmedStatus()
		return s
	}},
}

func TestStatusSnapshots(t *testing.T) {
	var renders []image.Image
	for _, size := range Panels {
		l, err := New(size)
		if err != nil {
			t.Fatal(err)
		}
		for _, ls := range langSets {
			for _, sc := range append([]scene{scenes[1], scenes[2], scenes[3]}, doorScenes...) {
				name := fmt.Sprintf("%s_%s_%s.png", sizeName(size), sc.name, langName(ls))
				img, err := l.Render(sc.state(t, ls))
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				checkOneBit(t, name, img)
				area := statusArea(img, l.StatusWindow())
				renders = append(renders, area)
				path := filepath.Join("testdata", "status", name)
				if *update {
					if err := os.WriteFile(path, encodePNG(t, area), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				compareGolden(t, path, area)
			}
		}
	}
	if *sheet != "" {
		writeSheet(t, *sheet, renders)
	}
}

// statusArea copies the status window out of a panel image.
func statusArea(img *image.Gray, r image.Rectangle) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(out, out.Bounds(), img, r.Min, draw.Src)
	return out
}

// TestOpenSaysSoInEveryLanguage: while entry is open, the idle status
// area differs from the instruction, and from one language set to
// another (every configured language is on it).
func TestOpenSaysSoInEveryLanguage(t *testing.T) {
	for _, size := range Panels {
		l, _ := New(size)
		render := func(langs []i18n.Lang, open bool) *image.Gray {
			s := baseState(t, langs)
			s.Open, s.OpenUntil = open, t0.Add(15*time.Minute)
			img, err := l.Render(s)
			if err != nil {
				t.Fatal(err)
			}
			return statusArea(img, l.StatusWindow())
		}
		both := render([]i18n.Lang{i18n.EN, i18n.ZHHant}, true)
		for _, one := range [][]i18n.Lang{{i18n.EN}, {i18n.ZHHant}} {
			if changedInside(render(one, true), both, both.Bounds()) == 0 {
				t.Errorf("%v: open entry in %v looks the same as in en+zh-Hant", size, one)
			}
		}
		if changedInside(render([]i18n.Lang{i18n.EN}, false), render([]i18n.Lang{i18n.EN}, true), both.Bounds()) == 0 {
			t.Errorf("%v: open entry looks like the instruction", size)
		}
	}
}

// hkenPoster is a LeaveHomeSafe code built from the public description.
func hkenPoster(t testing.TB) string {
	t.Helper()
	p, err := hken.Encode(&hken.Venue{Code: "0", ID: "WHBvLDSa", NameEn: "Central Market", NameZh: "中環街市", Type: "IMPORT"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestHKENFits: the LeaveHomeSafe code is refused where it would get
// fewer than 3 pixels a module, and where it is shown a phone reads it
// back, with the signed code still readable in beside mode.
func TestHKENFits(t *testing.T) {
	code := hkenPoster(t)
	for _, tc := range []struct {
		size      image.Point
		mode      HKENMode
		fits      bool
		reference string // a committed snapshot of the whole panel
	}{
		{Panel213, HKENAlternate, false, ""},
		{Panel29, HKENAlternate, false, ""},
		{Panel213, HKENBeside, false, ""},
		{Panel42, HKENBeside, false, ""},
		{Panel42, HKENAlternate, true, "hken_alternate_400x300.png"},
		{Panel75, HKENAlternate, true, ""},
		{Panel75, HKENBeside, true, "hken_beside_800x480.png"},
	} {
		name := fmt.Sprintf("%s/%d", sizeName(tc.size), tc.mode)
		l, _ := New(tc.size)
		err := l.CheckHKEN(code, tc.mode)
		var he *HKENError
		if tc.fits != (err == nil) || (!tc.fits && !errors.As(err, &he)) {
			t.Errorf("%s: CheckHKEN: %v, want fits=%v", name, err, tc.fits)
			continue
		}
		if !tc.fits {
			continue
		}
		st := baseState(t, []i18n.Lang{i18n.EN, i18n.ZHHant})
		st.HKEN, st.HKENMode, st.ShowHKEN = code, tc.mode, true
		img, err := l.Render(st)
		if err != nil {
			t.Fatal(err)
		}
		var want string
		if tc.mode == HKENAlternate {
			got, err := qrread.Gozxing(img)
			if err != nil || got != code {
				t.Errorf("%s: read %q, %v; want the LeaveHomeSafe code", name, got, err)
			}
			want = code
		} else {
			// Two codes on the panel: read each window on its own.
			got, err := qrread.Gozxing(statusArea(img, l.StatusWindow()))
			if err != nil || got != code {
				t.Errorf("%s: status area read %q, %v; want the LeaveHomeSafe code", name, got, err)
			}
			got, err = qrread.Gozxing(statusArea(img, l.QRWindow()))
			if err != nil || got != st.Payload {
				t.Errorf("%s: QR window read %q, %v; want the signed code", name, got, err)
			}
			want = code
		}
		_ = want
		if tc.reference != "" {
			path := filepath.Join("testdata", "status", tc.reference)
			if *update {
				os.WriteFile(path, encodePNG(t, img), 0o644)
			} else {
				compareGolden(t, path, img)
			}
		}
	}
	if _, err := ParseHKENMode("sometimes"); err == nil {
		t.Error("ParseHKENMode: want an error")
	}
}
