package ssd1680

import (
	"errors"
	"image"
	"image/color"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi"

	"github.com/venuekiosk/venuekiosk/drivers/epd"
	"github.com/venuekiosk/venuekiosk/drivers/epd/epdtest"
	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
)

func TestNewBadOpts(t *testing.T) {
	e, err := epdemu.New(epd.Waveshare2in13V4, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := epd.Waveshare2in13V4
	for _, tt := range []struct {
		name string
		o    *Opts
		want string
	}{
		{"nil opts", nil, "Opts with a Model are required"},
		{"no model", &Opts{}, "unknown controller"},
		{"uc8179 model", &Opts{Model: epd.Waveshare7in5V2}, "has a uc8179 controller"},
		{"SPI too fast", &Opts{Model: m, SPIHz: 21 * physic.MegaHertz}, "SPI clock"},
		{"SPI negative", &Opts{Model: m, SPIHz: -1}, "SPI clock"},
		{"rotation", &Opts{Model: m, Rotation: 45}, "rotation 45"},
		{"timeout", &Opts{Model: m, Timeouts: epd.Timeouts{Partial: time.Hour}}, "partial timeout"},
		{"fast temperature", &Opts{Model: m, FastTemperature: 200}, "fast temperature"},
		{"chunk", &Opts{Model: m, Chunk: 8}, "SPI chunk"},
	} {
		if _, err := New(e.Port(), e.DC(), e.RST(), e.Busy(), tt.o); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: New error = %v, want %q", tt.name, err, tt.want)
		}
	}
	o := &Opts{Model: m}
	if _, err := New(nil, e.DC(), e.RST(), e.Busy(), o); err == nil {
		t.Errorf("New with a nil port succeeded")
	}
	if _, err := NewConn(nil, e.DC(), e.RST(), e.Busy(), o); err == nil {
		t.Errorf("NewConn with a nil connection succeeded")
	}
	for i, pins := range [][3]any{{nil, e.RST(), e.Busy()}, {e.DC(), nil, e.Busy()}, {e.DC(), e.RST(), nil}} {
		dc, _ := pins[0].(gpio.PinOut)
		rst, _ := pins[1].(gpio.PinOut)
		busy, _ := pins[2].(gpio.PinIn)
		if _, err := New(e.Port(), dc, rst, busy, o); err == nil || !strings.Contains(err.Error(), "pins are required") {
			t.Errorf("pins %d nil: New error = %v", i, err)
		}
	}
	slow, _ := epdemu.New(m, &epdemu.Opts{MaxSpeed: physic.MegaHertz})
	if _, err := New(slow.Port(), slow.DC(), slow.RST(), slow.Busy(), o); err == nil || !strings.Contains(err.Error(), "SPI clock") {
		t.Errorf("New on a 1 MHz port at 4 MHz: %v", err)
	}
	c, err := slow.Port().Connect(physic.MegaHertz, spi.Mode0, 8)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewConn(c, slow.DC(), slow.RST(), slow.Busy(), o); err != nil {
		t.Errorf("NewConn on a connection made: %v", err)
	}
}

