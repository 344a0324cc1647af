// Package qrread reads QR codes back from images, as a phone would, to
// prove that what the panel shows can be scanned: with gozxing (pure Go,
// always available) and with zbarimg (Debian zbar-tools, a second,
// independent decoder). Tests use it; the firmware never does.
package qrread

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/makiuchi-d/gozxing"
	zqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// Gozxing decodes the QR code in img with gozxing. When its detector finds
// the code's three finder patterns but samples the modules wrongly (about
// one code in a hundred that zbarimg reads: a ChecksumException), the code
// is cut out along its finder patterns and read in pure-barcode mode, as
// phone decoders retry with another strategy. The cut is made only for an
// upright code (as the panel shows it), never rotated or skewed.
func Gozxing(img image.Image) (string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := zqr.NewQRCodeReader().Decode(bmp, nil)
	if err == nil {
		return res.GetText(), nil
	}
	if text, cutErr := readCut(bmp); cutErr == nil {
		return text, nil
	}
	return "", err
}

// readCut reads an upright QR code from bmp by its finder patterns, cut
// out onto white and read in pure-barcode mode. The detector can take a
// data pattern for a finder pattern and then mix up their roles (seen: a
// false bottom-left one, and a false one taken for the top-left), so every
// two of the three found that lie on one row or one column are tried as
// the code's top edge or left edge; the Reed-Solomon check of the pure
// read rejects a wrong cut.
func readCut(bmp *gozxing.BinaryBitmap) (string, error) {
	m, err := bmp.GetBlackMatrix()
	if err != nil {
		return "", err
	}
	info, nf := detector.NewFinderPatternFinder(m, nil).Find(nil)
	if nf != nil {
		return "", nf
	}
	found := []*detector.FinderPattern{info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft()}
	err = errors.New("qrread: no upright code to cut out")
	for _, a := range found {
		ms := a.GetEstimatedModuleSize()
		for _, b := range found {
			var side float64
			switch {
			case math.Abs(a.GetY()-b.GetY()) <= ms && b.GetX() > a.GetX():
				side = b.GetX() - a.GetX() // a top-left, b top-right
			case math.Abs(a.GetX()-b.GetX()) <= ms && b.GetY() > a.GetY():
				side = b.GetY() - a.GetY() // a top-left, b bottom-left
			default:
				continue
			}
			if side < 10*ms { // the smallest code's centres are 14 modules apart
				continue
			}
			var text string
			if text, err = readSquare(m, a.GetX(), a.GetY(), side, ms); err == nil {
				return text, nil
			}
		}
	}
	return "", err
}

// readSquare reads the code whose top-left finder centre is (x, y) and
// whose finder centres are side apart, copied alone onto white.
func readSquare(m *gozxing.BitMatrix, x, y, side, ms float64) (string, error) {
	// A finder pattern's centre is 3.5 modules in from the code's edge;
	// half a module more takes in the edge's rounding (the quiet zone
	// around a code is white).
	edge := 4 * ms
	x0, y0 := int(math.Floor(x-edge)), int(math.Floor(y-edge))
	x1, y1 := int(math.Ceil(x+side+edge)), int(math.Ceil(y+side+edge))
	pad := int(math.Ceil(edge))
	cut := image.NewGray(image.Rect(0, 0, x1-x0+2*pad, y1-y0+2*pad))
	for i := range cut.Pix {
		cut.Pix[i] = 0xff
	}
	for py := max(y0, 0); py < min(y1, m.GetHeight()); py++ {
		for px := max(x0, 0); px < min(x1, m.GetWidth()); px++ {
			if m.Get(px, py) {
				cut.SetGray(px-x0+pad, py-y0+pad, color.Gray{})
			}
		}
	}
	return GozxingPure(cut)
}

// GozxingPure decodes img that holds one unrotated QR code and nothing else
// (a printed card's PNG) with gozxing's pure-barcode mode, which reads the
// modules from the code's bounding box instead of locating its finder
// patterns. gozxing's finder-pattern detector misses about one in a
// hundred such codes that zbarimg reads (staff cards signed with random
// keys: 4 of 300); this mode read all 300.
func GozxingPure(img image.Image) (string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := zqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

// ErrNoZbar says zbarimg is not installed.
var ErrNoZbar = errors.New("zbarimg not found (Debian package zbar-tools)")

// Zbar decodes the QR code in img with zbarimg, through a PNG file in dir.
func Zbar(img image.Image, dir string) (string, error) {
	bin, err := exec.LookPath("zbarimg")
	if err != nil {
		return "", ErrNoZbar
	}
	f, err := os.CreateTemp(dir, "qr-*.png")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	out, err := exec.Command(bin, "-q", "--raw", filepath.Clean(f.Name())).Output()
	if err != nil {
		return "", fmt.Errorf("zbarimg: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}
