package venueqr

import (
	"fmt"
	"image"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	zqr "github.com/makiuchi-d/gozxing/qrcode"
	qrcode "github.com/skip2/go-qrcode"
)

func whiteGray(w, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	return img
}

func decode(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("gozxing: %v", err)
	}
	return res.GetText()
}

func TestSpecsHoldTheLongestCode(t *testing.T) {
	longest, _, _ := signer(t, strings.Repeat("_", MaxVenueLen)).Payload(t0)
	for _, spec := range []Spec{Compact, Robust} {
		sym, err := spec.Encode(longest)
		if err != nil {
			t.Fatalf("%+v: %v", spec, err)
		}
		if got, want := sym.Size(), spec.Modules(); got != want {
			t.Errorf("%+v: %d modules, want %d", spec, got, want)
		}
		px := 3
		img := whiteGray((sym.Size()+2*QuietZone)*px, (sym.Size()+2*QuietZone)*px)
		sym.Draw(img, image.Pt(QuietZone*px, QuietZone*px), px)
		if got := decode(t, img); got != longest {
			t.Errorf("%+v: decoded %q, want %q", spec, got, longest)
		}
	}
	// The specs are tight: one version less does not hold the code.
	for _, spec := range []Spec{{Version: 4, Level: qrcode.Low}, {Version: 5, Level: qrcode.Medium}} {
		if _, err := spec.Encode(longest); err == nil {
			t.Errorf("%+v holds %d characters: the fixed spec could be smaller", spec, len(longest))
		}
	}
}

func TestSymbolSizeFixedAcrossRotations(t *testing.T) {
	for _, venue := range []string{"A", "central_market-01"} {
		s := signer(t, venue)
		for i := 0; i < 5; i++ {
			p, _, _ := s.Payload(t0.Add(time.Duration(i) * s.Period()))
			sym, err := Compact.Encode(p)
			if err != nil {
				t.Fatal(err)
			}
			if sym.Size() != Compact.Modules() {
				t.Errorf("%s rotation %d: %d modules, want %d", venue, i, sym.Size(), Compact.Modules())
			}
		}
	}
}

func TestDrawIsWholePixelModules(t *testing.T) {
	p, _, _ := signer(t, "CM-01").Payload(t0)
	sym, _ := Compact.Encode(p)
	const px, off = 4, 10
	img := whiteGray(sym.Size()*px+2*off, sym.Size()*px+2*off)
	sym.Draw(img, image.Pt(off, off), px)
	for y := 0; y < img.Bounds().Dy(); y++ {
		for x := 0; x < img.Bounds().Dx(); x++ {
			v := img.GrayAt(x, y).Y
			want := uint8(255)
			mx, my := (x-off)/px, (y-off)/px
			if x >= off && y >= off && mx < sym.Size() && my < sym.Size() && sym.Dark(mx, my) {
				want = 0
			}
			if v != want {
				t.Fatalf("pixel (%d,%d) = %d, want %d (module %d,%d)", x, y, v, want, mx, my)
			}
		}
	}
	if got := decode(t, img); got != p {
		t.Errorf("decoded %q, want %q", got, p)
	}
}

func TestEncodeRejects(t *testing.T) {
	if _, err := (Spec{Version: 0, Level: qrcode.Low}).Encode("VK1:A"); err == nil {
		t.Error("version 0: no error")
	}
	if _, err := (Spec{Version: 41, Level: qrcode.Low}).Encode("VK1:A"); err == nil {
		t.Error("version 41: no error")
	}
	if _, err := Compact.Encode(strings.Repeat("A", 200)); err == nil {
		t.Error("200 characters in version 5-L: no error")
	}
}

func TestScale(t *testing.T) {
	for _, tc := range []struct{ side, modules, quiet, want int }{
		{122, 37, 0, 3},
		{122, 37, 4, 2},
		{296, 41, 4, 6},
		{40, 37, 4, 0},
	} {
		t.Run(fmt.Sprintf("side %d modules %d quiet %d", tc.side, tc.modules, tc.quiet), func(t *testing.T) {
			if got := Scale(tc.side, tc.modules, tc.quiet); got != tc.want {
				t.Errorf("Scale(%d, %d, %d): got %d, want %d", tc.side, tc.modules, tc.quiet, got, tc.want)
			}
		})
	}
}

func BenchmarkEncodeCompact(b *testing.B) {
	p, _, _ := signer(b, "central_market-01").Payload(t0)
	for b.Loop() {
		Compact.Encode(p)
	}
}
