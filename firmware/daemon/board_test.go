package daemon_test

import (
	"bytes"
	"image"
	"image/draw"
	"image/png"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdtest"
)

// panel.spi = "emulator": the model's real driver on the built-in
// emulator, whose glass is the panel's PNG; a panel that cannot be
// emulated is a configuration error.
func TestEmulatedPanel(t *testing.T) {
	cfg := config.Default()
	cfg.Scanner.Device = ""
	cfg.Lights.Driver = "none"
	cfg.Panel.Model = "waveshare_2in13_v4"
	cfg.Panel.SPI = daemon.EmulatedSPI
	hw, err := daemon.NewHardware(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer hw.Close()
	if hw.Panel == nil || hw.PanelPNG == nil || !strings.Contains(hw.PanelName, "emulated") {
		t.Fatalf("hardware: panel %v, PNG %v, name %q; want the emulated panel", hw.Panel, hw.PanelPNG != nil, hw.PanelName)
	}
	want := epdtest.Pattern(hw.Panel.Bounds(), 3)
	if err := hw.Panel.Full(want); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := hw.PanelPNG(&b); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds(); got != want.Bounds() {
		t.Fatalf("panel PNG is %v; want the 2.13\" panel's %v", got, want.Bounds())
	}
	gray := image.NewGray(img.Bounds())
	draw.Draw(gray, gray.Bounds(), img, image.Point{}, draw.Src)
	if n, first := epdtest.Diff(gray, want); n != 0 {
		t.Errorf("the emulated glass differs from what was drawn in %d pixels, first %v", n, first)
	}

	cfg.Panel.Model = "no_such_panel"
	if _, err := daemon.NewHardware(cfg); err == nil {
		t.Error("an unknown model on the emulator: no error")
	}
}