func TestBadImages(t *testing.T) {
	e, d := newFixture(t, epd.Waveshare2in9V2, nil, func(_ *epdemu.Emu, o *Opts) { o.Rotation = epd.Rotate90 })
	if got, want := d.Bounds(), image.Rect(0, 0, 296, 128); got != want {
		t.Fatalf("Bounds with Rotate90 = %v, want %v", got, want)
	}
	for _, tt := range []struct {
		name string
		run  func() error
		want string
	}{
		{"full unrotated size", func() error { return d.Full(epdtest.Solid(image.Rect(0, 0, 128, 296), true)) }, "image bounds"},
		{"full nil", func() error { return d.Full(nil) }, "nil image"},
		{"fast on the 2.9\"", func() error { return d.Fast(epdtest.Solid(d.Bounds(), true)) }, "no fast refresh"},
		{"partial outside", func() error { return d.Partial(epdtest.Solid(d.Bounds(), true), image.Rect(290, 0, 300, 8)) }, "not inside the panel"},
		{"partial empty", func() error { return d.Partial(epdtest.Solid(d.Bounds(), true), image.Rect(8, 8, 8, 16)) }, "empty window"},
		{"partial image too small", func() error { return d.Partial(epdtest.Solid(image.Rect(0, 0, 10, 10), true), image.Rect(0, 0, 20, 8)) }, "not inside the image"},
	} {
		if err := tt.run(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	if err := d.Fast(epdtest.Solid(d.Bounds(), true)); !errors.Is(err, epd.ErrNoFast) {
		t.Errorf("Fast on the 2.9\" is not ErrNoFast: %v", err)
	}
	if n := e.Bytes(); n != 0 {
		t.Errorf("rejected calls sent %d bytes", n)
	}
}

func TestDevBasics(t *testing.T) {
	e, d := newFixture(t, epd.Waveshare2in13V4, nil, func(e *epdemu.Emu, o *Opts) { o.Power = e.Power() })
	if got := d.String(); got != "ssd1680(waveshare_2in13_v4)" {
		t.Errorf("String() = %q", got)
	}
	if d.Model() != epd.Waveshare2in13V4 {
		t.Errorf("Model() = %v", d.Model())
	}
	if c := d.ColorModel().Convert(color.Gray{0x90}); c != color.White {
		t.Errorf("ColorModel() turns light gray into %v, want white", c)
	}
	if err := d.Full(epdtest.Pattern(d.Bounds(), 0)); err != nil {
		t.Fatal(err)
	}
	if got, want := d.BytesSent(), e.Bytes(); got != want || got == 0 {
		t.Errorf("BytesSent() = %d, the emulator received %d", got, want)
	}
	s := d.Stats()
	if s.Bytes != int(e.Bytes()) || s.Transactions == 0 || s.Window != d.Bounds() || s.Refresh != epd.Full {
		t.Errorf("Stats() = %+v, emulator %d bytes", s, e.Bytes())
	}
	_ = e.Power().Out(gpio.High)
	if err := d.Halt(); err != nil || e.Powered() {
		t.Errorf("Halt() = %v, powered %v", err, e.Powered())
	}
	_, plain := newFixture(t, epd.Waveshare2in13V4, nil, nil)
	if err := plain.Halt(); err != nil {
		t.Errorf("Halt() without a power switch = %v", err)
	}
}

func TestChunking(t *testing.T) {
	m := epd.Waveshare4in2V2
	for _, tt := range []struct {
		name  string
		eo    *epdemu.Opts
		chunk int
		want  int
	}{
		{"default: spidev's 4096", nil, 0, 4096},
		{"1 KiB chunks", nil, 1024, 1024},
		{"a port that reports 512", &epdemu.Opts{MaxTx: 512}, 0, 512},
	} {
		e, d := newFixture(t, m, tt.eo, func(_ *epdemu.Emu, o *Opts) { o.Chunk = tt.chunk })
		if err := d.Full(epdtest.Pattern(d.Bounds(), 0)); err != nil {
			t.Fatal(err)
		}
		if err := d.Partial(epdtest.Pattern(d.Bounds(), 1), image.Rect(0, 0, 400, 200)); err != nil {
			t.Fatal(err)
		}
		noErrors(t, e)
		if got := e.MaxTx(); got != tt.want {
			t.Errorf("%s: largest transaction %d bytes, want %d", tt.name, got, tt.want)
		}
	}
	// A port that takes less but does not say so fails the refresh.
	e, d := newFixture(t, m, &epdemu.Opts{MaxTx: 512, HideLimit: true}, nil)
	if err := d.Full(epdtest.Pattern(d.Bounds(), 0)); err == nil || !strings.Contains(err.Error(), "exceeds 512") {
		t.Errorf("Full through a 512-byte port with 4096-byte chunks: %v", err)
	}
	if len(e.Errors()) == 0 {
		t.Errorf("the emulator did not record the oversized transaction")
	}
}
