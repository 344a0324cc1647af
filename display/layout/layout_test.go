package layout

import (
	"crypto/ed25519"
	"errors"
	"image"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/display/qrread"
	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

func TestGeometry(t *testing.T) {
	for _, tc := range []struct {
		size     image.Point
		version  int
		modulePx int
	}{
		{Panel213, 5, 3},
		{Panel29, 5, 3},
		{Panel42, 6, 4},
		{Panel75, 6, 7},
	} {
		l, err := New(tc.size)
		if err != nil {
			t.Fatalf("%v: %v", tc.size, err)
		}
		if got := l.QRSpec().Version; got != tc.version {
			t.Errorf("%v: QR version %d, want %d", tc.size, got, tc.version)
		}
		if got := l.ModulePixels(); got != tc.modulePx {
			t.Errorf("%v: %d pixels a module, want %d", tc.size, got, tc.modulePx)
		}
		wins := map[string]image.Rectangle{"header": l.HeaderWindow(), "qr": l.QRWindow(), "status": l.StatusWindow(), "footer": l.FooterWindow()}
		for name, r := range wins {
			if r.Empty() || !r.In(l.Bounds()) {
				t.Errorf("%v: %s window %v empty or outside %v", tc.size, name, r, l.Bounds())
			}
			if r.Min.X%8 != 0 || (r.Max.X%8 != 0 && r.Max.X != tc.size.X) {
				t.Errorf("%v: %s window %v: x edges not on multiples of 8", tc.size, name, r)
			}
			for name2, r2 := range wins {
				if name < name2 && r.Overlaps(r2) {
					t.Errorf("%v: %s %v overlaps %s %v", tc.size, name, r, name2, r2)
				}
			}
		}
		side := l.QRSpec().Modules() * l.ModulePixels()
		if q := l.QRWindow(); side > q.Dx() || side > q.Dy() {
			t.Errorf("%v: a %d-pixel symbol does not fit the QR window %v", tc.size, side, q)
		}
		if l.StatusWindow().Dy() < 2*16 {
			t.Errorf("%v: status area %v: less than two lines", tc.size, l.StatusWindow())
		}
	}
}

func TestNewRejects(t *testing.T) {
	for _, size := range []image.Point{{0, 0}, {50, 250}, {100, 100}, {122, 3000}, {3000, 2000}, {250, 99}} {
		if _, err := New(size); err == nil {
			t.Errorf("New(%v): no error", size)
		}
	}
}

// changedOutside returns how many pixels differ between a and b outside r.
func changedOutside(a, b *image.Gray, r image.Rectangle) int {
	n := 0
	bb := a.Bounds()
	for y := bb.Min.Y; y < bb.Max.Y; y++ {
		for x := bb.Min.X; x < bb.Max.X; x++ {
			if !image.Pt(x, y).In(r) && a.GrayAt(x, y) != b.GrayAt(x, y) {
				n++
			}
		}
	}
	return n
}

func changedInside(a, b *image.Gray, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.GrayAt(x, y) != b.GrayAt(x, y) {
				n++
			}
		}
	}
	return n
}

func TestDrawTouchesOnlyItsPart(t *testing.T) {
	langs := []i18n.Lang{i18n.EN, i18n.ZHHant}
	for _, size := range Panels {
		l, _ := New(size)
		before := baseState(t, langs)
		frame, err := l.Render(before)
		if err != nil {
			t.Fatal(err)
		}
		after := baseState(t, langs)
		after.Payload = payload(t, "CM-01", t0.Add(venueqr.DefaultPeriod))
		after.Status = MessageStatus(Info, i18n.StaffAccepted)
		after.Now = t0.Add(time.Hour)
		after.Exposure = t0
		for _, tc := range []struct {
			part Part
			win  image.Rectangle
		}{{QR, l.QRWindow()}, {StatusArea, l.StatusWindow()}, {Footer, l.FooterWindow()}} {
			next := image.NewGray(frame.Bounds())
			copy(next.Pix, frame.Pix)
			if err := l.Draw(next, after, tc.part); err != nil {
				t.Fatal(err)
			}
			if n := changedOutside(frame, next, tc.win); n != 0 {
				t.Errorf("%v part %d: %d pixels changed outside its window %v", size, tc.part, n, tc.win)
			}
			if n := changedInside(frame, next, tc.win); n == 0 {
				t.Errorf("%v part %d: nothing changed inside its window", size, tc.part)
			}
		}
	}
}

