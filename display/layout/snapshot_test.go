package layout

import (
	"bytes"
	"crypto/ed25519"
	"flag"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

var (
	update = flag.Bool("update", false, "rewrite the reference PNGs under testdata/")
	sheet  = flag.String("sheet", "", "also write every render side by side into this PNG `file`, for a look")
)

var (
	testKey = ed25519.NewKeyFromSeed([]byte("venuekiosk layout test seed 32by"))
	t0      = time.Date(2026, 11, 23, 9, 0, 10, 0, time.UTC)
	hkt     = time.FixedZone("HKT", 8*3600)
)

func payload(t testing.TB, venue string, at time.Time) string {
	t.Helper()
	s, err := venueqr.NewSigner(venue, testKey, venueqr.DefaultPeriod)
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := s.Payload(at)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// scene is a named panel state.
type scene struct {
	name  string
	state func(t testing.TB, langs []i18n.Lang) *State
}

func baseState(t testing.TB, langs []i18n.Lang) *State {
	return &State{
		Langs:   langs,
		VenueEN: "Central Market",
		VenueZH: "中環街市",
		Payload: payload(t, "CM-01", t0),
		Now:     t0,
		Loc:     hkt,
		DataAt:  t0.Add(-2 * time.Hour),
	}
}

var scenes = []scene{
	{"idle", baseState},
	{"green", func(t testing.TB, langs []i18n.Lang) *State {
		s := baseState(t, langs)
		s.Status = VerdictStatus(&verify.Verdict{Status: verify.Green, Holder: pass.Holder{Name: "CHAN, Tai Man", DOB: "1985-04-12"}}, true)
		return s
	}},
	{"amber", func(t testing.TB, langs []i18n.Lang) *State {
		s := baseState(t, langs)
		v := &verify.Verdict{Status: verify.Green, Holder: pass.Holder{Name: "Mustermann Erika", DOB: "1964"}}
		v.Worsen(verify.Amber, pass.AmberCode, "")
		s.Status = VerdictStatus(v, true)
		return s
	}},
	{"red", func(t testing.TB, langs []i18n.Lang) *State {
		s := baseState(t, langs)
		v := &verify.Verdict{}
		v.Worsen(verify.Red, pass.Expired, "")
		s.Status = VerdictStatus(v, false)
		return s
	}},
	{"untrusted", func(t testing.TB, langs []i18n.Lang) *State {
		s := baseState(t, langs)
		s.Payload, s.Paused = "", i18n.TimeUntrusted
		return s
	}},
	{"exposure", func(t testing.TB, langs []i18n.Lang) *State {
		s := baseState(t, langs)
		s.Exposure = time.Date(2026, 11, 20, 0, 0, 0, 0, hkt)
		s.StaleSince = t0.Add(-30 * time.Hour)
		s.NoScanner = true
		return s
	}},
}

var langSets = [][]i18n.Lang{{i18n.EN}, {i18n.ZHHant}, {i18n.ZHHans}, {i18n.EN, i18n.ZHHant}}

func langName(ls []i18n.Lang) string {
	var s []string
	for _, l := range ls {
		s = append(s, string(l))
	}
	return strings.Join(s, "+")
}

func sizeName(p image.Point) string { return fmt.Sprintf("%dx%d", p.X, p.Y) }

func encodePNG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, Paletted(img)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSnapshots(t *testing.T) {
	var renders []image.Image
	for _, size := range Panels {
		l, err := New(size)
		if err != nil {
			t.Fatal(err)
		}
		for _, ls := range langSets {
			for _, sc := range scenes {
				name := fmt.Sprintf("%s_%s_%s.png", sizeName(size), sc.name, langName(ls))
				img, err := l.Render(sc.state(t, ls))
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				checkOneBit(t, name, img)
				renders = append(renders, img)
				path := filepath.Join("testdata", name)
				if *update {
					if err := os.WriteFile(path, encodePNG(t, img), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				compareGolden(t, path, img)
			}
		}
	}
	if *sheet != "" {
		writeSheet(t, *sheet, renders)
	}
}

func checkOneBit(t *testing.T, name string, img *image.Gray) {
	t.Helper()
	for i, v := range img.Pix {
		if v != 0 && v != 255 {
			t.Fatalf("%s: pixel %d is %d: not 1-bit", name, i, v)
		}
	}
}

func compareGolden(t *testing.T, path string, img *image.Gray) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Errorf("%s: %v (run go test -update to create it)", path, err)
		return
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	if !want.Bounds().Eq(img.Bounds()) {
		t.Errorf("%s: reference is %v, render is %v", path, want.Bounds(), img.Bounds())
		return
	}
	diff := 0
	var first image.Point
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, _, _, _ := want.At(x, y).RGBA()
			if (r >= 0x8000) != (img.GrayAt(x, y).Y >= 128) {
				if diff == 0 {
					first = image.Pt(x, y)
				}
				diff++
			}
		}
	}
	if diff > 0 {
		got := filepath.Join(t.TempDir(), filepath.Base(path))
		os.WriteFile(got, encodePNG(t, img), 0o644)
		t.Errorf("%s: %d pixels differ, the first at %v; render written to %s (go test -update accepts it)", path, diff, first, got)
	}
}

// writeSheet lays renders out in rows of 6 (one row per panel size and
// language set), with 8 grey pixels between them.
func writeSheet(t *testing.T, path string, renders []image.Image) {
	const perRow, gap = 6, 8
	w, h, rowH := 0, 0, 0
	x := 0
	for i, r := range renders {
		if i%perRow == 0 {
			h += rowH + gap
			rowH, x = 0, 0
		}
		x += r.Bounds().Dx() + gap
		w = max(w, x)
		rowH = max(rowH, r.Bounds().Dy())
	}
	h += rowH + gap
	out := image.NewGray(image.Rect(0, 0, w+gap, h))
	fill(out, out.Bounds(), 160)
	x, y, rowH := gap, gap, 0
	for i, r := range renders {
		if i%perRow == 0 && i > 0 {
			y += rowH + gap
			x, rowH = gap, 0
		}
		draw.Draw(out, r.Bounds().Add(image.Pt(x, y)), r, r.Bounds().Min, draw.Src)
		x += r.Bounds().Dx() + gap
		rowH = max(rowH, r.Bounds().Dy())
	}
	if err := os.WriteFile(path, encodePNGGray(t, out), 0o644); err != nil {
		t.Fatal(err)
	}
}

func encodePNGGray(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
