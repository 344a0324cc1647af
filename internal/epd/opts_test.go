package epd_test

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

	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
	"github.com/venuekiosk/venuekiosk/drivers/ssd1680"
	"github.com/venuekiosk/venuekiosk/drivers/uc8179"
	"github.com/venuekiosk/venuekiosk/internal/epd"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdemutest"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdtest"
)

func TestNewBadOpts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		open  func(spi.Port, gpio.PinOut, gpio.PinOut, gpio.PinIn, *epd.Opts) (*epd.Dev, error)
		conn  func(spi.Conn, gpio.PinOut, gpio.PinOut, gpio.PinIn, *epd.Opts) (*epd.Dev, error)
		m     epd.Model
		other epd.Model
	}{
		{"ssd1680", ssd1680.New, ssd1680.NewConn, epd.Waveshare2in13V4, epd.Waveshare7in5V2},
		{"uc8179", uc8179.New, uc8179.NewConn, epd.Waveshare7in5V2, epd.Waveshare2in13V4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := epdemu.New(tc.m, nil)
			if err != nil {
				t.Fatal(err)
			}
			m := tc.m
			for _, tt := range []struct {
				name string
				o    *epd.Opts
				want string
			}{
				{"nil opts", nil, tc.name + ": Opts with a Model are required"},
				{"no model", &epd.Opts{}, "unknown controller"},
				{"other controller", &epd.Opts{Model: tc.other}, tc.name + ": model \"" + tc.other.Name + "\" has a " + tc.other.Controller.String() + " controller"},
				{"SPI too fast", &epd.Opts{Model: m, SPIHz: 21 * physic.MegaHertz}, "SPI clock"},
				{"SPI negative", &epd.Opts{Model: m, SPIHz: -1}, "SPI clock"},
				{"SPI too slow", &epd.Opts{Model: m, SPIHz: epd.MinSPIHz - physic.Hertz}, "SPI clock 99.999kHz: want 100kHz to 20MHz"},
				{"rotation", &epd.Opts{Model: m, Rotation: 45}, "rotation 45"},
				{"timeout", &epd.Opts{Model: m, Timeouts: epd.Timeouts{Partial: time.Hour}}, "partial timeout"},
				{"command timeout", &epd.Opts{Model: m, Timeouts: epd.Timeouts{Command: time.Nanosecond}}, "command timeout"},
				{"fast temperature", &epd.Opts{Model: m, FastTemperature: 200}, "fast temperature"},
				{"small chunk", &epd.Opts{Model: m, Chunk: 8}, "SPI chunk"},
				{"large chunk", &epd.Opts{Model: m, Chunk: 1 << 20}, "SPI chunk"},
			} {
				t.Run(tt.name, func(t *testing.T) {
					if _, err := tc.open(e.Port(), e.DC(), e.RST(), e.Busy(), tt.o); err == nil || !strings.Contains(err.Error(), tt.want) {
						t.Errorf("%s: %s: New error = %v, want %q", tc.name, tt.name, err, tt.want)
					}
				})
			}
			o := &epd.Opts{Model: m}
			if _, err := tc.open(nil, e.DC(), e.RST(), e.Busy(), o); err == nil {
				t.Errorf("%s: New with a nil port succeeded", tc.name)
			}
			if _, err := tc.conn(nil, e.DC(), e.RST(), e.Busy(), o); err == nil {
				t.Errorf("%s: NewConn with a nil connection succeeded", tc.name)
			}
			for i, pins := range [][3]any{{nil, e.RST(), e.Busy()}, {e.DC(), nil, e.Busy()}, {e.DC(), e.RST(), nil}} {
				dc, _ := pins[0].(gpio.PinOut)
				rst, _ := pins[1].(gpio.PinOut)
				busy, _ := pins[2].(gpio.PinIn)
				if _, err := tc.open(e.Port(), dc, rst, busy, o); err == nil || !strings.Contains(err.Error(), "pins are required") {
					t.Errorf("%s: pins %d nil: New error = %v", tc.name, i, err)
				}
			}
			slow, _ := epdemu.New(m, &epdemu.Opts{MaxSpeed: physic.MegaHertz})
			if _, err := tc.open(slow.Port(), slow.DC(), slow.RST(), slow.Busy(), o); err == nil || !strings.Contains(err.Error(), "SPI clock") {
				t.Errorf("%s: New on a 1 MHz port at 4 MHz: %v", tc.name, err)
			}
			c, err := slow.Port().Connect(physic.MegaHertz, spi.Mode0, 8)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tc.conn(c, slow.DC(), slow.RST(), slow.Busy(), o); err != nil {
				t.Errorf("%s: NewConn on a connection made: %v", tc.name, err)
			}
		})
	}
}

