package epdemu

import (
	"fmt"
	"image"
	"testing"

	"periph.io/x/conn/v3/gpio"

	"github.com/venuekiosk/venuekiosk/internal/epd"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdtest"
)

// The emulated controllers hold each model to what its real one can do.

// A partial refresh with the OTP's waveform (0x22 0xFF) works on a panel
// whose OTP holds one (2.13" V4) and leaves the glass unchanged, flagged,
// on one that does not (2.9" V2); with a waveform written into 0x32 and a
// display without loading the OTP's (0x22 0xC0, then 0x0F) it works.
func TestSSDOTPPartial(t *testing.T) {
	for _, tt := range []struct {
		m    epd.Model
		lut  bool
		want bool // the window changes
	}{
		{epd.Waveshare2in13V4, false, true},
		{epd.Waveshare2in9V2, false, false},
		{epd.Waveshare2in9V2, true, true},
	} {
		t.Run(fmt.Sprintf("%s lut %v", tt.m.Name, tt.lut), func(t *testing.T) {
			m := tt.m
			h := newHost(t, m, nil)
			white := frameOf(m.Width, m.Height, func(x, y int) bool { return true })
			h.ssdInit()
			h.ssdWrite(0x24, white)
			h.ssdWrite(0x26, white)
			h.ssdUpdate(0xF7)
			h.noErrors()
			before := h.e.Image()
			dark := frameOf(m.Width, m.Height, func(x, y int) bool { return x >= 16 })
			h.ssdWrite(0x24, dark)
			opt := byte(0xFF)
			if tt.lut {
				h.cmd(0x32, make([]byte, 153)...)
				h.ssdUpdate(0xC0)
				opt = 0x0F
			}
			h.ssdUpdate(opt)
			changed, _ := epdtest.Diff(h.e.Image(), before)
			switch {
			case tt.want && changed != 16*m.Height:
				t.Errorf("%s (LUT %v): %d pixels changed, want the %d of the dark stripe", m.Name, tt.lut, changed, 16*m.Height)
			case !tt.want && changed != 0:
				t.Errorf("%s (LUT %v): %d pixels changed with a waveform its OTP lacks", m.Name, tt.lut, changed)
			}
			if tt.want {
				h.noErrors()
				if got := h.e.Refreshes(); got != (Counts{Full: 1, Partial: 1}) {
					t.Errorf("%s: Refreshes = %+v", m.Name, got)
				}
			} else {
				h.wantError("OTP holds no partial waveform")
				if got := h.e.Refreshes(); got != (Counts{Full: 1}) {
					t.Errorf("%s: Refreshes = %+v, want the partial one not counted", m.Name, got)
				}
			}
		})
	}
}

// A fast refresh (the OTP's waveform at a forced high temperature) on a
// panel without one is flagged too.
func TestSSDOTPFast(t *testing.T) {
	h := newHost(t, epd.Waveshare2in9V2, nil)
	h.ssdInit()
	h.cmd(0x1A, 100, 0)
	h.ssdUpdate(0x91)
	h.ssdUpdate(0xC7)
	h.wantError("OTP holds no fast waveform")
}

// With RAM ping-pong (0x37, sixth byte 0x40) the image a display-mode-2
// update showed becomes the old one: RED RAM holds BW RAM's image after.
func TestSSDPingPong(t *testing.T) {
	for _, pingPong := range []bool{false, true} {
		m := epd.Waveshare2in13V4
		h := newHost(t, m, nil)
		h.ssdInit()
		opt := make([]byte, 10)
		if pingPong {
			opt[5] = 0x40
		}
		h.cmd(0x37, opt...)
		f := frameOf(m.Width, m.Height, func(x, y int) bool { return (x+y)%3 == 0 })
		h.ssdWrite(0x24, f)
		h.ssdUpdate(0xFF)
		h.noErrors()
		cur, old := h.e.Memory()
		if n, _ := epdtest.Diff(cur, old); (n == 0) != pingPong {
			t.Errorf("ping-pong %v: RED RAM differs from BW RAM in %d pixels after a partial refresh", pingPong, n)
		}
	}
}

