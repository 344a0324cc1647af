package qrread

import (
	"errors"
	"image"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

func TestRead(t *testing.T) {
	const want = "VK1:HELLO-KIOSK"
	q, err := qrcode.New(want, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	img := q.Image(256)
	if got, err := Gozxing(img); err != nil || got != want {
		t.Errorf("Gozxing: got %q, %v; want %q", got, err, want)
	}
	got, err := Zbar(img, t.TempDir())
	switch {
	case errors.Is(err, ErrNoZbar):
		t.Log(err)
	case err != nil || got != want:
		t.Errorf("Zbar: got %q, %v; want %q", got, err, want)
	}
	blank := image.NewGray(image.Rect(0, 0, 64, 64))
	for i := range blank.Pix {
		blank.Pix[i] = 0xff
	}
	if _, err := Gozxing(blank); err == nil {
		t.Error("Gozxing read a code from a blank image")
	}
	if _, err := Zbar(blank, t.TempDir()); err == nil {
		t.Error("Zbar read a code from a blank image")
	}
}
