package epdemu

import (
	"fmt"
	"image"
	"testing"

	"periph.io/x/conn/v3/gpio"

	"github.com/venuekiosk/venuekiosk/internal/epd"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdtest"
)

var m75 = epd.Waveshare7in5V2

func TestUCFullPolarity(t *testing.T) {
	pat := epdtest.Pattern(image.Rect(0, 0, m75.Width, m75.Height), 2)
	f := frameOf(m75.Width, m75.Height, func(x, y int) bool { return pat.GrayAt(x, y).Y != 0 })
	inverse := image.NewGray(pat.Bounds())
	for i := range inverse.Pix {
		inverse.Pix[i] = ^pat.Pix[i]
	}
	for _, tt := range []struct {
		cdi  byte
		want *image.Gray
	}{
		{0x21, pat},     // DDX=01: a set bit is white
		{0x10, inverse}, // DDX=00: a set bit is black (Waveshare's init)
	} {
		t.Run(fmt.Sprintf("cdi %#x", tt.cdi), func(t *testing.T) {
			h := newHost(t, m75, nil)
			h.ucInit(0x1F, tt.cdi)
			h.cmd(0x13)
			h.data(f.Pix)
			h.ucRefresh()
			h.noErrors()
			if n, first := epdtest.Diff(h.e.Image(), tt.want); n != 0 {
				t.Errorf("CDI %#02x: %d pixels differ, first %s", tt.cdi, n, first)
			}
			if got := h.e.Refreshes(); got != (Counts{Full: 1}) {
				t.Errorf("CDI %#02x: Refreshes = %+v", tt.cdi, got)
			}
		})
	}
}

func TestUCMirror(t *testing.T) {
	pat := epdtest.Pattern(image.Rect(0, 0, m75.Width, m75.Height), 4)
	f := frameOf(m75.Width, m75.Height, func(x, y int) bool { return pat.GrayAt(x, y).Y != 0 })
	mirror := func(fx, fy bool) *image.Gray {
		g := image.NewGray(pat.Bounds())
		for y := 0; y < m75.Height; y++ {
			for x := 0; x < m75.Width; x++ {
				sx, sy := x, y
				if fx {
					sx = m75.Width - 1 - x
				}
				if fy {
					sy = m75.Height - 1 - y
				}
				g.Pix[y*g.Stride+x] = pat.GrayAt(sx, sy).Y
			}
		}
		return g
	}
	for _, tt := range []struct {
		psr    byte
		fx, fy bool
	}{{0x1F, false, false}, {0x17, false, true}, {0x1B, true, false}, {0x13, true, true}} {
		t.Run(fmt.Sprintf("psr %#x", tt.psr), func(t *testing.T) {
			h := newHost(t, m75, nil)
			h.ucInit(tt.psr, 0x21)
			h.cmd(0x13)
			h.data(f.Pix)
			h.ucRefresh()
			h.noErrors()
			if n, first := epdtest.Diff(h.e.Image(), mirror(tt.fx, tt.fy)); n != 0 {
				t.Errorf("PSR %#02x: %d pixels differ, first %s", tt.psr, n, first)
			}
		})
	}
}