// On the 7.5" V2's older stock the OTP holds no waveform: a refresh with
// the panel setting's OTP waveform (REG=0) leaves the glass unchanged,
// flagged; with the LUT registers written and REG=1 it works, and the
// same OTP refresh works on the current stock.
func TestUCOTPWaveforms(t *testing.T) {
	for _, tt := range []struct {
		m    epd.Model
		psr  byte
		luts bool
		want bool
	}{
		{epd.Waveshare7in5V2, 0x1F, false, true},
		{epd.Waveshare7in5V2Old, 0x1F, false, false},
		{epd.Waveshare7in5V2Old, 0x3F, true, true},
		{epd.Waveshare7in5V2, 0x3F, true, true},
	} {
		t.Run(fmt.Sprintf("%s psr %#x luts %v", tt.m.Name, tt.psr, tt.luts), func(t *testing.T) {
			m := tt.m
			h := newHost(t, m, nil)
			before := h.e.Image()
			h.ucInit(tt.psr, 0x21)
			if tt.luts {
				for c := byte(0x20); c <= 0x24; c++ {
					h.cmd(c, make([]byte, 42)...)
				}
			}
			white := frameOf(m.Width, m.Height, func(x, y int) bool { return true })
			h.cmd(0x13)
			h.data(white.Pix)
			h.ucRefresh()
			n, _ := epdtest.Diff(h.e.Image(), epdtest.Solid(image.Rect(0, 0, m.Width, m.Height), true))
			if tt.want {
				h.noErrors()
				if n != 0 {
					t.Errorf("%s PSR %#02x: %d pixels not white after a full refresh", m.Name, tt.psr, n)
				}
				return
			}
			h.wantError("OTP holds no full waveform")
			if n, _ := epdtest.Diff(h.e.Image(), before); n != 0 {
				t.Errorf("%s PSR %#02x: the glass changed (%d pixels) with a waveform the OTP lacks", m.Name, tt.psr, n)
			}
		})
	}
}

// Behind a switched supply (HAT rev 2.3) the panel starts without power:
// BUSY reads low (the board's pull-down: idle to an SSD168x driver, busy
// to a UC8179 one), it takes no command, and a control line driven high
// before the supply, or still high when it is cut, is flagged.
func TestSwitchedSupply(t *testing.T) {
	for _, m := range []epd.Model{epd.Waveshare2in9V2, epd.Waveshare7in5V2} {
		h := newHost(t, m, &Opts{Switched: true})
		if h.e.Powered() {
			t.Fatalf("%s: a switched panel starts powered", m.Name)
		}
		if got := h.e.Busy().Read(); got != gpio.Low {
			t.Errorf("%s: BUSY of an unpowered panel reads %v, want low", m.Name, got)
		}
		h.cmd(0x12)
		h.wantError("no power")
		if h.e.Refreshes().Total() != 0 || len(h.e.Log()) != 0 {
			t.Errorf("%s: an unpowered controller took a command: %v", m.Name, h.e.Log())
		}

		// The vendor's order: RST and DC low, power, then the reset.
		h = newHost(t, m, &Opts{Switched: true})
		_ = h.e.Power().Out(gpio.High)
		h.idle()
		h.reset()
		h.idle()
		h.noErrors()
		_ = h.e.RST().Out(gpio.Low)
		_ = h.e.DC().Out(gpio.Low)
		_ = h.e.Power().Out(gpio.Low)
		h.noErrors()

		// The other way round.
		h = newHost(t, m, &Opts{Switched: true})
		_ = h.e.RST().Out(gpio.High)
		h.wantError("RST driven high while the panel has no power")
		h = newHost(t, m, &Opts{Switched: true})
		_ = h.e.DC().Out(gpio.High)
		h.wantError("D/C driven high while the panel has no power")
		h = newHost(t, m, &Opts{Switched: true})
		_ = h.e.Power().Out(gpio.High)
		h.reset()
		h.idle()
		_ = h.e.Power().Out(gpio.Low)
		h.wantError("power cut with RST High")
	}
}