func TestBadImages(t *testing.T) {
	for _, m := range epd.Models {
		e, d := fixture(t, m, nil, func(_ *epdemu.Emu, o *epd.Opts) { o.Rotation = epd.Rotate90 })
		if got, want := d.Bounds(), image.Rect(0, 0, m.Height, m.Width); got != want {
			t.Fatalf("%s: Bounds with Rotate90 = %v, want %v", m.Name, got, want)
		}
		b := d.Bounds()
		for _, tt := range []struct {
			name string
			run  func() error
			want string
		}{
			{"full unrotated size", func() error { return d.Full(epdtest.Solid(image.Rect(0, 0, m.Width, m.Height), true)) }, "image bounds"},
			{"full nil", func() error { return d.Full(nil) }, "nil image"},
			{"partial outside", func() error { return d.Partial(epdtest.Solid(b, true), image.Rect(b.Max.X-6, 0, b.Max.X+4, 8)) }, "not inside the panel"},
			{"partial empty", func() error { return d.Partial(epdtest.Solid(b, true), image.Rect(8, 8, 8, 16)) }, "empty window"},
			{"partial image too small", func() error { return d.Partial(epdtest.Solid(image.Rect(0, 0, 10, 10), true), image.Rect(0, 0, 20, 8)) }, "not inside the image"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if err := tt.run(); err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s: %s: %v, want %q", m.Name, tt.name, err, tt.want)
				}
			})
		}
		if err := d.Fast(epdtest.Solid(b, true)); !m.HasFast() && !errors.Is(err, epd.ErrNoFast) {
			t.Errorf("%s: Fast on a model without one is not ErrNoFast: %v", m.Name, err)
		}
		if n := e.Bytes(); n != 0 && !m.HasFast() {
			t.Errorf("%s: rejected calls sent %d bytes", m.Name, n)
		}
	}
}

func TestDevBasics(t *testing.T) {
	for _, m := range epd.Models {
		e, d := fixture(t, m, nil, func(e *epdemu.Emu, o *epd.Opts) { o.Power = e.Power() })
		if got, want := d.String(), m.Controller.String()+"("+m.Name+")"; got != want && !(m.Controller == epd.SSD1683 && got == "ssd1680("+m.Name+")") {
			t.Errorf("String() = %q, want %q", got, want)
		}
		if d.Model() != m {
			t.Errorf("Model() = %v", d.Model())
		}
		if c := d.ColorModel().Convert(color.Gray{0x90}); c != color.White {
			t.Errorf("ColorModel() turns light gray into %v, want white", c)
		}
		if err := d.Full(epdtest.Pattern(d.Bounds(), 0)); err != nil {
			t.Fatal(err)
		}
		if got, want := d.BytesSent(), e.Bytes(); got != want || got == 0 {
			t.Errorf("%s: BytesSent() = %d, the emulator received %d", m.Name, got, want)
		}
		s := d.Stats()
		if s.Bytes != int(e.Bytes()) || s.Transactions == 0 || s.Window != d.Bounds() || s.Refresh != epd.Full {
			t.Errorf("%s: Stats() = %+v, emulator %d bytes", m.Name, s, e.Bytes())
		}
		_ = e.Power().Out(gpio.High)
		if err := d.Halt(); err != nil || e.Powered() {
			t.Errorf("%s: Halt() = %v, powered %v", m.Name, err, e.Powered())
		}
		_, plain := fixture(t, m, nil, nil)
		if err := plain.Halt(); err != nil {
			t.Errorf("%s: Halt() without a power switch = %v", m.Name, err)
		}
	}
}

func TestChunking(t *testing.T) {
	for _, m := range []epd.Model{epd.Waveshare4in2V2, epd.Waveshare7in5V2} {
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
			t.Run(tt.name, func(t *testing.T) {
				e, d := fixture(t, m, tt.eo, func(_ *epdemu.Emu, o *epd.Opts) { o.Chunk = tt.chunk })
				if err := d.Full(epdtest.Pattern(d.Bounds(), 0)); err != nil {
					t.Fatal(err)
				}
				if err := d.Partial(epdtest.Pattern(d.Bounds(), 1), image.Rect(0, 0, 400, 200)); err != nil {
					t.Fatal(err)
				}
				epdemutest.NoErrors(t, e)
				if got := e.MaxTx(); got != tt.want {
					t.Errorf("%s: %s: largest transaction %d bytes, want %d", m.Name, tt.name, got, tt.want)
				}
			})
		}
		// A port that takes less but does not say so fails the refresh.
		e, d := fixture(t, m, &epdemu.Opts{MaxTx: 512, HideLimit: true}, nil)
		if err := d.Full(epdtest.Pattern(d.Bounds(), 0)); err == nil || !strings.Contains(err.Error(), "exceeds 512") {
			t.Errorf("%s: Full through a 512-byte port with 4096-byte chunks: %v", m.Name, err)
		}
		if len(e.Errors()) == 0 {
			t.Errorf("%s: the emulator did not record the oversized transaction", m.Name)
		}
	}
}