// TestRoundTrip decodes the venue code from each panel's image, as a phone
// would read it, and verifies signature and slot.
func TestRoundTrip(t *testing.T) {
	pub := testKey.Public().(ed25519.PublicKey)
	noZbar := false
	for _, size := range Panels {
		l, _ := New(size)
		for _, sc := range []scene{scenes[0], scenes[1], scenes[3]} {
			st := sc.state(t, []i18n.Lang{i18n.EN, i18n.ZHHant})
			img, err := l.Render(st)
			if err != nil {
				t.Fatal(err)
			}
			name := sizeName(size) + "_" + sc.name
			got, err := qrread.Gozxing(img)
			if err != nil {
				t.Errorf("%s: gozxing: %v", name, err)
				continue
			}
			if got != st.Payload {
				t.Errorf("%s: gozxing read %q, want %q", name, got, st.Payload)
			}
			code, err := venueqr.Verify(pub, got, t0.Add(venueqr.DefaultPeriod), venueqr.DefaultPeriod)
			if err != nil || code.Venue != "CM-01" || code.Slot != venueqr.SlotAt(t0, venueqr.DefaultPeriod) {
				t.Errorf("%s: Verify: %+v, %v", name, code, err)
			}
			zgot, err := qrread.Zbar(img, t.TempDir())
			if errors.Is(err, qrread.ErrNoZbar) {
				noZbar = true
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if zgot != st.Payload {
				t.Errorf("%s: zbarimg read %q, want %q", name, zgot, st.Payload)
			}
			if _, err := venueqr.Verify(pub, zgot, t0, venueqr.DefaultPeriod); err != nil {
				t.Errorf("%s: zbarimg's payload: %v", name, err)
			}
		}
	}
	if noZbar {
		t.Skipf("%v: checked with gozxing only", qrread.ErrNoZbar)
	}
}

func TestUntrustedShowsNoCode(t *testing.T) {
	for _, size := range Panels {
		l, _ := New(size)
		st := baseState(t, []i18n.Lang{i18n.EN})
		st.Payload, st.Paused = "", i18n.TimeUntrusted
		img, err := l.Render(st)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := qrread.Gozxing(img); err == nil {
			t.Errorf("%v: untrusted time, yet a QR code reads %q", size, got)
		}
		white := l.NewFrame()
		if changedInside(white, img, l.QRWindow()) == 0 {
			t.Errorf("%v: the QR window is blank: want the reason", size)
		}
	}
}

func TestPayloadTooLong(t *testing.T) {
	l, _ := New(Panel213)
	st := baseState(t, nil)
	st.Payload = strings.Repeat("A", 400)
	if _, err := l.Render(st); err == nil {
		t.Error("a 400-character payload in a version 5 symbol: no error")
	}
}

func TestSymbolsDistinct(t *testing.T) {
	syms := []Symbol{Tick, Bang, Cross, Info, Leave}
	imgs := map[Symbol]*image.Gray{}
	for _, s := range syms {
		img := image.NewGray(image.Rect(0, 0, 64, 64))
		fill(img, img.Bounds(), 255)
		drawSymbol(img, img.Bounds(), s)
		black := 0
		for _, v := range img.Pix {
			if v == 0 {
				black++
			} else if v != 255 {
				t.Fatalf("symbol %d: grey pixel %d", s, v)
			}
		}
		if black < 64*64/10 || black > 64*64/2 {
			t.Errorf("symbol %d: %d black pixels of %d, want 10%%–50%%", s, black, 64*64)
		}
		imgs[s] = img
	}
	for i, a := range syms {
		for _, b := range syms[i+1:] {
			if d := changedInside(imgs[a], imgs[b], imgs[a].Bounds()); d < 64*64/10 {
				t.Errorf("symbols %d and %d differ in %d pixels only", a, b, d)
			}
		}
	}
}

func TestInitials(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"CHAN, Tai Man", "C.T.M."},
		{"Mustermann Erika", "M.E."},
		{"John B. Anyperson", "J.B.A."},
		{"陳大文", "陳"},
		{"van der Berg-Smit, Anna Maria Louise", "V.D.B.S."},
		{"", ""},
		{" , . ", ""},
		// Hong Kong records: the masked document number in parentheses
		// is not part of the name.
		{"CHEUNG K** W** (Z123****)", "C.K.W."},
		{"LAM S** F** (Y456****)", "L.S.F."},
		{"(HKIC A123****)", ""},
	} {
		if got := Initials(tc.name); got != tc.want {
			t.Errorf("Initials(%q): got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestBirthYear(t *testing.T) {
	for _, tc := range []struct{ dob, want string }{
		{"1985-04-12", "1985"},
		{"1964", "1964"},
		{"1964-05", "1964"},
		{"", ""},
		{"85", ""},
		{"19x5-01-01", ""},
		{"0001-01-01", ""},
		{"19850412", ""},
	} {
		if got := BirthYear(tc.dob); got != tc.want {
			t.Errorf("BirthYear(%q): got %q, want %q", tc.dob, got, tc.want)
		}
	}
}

func TestVerdictStatus(t *testing.T) {
	v := &verify.Verdict{Status: verify.Green, Holder: pass.Holder{Name: "CHAN, Tai Man", DOB: "1985-04-12"}}
	v.Worsen(verify.Red, pass.Revoked, "on the list")
	st := VerdictStatus(v, false)
	if st.Initials != "" || st.Year != "" {
		t.Errorf("showHolder false: got initials %q, year %q", st.Initials, st.Year)
	}
	if st.Symbol != Cross || st.Headline != i18n.VerdictRed || st.Reason != pass.Revoked {
		t.Errorf("red verdict: got %+v", st)
	}
	st = VerdictStatus(v, true)
	if st.Initials != "C.T.M." || st.Year != "1985" {
		t.Errorf("showHolder true: got initials %q, year %q", st.Initials, st.Year)
	}
	g := VerdictStatus(&verify.Verdict{Status: verify.Green, Reasons: []verify.Reason{{Code: pass.StaleData}}}, false)
	if g.Symbol != Tick || g.Reason != "" {
		t.Errorf("green verdict: got %+v, want a tick and no reason", g)
	}
}

func BenchmarkRenderQR213(b *testing.B) {
	l, _ := New(Panel213)
	st := baseState(b, []i18n.Lang{i18n.EN, i18n.ZHHant})
	frame, _ := l.Render(st)
	for b.Loop() {
		l.Draw(frame, st, QR)
	}
}

func BenchmarkRenderAll75(b *testing.B) {
	l, _ := New(Panel75)
	st := scenes[1].state(b, []i18n.Lang{i18n.EN, i18n.ZHHant})
	for b.Loop() {
		l.Render(st)
	}
}
