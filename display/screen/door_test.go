package screen

import (
	"image"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/firmware/hken"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// statusOf renders st's status area alone, as layout draws it.
func statusOf(t *testing.T, l *layout.Layout, st *layout.State) *image.Gray {
	t.Helper()
	img, err := l.Render(st)
	if err != nil {
		t.Fatal(err)
	}
	return crop(img, l.StatusWindow())
}

func crop(img *image.Gray, r image.Rectangle) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, r.Dx(), r.Dy()))
	for y := 0; y < r.Dy(); y++ {
		copy(out.Pix[y*out.Stride:y*out.Stride+r.Dx()], img.Pix[img.PixOffset(r.Min.X, r.Min.Y+y):])
	}
	return out
}

func same(a, b *image.Gray) bool { return string(a.Pix) == string(b.Pix) }

// TestAlternateLanguages: with two languages and Alternate, each redraw of
// the status area speaks the other one; open entry speaks both.
func TestAlternateLanguages(t *testing.T) {
	r := start(t, rigOpts{size: layout.Panel42, mod: func(o *Opts) { o.Alternate = true }})
	base := func(langs ...i18n.Lang) *layout.State {
		return &layout.State{Langs: langs, VenueEN: "Central Market", VenueZH: "中環街市", Loc: hkt}
	}
	verdict := func(langs ...i18n.Lang) *image.Gray {
		st := base(langs...)
		st.Status = layout.VerdictStatus(&verify.Verdict{Status: verify.Green}, false)
		return statusOf(t, r.l, st)
	}
	start := crop(r.panel.take()[0].img, r.l.StatusWindow())
	if !same(start, statusOf(t, r.l, base(i18n.EN))) {
		t.Fatal("the first drawing is not in the first language alone")
	}
	var got []string
	for range 4 {
		r.c.ShowVerdict(&verify.Verdict{Status: verify.Green})
		r.sync()
		calls := r.panel.take()
		if len(calls) != 1 {
			t.Fatalf("got %d refreshes", len(calls))
		}
		img := crop(calls[0].img, r.l.StatusWindow())
		switch {
		case same(img, verdict(i18n.EN)):
			got = append(got, "en")
		case same(img, verdict(i18n.ZHHant)):
			got = append(got, "zh-Hant")
		default:
			t.Fatal("a verdict in neither language alone")
		}
	}
	if s := strings.Join(got, " "); s != "zh-Hant en zh-Hant en" {
		t.Errorf("languages: got %s, want them in turn", s)
	}
	until := t0.Add(15 * time.Minute)
	r.c.SetEntryOpen(until)
	r.advance(7*time.Second, time.Second) // past the verdict's hold
	calls := r.panel.take()
	open := base(i18n.EN, i18n.ZHHant)
	open.Open, open.OpenUntil = true, until
	if len(calls) == 0 || !same(crop(calls[len(calls)-1].img, r.l.StatusWindow()), statusOf(t, r.l, open)) {
		t.Error("open entry is not shown in both languages")
	}
	r.c.SetEntryOpen(time.Time{})
	r.sync()
	calls = r.panel.take()
	if len(calls) != 1 || same(crop(calls[0].img, r.l.StatusWindow()), statusOf(t, r.l, open)) {
		t.Errorf("closing entry: %d refreshes, or still shown open", len(calls))
	}
}

// TestNoAlternateByDefault: both languages at every redraw.
func TestNoAlternateByDefault(t *testing.T) {
	r := start(t, rigOpts{size: layout.Panel42})
	r.panel.take()
	st := &layout.State{Langs: []i18n.Lang{i18n.EN, i18n.ZHHant}, VenueEN: "Central Market", VenueZH: "中環街市", Loc: hkt,
		Status: layout.VerdictStatus(&verify.Verdict{Status: verify.Green}, false)}
	for range 2 {
		r.c.ShowVerdict(&verify.Verdict{Status: verify.Green})
		r.sync()
		if calls := r.panel.take(); len(calls) != 1 || !same(crop(calls[0].img, r.l.StatusWindow()), statusOf(t, r.l, st)) {
			t.Fatal("a verdict not in both languages")
		}
	}
}

func hkenCode(t *testing.T) string {
	t.Helper()
	p, err := hken.Encode(&hken.Venue{Code: "0", ID: "WHBvLDSa", NameEn: "Central Market", NameZh: "中環街市", Type: "IMPORT"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestHKENAlternates: the QR window shows the LeaveHomeSafe code and the
// signed code in turn, each for HKENEvery, by partial refreshes.
func TestHKENAlternates(t *testing.T) {
	code := hkenCode(t)
	r := start(t, rigOpts{size: layout.Panel42, mod: func(o *Opts) {
		o.HKEN, o.HKENMode, o.HKENEvery = code, layout.HKENAlternate, 20*time.Second
	}})
	first := r.panel.take()
	if p, ok := decodeQR(t, first[0].img); !ok || !strings.HasPrefix(p, "VK") {
		t.Fatalf("at start: read %q, want the signed code", p)
	}
	var seen []string
	for range 4 {
		r.advance(20*time.Second, 5*time.Second)
		calls := r.panel.take()
		qr := false
		for _, c := range calls {
			qr = qr || c.r == r.l.QRWindow()
		}
		if !qr {
			t.Fatalf("no refresh of the QR window: %+v", calls)
		}
		p, ok := decodeQR(t, calls[len(calls)-1].img)
		switch {
		case !ok:
			t.Fatal("no code readable")
		case p == code:
			seen = append(seen, "hken")
		case strings.HasPrefix(p, "VK"):
			seen = append(seen, "signed")
		default:
			t.Fatalf("read %q", p)
		}
	}
	if s := strings.Join(seen, " "); s != "hken signed hken signed" {
		t.Errorf("got %s, want the codes in turn", s)
	}
}

func TestHKENRefusedOnSmallPanels(t *testing.T) {
	code := hkenCode(t)
	for _, size := range []image.Point{layout.Panel213, layout.Panel29} {
		l, _ := layout.New(size)
		_, err := New(&fakePanel{bounds: l.Bounds()}, Opts{Layout: l, Time: fixedTrusted{}, HKEN: code, HKENMode: layout.HKENAlternate})
		if err == nil || !strings.Contains(err.Error(), "LeaveHomeSafe") {
			t.Errorf("%v: got %v, want the code refused", size, err)
		}
	}
	l, _ := layout.New(layout.Panel75)
	if _, err := New(&fakePanel{bounds: l.Bounds()}, Opts{Layout: l, Time: fixedTrusted{}, HKENMode: layout.HKENBeside}); err == nil {
		t.Error("a mode without a code: want an error")
	}
	if _, err := New(&fakePanel{bounds: l.Bounds()}, Opts{Layout: l, Time: fixedTrusted{}, HKEN: code, HKENMode: layout.HKENBeside}); err != nil {
		t.Errorf("7.5\" beside: %v", err)
	}
}

type fixedTrusted struct{}

func (fixedTrusted) Judge() (time.Time, bool) { return t0, true }
