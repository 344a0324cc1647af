package uc8179

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
	e, err := epdemu.New(m75, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		o    *Opts
		want string
	}{
		{"nil opts", nil, "Opts with a Model are required"},
		{"no model", &Opts{}, "unknown controller"},
		{"ssd1680 model", &Opts{Model: epd.Waveshare2in13V4}, "has a ssd1680 controller"},
		{"SPI too fast", &Opts{Model: m75, SPIHz: 40 * physic.MegaHertz}, "SPI clock"},
		{"rotation", &Opts{Model: m75, Rotation: 30}, "rotation 30"},
		{"timeout", &Opts{Model: m75, Timeouts: epd.Timeouts{Command: time.Nanosecond}}, "command timeout"},
		{"chunk", &Opts{Model: m75, Chunk: 1 << 20}, "SPI chunk"},
	} {
		if _, err := New(e.Port(), e.DC(), e.RST(), e.Busy(), tt.o); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: New error = %v, want %q", tt.name, err, tt.want)
		}
	}
	o := &Opts{Model: m75}
	if _, err := New(nil, e.DC(), e.RST(), e.Busy(), o); err == nil {
		t.Errorf("New with a nil port succeeded")
	}
	if _, err := NewConn(nil, e.DC(), e.RST(), e.Busy(), o); err == nil {
		t.Errorf("NewConn with a nil connection succeeded")
	}
	var noPin gpio.PinOut
	if _, err := New(e.Port(), noPin, e.RST(), e.Busy(), o); err == nil || !strings.Contains(err.Error(), "pins are required") {
		t.Errorf("New without a DC pin: %v", err)
	}
	c, err := e.Port().Connect(physic.MegaHertz, spi.Mode0, 8)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewConn(c, e.DC(), e.RST(), e.Busy(), o); err != nil {
		t.Errorf("NewConn: %v", err)
	}
}

func TestBadImages(t *testing.T) {
	e, d := newFixture(t, m75, nil, func(_ *epdemu.Emu, o *Opts) { o.Rotation = epd.Rotate270 })
	if got, want := d.Bounds(), image.Rect(0, 0, 480, 800); got != want {
		t.Fatalf("Bounds with Rotate270 = %v, want %v", got, want)
	}
	for _, tt := range []struct {
		name string
		run  func() error
		want string
	}{
		{"full unrotated size", func() error { return d.Full(epdtest.Solid(image.Rect(0, 0, 800, 480), true)) }, "image bounds"},
		{"fast unrotated size", func() error { return d.Fast(epdtest.Solid(image.Rect(0, 0, 800, 480), true)) }, "image bounds"},
		{"partial outside", func() error { return d.Partial(epdtest.Solid(d.Bounds(), true), image.Rect(0, 790, 8, 810)) }, "not inside the panel"},
		{"partial nil", func() error { return d.Partial(nil, image.Rect(0, 0, 8, 8)) }, "nil image"},
	} {
		if err := tt.run(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	if n := e.Bytes(); n != 0 {
		t.Errorf("rejected calls sent %d bytes", n)
	}
	noFast := m75
	noFast.Name, noFast.FastTime = "custom_7in5", 0
	_, d2 := newFixture(t, noFast, nil, nil)
	if err := d2.Fast(epdtest.Solid(d2.Bounds(), true)); !errors.Is(err, epd.ErrNoFast) {
		t.Errorf("Fast on a model without one: %v", err)
	}
}

func TestDevBasics(t *testing.T) {
	e, d := newFixture(t, m75, nil, func(e *epdemu.Emu, o *Opts) { o.Power = e.Power() })
	if got := d.String(); got != "uc8179(waveshare_7in5_v2)" {
		t.Errorf("String() = %q", got)
	}
	if d.Model() != m75 {
		t.Errorf("Model() = %v", d.Model())
	}
	if c := d.ColorModel().Convert(color.Gray{0x70}); c != color.Black {
		t.Errorf("ColorModel() turns dark gray into %v", c)
	}
	if err := d.Partial(epdtest.Pattern(d.Bounds(), 0), image.Rect(0, 0, 8, 8)); err != nil {
		t.Fatal(err)
	}
	if got, want := d.BytesSent(), e.Bytes(); got != want || got == 0 {
		t.Errorf("BytesSent() = %d, the emulator received %d", got, want)
	}
	if e.Powered() {
		t.Errorf("power left on after a refresh")
	}
	_ = e.Power().Out(gpio.High)
	if err := d.Halt(); err != nil || e.Powered() {
		t.Errorf("Halt() = %v, powered %v", err, e.Powered())
	}
}

func TestChunking(t *testing.T) {
	for _, tt := range []struct {
		name  string
		eo    *epdemu.Opts
		chunk int
		want  int
	}{
		{"default: spidev's 4096", nil, 0, 4096},
		{"2 KiB chunks", nil, 2048, 2048},
		{"a port that reports 1000", &epdemu.Opts{MaxTx: 1000}, 0, 1000},
	} {
		e, d := newFixture(t, m75, tt.eo, func(_ *epdemu.Emu, o *Opts) { o.Chunk = tt.chunk })
		if err := d.Full(epdtest.Pattern(d.Bounds(), 0)); err != nil {
			t.Fatal(err)
		}
		if err := d.Partial(epdtest.Pattern(d.Bounds(), 1), image.Rect(0, 0, 800, 200)); err != nil {
			t.Fatal(err)
		}
		noErrors(t, e)
		if got := e.MaxTx(); got != tt.want {
			t.Errorf("%s: largest transaction %d bytes, want %d", tt.name, got, tt.want)
		}
	}
}
