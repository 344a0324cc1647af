// Package qrread reads QR codes back from images, as a phone would, to
// prove that what the panel shows can be scanned: with gozxing (pure Go,
// always available) and with zbarimg (Debian zbar-tools, a second,
// independent decoder). Tests use it; the firmware never does.
package qrread

import (
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/makiuchi-d/gozxing"
	zqr "github.com/makiuchi-d/gozxing/qrcode"
)

// Gozxing decodes the QR code in img with gozxing.
func Gozxing(img image.Image) (string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := zqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
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