func TestUCPartialAndGhosting(t *testing.T) {
	h := newHost(t, m75, nil)
	white := epd.NewFrame(m75.Width, m75.Height)
	h.ucInit(0x1F, 0x21)
	h.cmd(0x13)
	h.data(white.Pix)
	h.ucRefresh()

	win := image.Rect(200, 100, 400, 300)
	black := epd.NewFrame(m75.Width, m75.Height)
	black.Fill(false)
	all := image.Rect(0, 0, m75.Width, m75.Height)
	want := epdtest.Paste(epdtest.Solid(all, true), epdtest.Solid(all, false), win)

	h.ucInit(0x1F, 0xA1)
	h.ucPartial(win, white, black)
	h.noErrors()
	if n, first := epdtest.Diff(h.e.Image(), want); n != 0 {
		t.Fatalf("partial: %d pixels differ, first %s", n, first)
	}
	if got := h.e.Refreshes(); got != (Counts{Full: 1, Partial: 1}) {
		t.Errorf("Refreshes = %+v", got)
	}
	// OLD stale (white, the glass is black): back to white does nothing.
	h.ucInit(0x1F, 0xA1)
	h.ucPartial(win, white, white)
	if n, _ := epdtest.Diff(h.e.Image(), want); n != 0 {
		t.Fatalf("stale OLD: the window changed (%d pixels); ghosting not modelled", n)
	}
	// OLD right: it works.
	h.ucInit(0x1F, 0xA1)
	h.ucPartial(win, black, white)
	if n, first := epdtest.Diff(h.e.Image(), epdtest.Solid(all, true)); n != 0 {
		t.Errorf("OLD in sync: %d pixels differ, first %s", n, first)
	}
	h.noErrors()
}

func TestUCN2OCP(t *testing.T) {
	// With N2OCP the controller copies NEW to OLD after a refresh: a second
	// partial refresh without OLD data works.
	for _, tt := range []struct {
		cdi   byte
		ghost bool
	}{{0xA9, false}, {0xA1, true}} {
		t.Run(fmt.Sprintf("cdi %#x", tt.cdi), func(t *testing.T) {
			h := newHost(t, m75, nil)
			white := epd.NewFrame(m75.Width, m75.Height)
			black := epd.NewFrame(m75.Width, m75.Height)
			black.Fill(false)
			win := image.Rect(0, 0, 64, 32)
			h.ucInit(0x1F, tt.cdi)
			h.cmd(0x10)
			h.data(white.Pix)
			h.cmd(0x13)
			h.data(white.Pix)
			h.ucRefresh()
			h.ucPartial(win, nil, black)
			h.ucPartial(win, nil, white)
			h.noErrors()
			ghost := h.e.Image().GrayAt(10, 10).Y == 0 // still black
			if ghost != tt.ghost {
				t.Errorf("CDI %#02x: ghost = %v, want %v", tt.cdi, ghost, tt.ghost)
			}
		})
	}
}

func TestUCFast(t *testing.T) {
	for _, tt := range []struct {
		ccset, temp byte
		want        Counts
	}{{0x02, 0x5A, Counts{Fast: 1}}, {0x02, 0x19, Counts{Full: 1}}, {0x00, 0x5A, Counts{Full: 1}}} {
		t.Run(fmt.Sprintf("ccset %#x temp %d", tt.ccset, tt.temp), func(t *testing.T) {
			h := newHost(t, m75, nil)
			h.ucInit(0x1F, 0x21)
			h.cmd(0xE0, tt.ccset)
			h.cmd(0xE5, tt.temp)
			h.cmd(0x13)
			h.data(make([]byte, m75.FrameBytes()))
			h.ucRefresh()
			h.noErrors()
			if got := h.e.Refreshes(); got != tt.want {
				t.Errorf("CCSET %#02x TSSET %d: Refreshes = %+v, want %+v", tt.ccset, tt.temp, got, tt.want)
			}
		})
	}
}

func TestUCDeepSleep(t *testing.T) {
	h := newHost(t, m75, nil)
	f := frameOf(m75.Width, m75.Height, func(x, y int) bool { return y%3 == 0 })
	h.ucInit(0x1F, 0x21)
	h.cmd(0x13)
	h.data(f.Pix)
	h.cmd(0x07, 0xA5)
	if !h.e.Sleeping() {
		t.Fatalf("not sleeping after 0x07 0xA5")
	}
	h.cmd(0x12)
	h.wantError("deep sleep")
	h.reset()
	h.idle()
	if h.e.Sleeping() {
		t.Errorf("sleeping after a hardware reset")
	}
	cur, _ := h.e.Memory()
	if n, _ := epdtest.Diff(cur, f.Image()); n == 0 {
		t.Errorf("NEW data survived deep sleep; the emulator takes it as lost")
	}
}

func TestUCErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		run  func(h *host)
		want string
	}{
		{"deep sleep check code", func(h *host) { h.cmd(0x07, 0x00) }, "check code 0x00"},
		{"deep sleep with power on", func(h *host) { h.cmd(0x04); h.idle(); h.cmd(0x07, 0xA5) }, "with the power on"},
		{"refresh with power off", func(h *host) { h.ucInit(0x1F, 0x21); h.cmd(0x12) }, "power off (send 0x04 first)"},
		{"refresh before setup", func(h *host) { h.cmd(0x04); h.idle(); h.cmd(0x12) }, "before panel setting"},
		{"window not whole bytes", func(h *host) { h.cmd(0x90, 0, 3, 0, 0x17, 0, 0, 0, 9, 1) }, "not whole bytes"},
		{"window outside", func(h *host) { h.cmd(0x90, 0x03, 0x18, 0x03, 0x27, 0, 0, 0, 9, 1) }, "not inside"},
		{"wrong resolution", func(h *host) { h.cmd(0x61, 0x02, 0x80, 0x01, 0xE0) }, "resolution 640×480"},
		{"KWR mode", func(h *host) { h.cmd(0x00, 0x0F) }, "KWR"},
		{"LUT from registers not written", func(h *host) {
			h.ucInit(0x3F, 0x21)
			h.cmd(0x20, make([]byte, 42)...)
			h.cmd(0x04)
			h.idle()
			h.cmd(0x12)
		}, "before 0x20–0x24 were all written"},
		{"data past the frame", func(h *host) {
			h.ucInit(0x1F, 0x21)
			h.cmd(0x13)
			h.data(make([]byte, m75.FrameBytes()+1))
		}, "past the end"},
		{"data before resolution", func(h *host) { h.cmd(0x13); h.data([]byte{1}) }, "before the resolution"},
		{"partial data without window", func(h *host) { h.cmd(0x91); h.cmd(0x10); h.data([]byte{1}) }, "before a partial window"},
		{"partial refresh without window", func(h *host) {
			h.ucInit(0x1F, 0x21)
			h.cmd(0x91)
			h.cmd(0x04)
			h.idle()
			h.cmd(0x12)
		}, "without a partial window"},
		{"dual SPI", func(h *host) { h.cmd(0x15, 0x01) }, "only zero"},
		{"power off while off", func(h *host) { h.cmd(0x02) }, "power off while off"},
		{"LUT register too short", func(h *host) { h.cmd(0x21, 0, 0, 0); h.cmd(0x00, 0x1F) }, "want 42"},
		{"unknown command", func(h *host) { h.cmd(0x26, 0) }, "unknown command 0x26"},
		{"power setting too short", func(h *host) { h.cmd(0x01, 7, 7, 0x3F); h.cmd(0x00, 0x1F) }, "want 4 to 5"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHost(t, m75, nil)
			h.reset()
			h.idle()
			tt.run(h)
			h.wantError(tt.want)
		})
	}
}

func TestUCBusyLevel(t *testing.T) {
	h := newHost(t, m75, &Opts{Timing: Timing{Reset: 1, Command: 20e6, Full: 1, Fast: 1, Partial: 1}})
	h.reset()
	h.idle()
	if h.e.Busy().Read() != gpio.High {
		t.Fatalf("idle UC8179 BUSY reads low")
	}
	h.cmd(0x04)
	if h.e.Busy().Read() != gpio.Low {
		t.Errorf("UC8179 BUSY not low while powering on")
	}
	if !h.e.Busy().WaitForEdge(5e9) || !h.e.Busy().WaitForEdge(5e9) {
		t.Errorf("WaitForEdge missed the fall and rise of power-on")
	}
	if h.e.Busy().Read() != gpio.High {
		t.Errorf("BUSY still low after its edge")
	}
}
