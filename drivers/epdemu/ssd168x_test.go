package epdemu

import (
	"bytes"
	"fmt"
	"image"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"

	"github.com/venuekiosk/venuekiosk/internal/epd"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdtest"
)

func TestSSDFullRefresh(t *testing.T) {
	for _, m := range []epd.Model{epd.Waveshare2in13V4, epd.Waveshare2in9V2, epd.Waveshare4in2V2} {
		h := newHost(t, m, nil)
		want := epdtest.Pattern(image.Rect(0, 0, m.Width, m.Height), 3)
		f := frameOf(m.Width, m.Height, func(x, y int) bool { return want.GrayAt(x, y).Y != 0 })
		changed := h.e.Changed()
		h.ssdInit()
		h.ssdWrite(0x24, f)
		h.ssdUpdate(0xF7)
		h.noErrors()
		if n, first := epdtest.Diff(h.e.Image(), want); n != 0 {
			t.Errorf("%s: %d pixels differ after a full refresh, first %s", m.Name, n, first)
		}
		if got := h.e.Refreshes(); got != (Counts{Full: 1}) {
			t.Errorf("%s: Refreshes = %+v, want one full", m.Name, got)
		}
		if h.e.Version() != 1 {
			t.Errorf("%s: Version = %d, want 1", m.Name, h.e.Version())
		}
		select {
		case <-changed:
		default:
			t.Errorf("%s: Changed not closed by the refresh", m.Name)
		}
	}
}

func TestSSDDataEntryModes(t *testing.T) {
	type pt struct{ x, y int }
	for _, tt := range []struct {
		mode  byte
		order [4]pt
	}{
		{0x03, [4]pt{{1, 3}, {2, 3}, {1, 4}, {2, 4}}},
		{0x02, [4]pt{{2, 3}, {1, 3}, {2, 4}, {1, 4}}},
		{0x01, [4]pt{{1, 4}, {2, 4}, {1, 3}, {2, 3}}},
		{0x00, [4]pt{{2, 4}, {1, 4}, {2, 3}, {1, 3}}},
		{0x07, [4]pt{{1, 3}, {1, 4}, {2, 3}, {2, 4}}},
		{0x06, [4]pt{{2, 3}, {2, 4}, {1, 3}, {1, 4}}},
		{0x05, [4]pt{{1, 4}, {1, 3}, {2, 4}, {2, 3}}},
		{0x04, [4]pt{{2, 4}, {2, 3}, {1, 4}, {1, 3}}},
	} {
		t.Run(fmt.Sprintf("mode %#x", tt.mode), func(t *testing.T) {
			h := newHost(t, epd.Waveshare2in9V2, nil)
			h.reset()
			h.idle()
			xs, xe, ys, ye := 1, 2, 3, 4
			if tt.mode&1 == 0 {
				xs, xe = xe, xs
			}
			if tt.mode&2 == 0 {
				ys, ye = ye, ys
			}
			h.cmd(0x11, tt.mode)
			h.cmd(0x44, byte(xs), byte(xe))
			h.cmd(0x45, byte(ys), 0, byte(ye), 0)
			h.cmd(0x4E, byte(xs))
			h.cmd(0x4F, byte(ys), 0)
			h.cmd(0x24)
			h.data([]byte{0x11, 0x22, 0x33, 0x44})
			h.noErrors()
			s := h.e.ctrl.(*ssd)
			for i, p := range tt.order {
				if got, want := s.bw[p.y*s.ramW+p.x], byte(0x11*(i+1)); got != want {
					t.Errorf("mode %#02x: byte %d at (%d, %d) = %#02x, want %#02x", tt.mode, i, p.x, p.y, got, want)
				}
			}
			// A fifth byte wraps onto the first, as on the chip, and is an
			// error: the window was full.
			h.data([]byte{0x55})
			h.wantError("past the end of the window")
			if got := s.bw[tt.order[0].y*s.ramW+tt.order[0].x]; got != 0x55 {
				t.Errorf("mode %#02x: the fifth byte did not wrap onto the first (%#02x)", tt.mode, got)
			}
		})
	}
}

func TestSSDPartialAndGhosting(t *testing.T) {
	m := epd.Waveshare2in13V4
	h := newHost(t, m, nil)
	white := epd.NewFrame(m.Width, m.Height)
	h.ssdInit()
	h.ssdWrite(0x24, white)
	h.ssdWrite(0x26, white)
	h.ssdUpdate(0xF7)

	// Partial: BW black in a window, RED (old) white: the window turns black.
	win := image.Rect(16, 20, 48, 40)
	in := func(x, y int) bool { return image.Pt(x, y).In(win) }
	boxed := frameOf(m.Width, m.Height, func(x, y int) bool { return !in(x, y) })
	h.ssdInit()
	h.ssdWrite(0x24, boxed)
	h.ssdUpdate(0xFF)
	h.noErrors()
	want := epdtest.Paste(epdtest.Solid(image.Rect(0, 0, m.Width, m.Height), true), epdtest.Solid(image.Rect(0, 0, m.Width, m.Height), false), win)
	if n, first := epdtest.Diff(h.e.Image(), want); n != 0 {
		t.Fatalf("after a partial refresh %d pixels differ, first %s", n, first)
	}
	if got := h.e.Refreshes(); got != (Counts{Full: 1, Partial: 1}) {
		t.Errorf("Refreshes = %+v", got)
	}

	// Back to white without bringing RED up to date: RED still says white
	// where the glass is black, so mode 2 sees no change and drives nothing.
	h.ssdInit()
	h.ssdWrite(0x24, white)
	h.ssdUpdate(0xFF)
	if n, _ := epdtest.Diff(h.e.Image(), want); n != 0 {
		t.Fatalf("stale RED RAM: the window changed (%d pixels); ghosting not modelled", n)
	}
	// With RED holding what is shown, the same refresh works.
	h.ssdInit()
	h.ssdWrite(0x26, boxed)
	h.ssdWrite(0x24, white)
	h.ssdUpdate(0xFF)
	if n, first := epdtest.Diff(h.e.Image(), epdtest.Solid(image.Rect(0, 0, m.Width, m.Height), true)); n != 0 {
		t.Errorf("RED in sync: %d pixels differ, first %s", n, first)
	}
	h.noErrors()
}

func TestSSDRAMOptions(t *testing.T) {
	m := epd.Waveshare2in9V2
	pat := epdtest.Pattern(image.Rect(0, 0, m.Width, m.Height), 0)
	f := frameOf(m.Width, m.Height, func(x, y int) bool { return pat.GrayAt(x, y).Y != 0 })
	inverse := epdtest.Solid(pat.Bounds(), true)
	for i := range inverse.Pix {
		inverse.Pix[i] = ^pat.Pix[i]
	}
	for _, tt := range []struct {
		opt  byte
		want *image.Gray
	}{
		{0x00, pat},
		{0x08, inverse},
		{0x04, epdtest.Solid(pat.Bounds(), false)},
	} {
		t.Run(fmt.Sprintf("opt %#x", tt.opt), func(t *testing.T) {
			h := newHost(t, m, nil)
			h.ssdInit()
			h.cmd(0x21, tt.opt, 0x80)
			h.ssdWrite(0x24, f)
			h.ssdUpdate(0xF7)
			h.noErrors()
			if n, first := epdtest.Diff(h.e.Image(), tt.want); n != 0 {
				t.Errorf("0x21 %#02x: %d pixels differ, first %s", tt.opt, n, first)
			}
		})
	}
}

func TestSSDFast(t *testing.T) {
	for _, tt := range []struct {
		name string
		temp []byte // 0x1A parameters, nil: none
		want Counts
	}{
		{"forced 100 °C", []byte{0x64, 0x00}, Counts{Fast: 1}},
		{"forced 110 °C, one byte", []byte{0x6E}, Counts{Fast: 1}},
		{"forced 30 °C", []byte{0x1E, 0x00}, Counts{Full: 1}},
		{"sensor", nil, Counts{Full: 1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := epd.Waveshare4in2V2
			h := newHost(t, m, nil)
			h.ssdInit()
			h.ssdUpdate(0xB1)
			if tt.temp != nil {
				h.cmd(0x1A, tt.temp...)
			}
			h.ssdUpdate(0x91)
			h.ssdWrite(0x24, epd.NewFrame(m.Width, m.Height))
			h.ssdUpdate(0xC7)
			h.noErrors()
			if got := h.e.Refreshes(); got != tt.want {
				t.Errorf("%s: Refreshes = %+v, want %+v", tt.name, got, tt.want)
			}
		})
	}
}

func TestSSDDeepSleep(t *testing.T) {
	m := epd.Waveshare2in13V4
	h := newHost(t, m, nil)
	f := frameOf(m.Width, m.Height, func(x, y int) bool { return (x+y)%3 == 0 })
	h.ssdInit()
	h.ssdWrite(0x24, f)
	h.cmd(0x10, 0x01)
	if !h.e.Sleeping() {
		t.Fatalf("not sleeping after 0x10 0x01")
	}
	if h.e.Busy().Read() != gpio.High {
		t.Errorf("BUSY low in deep sleep; the SSD1680 holds it high")
	}
	h.cmd(0x12)
	h.wantError("deep sleep")
	n := len(h.e.Errors())
	h.reset()
	h.idle()
	if h.e.Sleeping() {
		t.Fatalf("still sleeping after a hardware reset")
	}
	cur, _ := h.e.Memory()
	if d, first := epdtest.Diff(cur, f.Image()); d != 0 {
		t.Errorf("deep sleep mode 1 lost BW RAM: %d pixels, first %s", d, first)
	}
	h.cmd(0x10, 0x03)
	h.reset()
	h.idle()
	cur, _ = h.e.Memory()
	if d, _ := epdtest.Diff(cur, f.Image()); d == 0 {
		t.Errorf("deep sleep mode 2 kept RAM; it cannot")
	}
	if len(h.e.Errors()) != n {
		t.Errorf("unexpected errors: %v", h.e.Errors()[n:])
	}
}

func TestSSDGates(t *testing.T) {
	m := epd.Waveshare2in13V4
	// First a known white panel, then a black frame with only 100 gates.
	h := newHost(t, m, nil)
	h.ssdInit()
	h.ssdWrite(0x24, epd.NewFrame(m.Width, m.Height))
	h.ssdUpdate(0xF7)
	black := epd.NewFrame(m.Width, m.Height)
	black.Fill(false)
	h.ssdInit()
	h.cmd(0x01, 99, 0, 0)
	h.ssdWrite(0x24, black)
	h.ssdUpdate(0xF7)
	h.noErrors()
	want := epdtest.Paste(epdtest.Solid(image.Rect(0, 0, m.Width, m.Height), true), epdtest.Solid(image.Rect(0, 0, m.Width, m.Height), false), image.Rect(0, 0, m.Width, 100))
	if n, first := epdtest.Diff(h.e.Image(), want); n != 0 {
		t.Errorf("100 gates: %d pixels differ, first %s", n, first)
	}
	// TB: the gate scan starts at the last gate: the image flips.
	pat := epdtest.Pattern(image.Rect(0, 0, m.Width, m.Height), 1)
	f := frameOf(m.Width, m.Height, func(x, y int) bool { return pat.GrayAt(x, y).Y != 0 })
	h.ssdInit()
	h.cmd(0x01, byte(m.Height-1), 0, 0x01)
	h.ssdWrite(0x24, f)
	h.ssdUpdate(0xF7)
	h.noErrors()
	if n, first := epdtest.Diff(h.e.Image(), epdtest.Native(pat, epd.Rotate180, m.Width, m.Height)); n == 0 {
		t.Errorf("TB did not flip the image")
	} else {
		flipped := image.NewGray(pat.Bounds())
		for y := 0; y < m.Height; y++ {
			copy(flipped.Pix[y*flipped.Stride:], pat.Pix[(m.Height-1-y)*pat.Stride:(m.Height-y)*pat.Stride])
		}
		if n, first = epdtest.Diff(h.e.Image(), flipped); n != 0 {
			t.Errorf("TB: %d pixels differ from the vertical flip, first %s", n, first)
		}
	}
}

func TestSSDErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts *Opts
		run  func(h *host)
		want string
	}{
		{"unknown command", nil, func(h *host) { h.cmd(0x99, 1, 2) }, "unknown command 0x99"},
		{"too many parameters", nil, func(h *host) { h.cmd(0x11, 0x03, 0x04) }, "too many parameter bytes"},
		{"too few parameters", nil, func(h *host) { h.cmd(0x44, 0x00); h.cmd(0x7F) }, "1 parameter bytes, want 2"},
		{"data without command", nil, func(h *host) { h.data([]byte{1, 2}) }, "data bytes without a command"},
		{"counter outside window", nil, func(h *host) {
			h.cmd(0x44, 0, 2)
			h.cmd(0x4E, 5)
			h.cmd(0x24)
			h.data([]byte{0})
		}, "outside the window"},
		{"display with the clock off", nil, func(h *host) { h.cmd(0x22, 0x04); h.cmd(0x20) }, "clock off"},
		{"display with analog off", nil, func(h *host) { h.cmd(0x22, 0x84); h.cmd(0x20) }, "analog supply off"},
		{"display without a waveform", nil, func(h *host) { h.cmd(0x22, 0xC4); h.cmd(0x20) }, "without a waveform"},
		{"bad deep sleep mode", nil, func(h *host) { h.cmd(0x10, 0x02) }, "deep sleep mode 0x02"},
		{"reserved entry bits", nil, func(h *host) { h.cmd(0x11, 0x08) }, "reserved"},
		{"bad sensor", nil, func(h *host) { h.cmd(0x18, 0x00) }, "sensor 0x00"},
		{"bad RAM option", nil, func(h *host) { h.cmd(0x21, 0x30, 0x00) }, "RAM options"},
		{"too many gates", nil, func(h *host) { h.cmd(0x01, 0x2F, 0x01, 0x00) }, "gates"},
		{"gate options", nil, func(h *host) { h.cmd(0x01, 0x27, 0x01, 0x04) }, "only TB"},
		{"X window past RAM", nil, func(h *host) { h.cmd(0x44, 0, 22) }, "X window"},
		{"Y window past RAM", nil, func(h *host) { h.cmd(0x45, 0, 0, 0x28, 0x01) }, "Y window"},
		{"command while busy", &Opts{Timing: Timing{Reset: time.Microsecond, Command: time.Hour}}, func(h *host) { h.cmd(0x12); h.cmd(0x01, 0, 0, 0) }, "command 0x01 while BUSY (software reset)"},
		{"two commands in one transaction while busy", &Opts{Timing: Timing{Reset: time.Microsecond, Command: time.Hour}}, func(h *host) {
			_ = h.e.DC().Out(gpio.Low)
			h.tx([]byte{0x12, 0x7F})
		}, "more command bytes"},
		{"traffic during reset", nil, func(h *host) { _ = h.e.RST().Out(gpio.Low); h.cmd(0x12) }, "RST holds the controller in reset"},
		{"traffic without power", nil, func(h *host) { _ = h.e.Power().Out(gpio.Low); h.cmd(0x12) }, "no power"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHost(t, epd.Waveshare2in9V2, tt.opts)
			h.reset()
			h.idle()
			tt.run(h)
			h.wantError(tt.want)
		})
	}
}

func TestSPIErrors(t *testing.T) {
	h := newHost(t, epd.Waveshare2in9V2, &Opts{MaxTx: 64})
	if err := h.c.Tx([]byte{0x12}, make([]byte, 1)); err == nil {
		t.Errorf("a read succeeded")
	}
	h.wantError("reading is not modelled")
	if err := h.c.Tx(make([]byte, 65), nil); err == nil {
		t.Errorf("a 65-byte transaction succeeded on a 64-byte port")
	}
	h.wantError("at most 64")
	if got := h.e.MaxTx(); got != 0 {
		t.Errorf("MaxTx counted a refused transaction: %d", got)
	}
	e, _ := New(epd.Waveshare2in9V2, nil)
	for _, tt := range []struct {
		name string
		f    int64
		mode int
		bits int
	}{{"mode 3", 4e6, 3, 8}, {"9 bits", 4e6, 0, 9}, {"30 MHz", 30e6, 0, 8}} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := e.Port().Connect(physicHz(tt.f), spiMode(tt.mode), tt.bits); err == nil {
				t.Errorf("Connect %s succeeded", tt.name)
			}
		})
	}
	if n := len(e.Errors()); n != 3 {
		t.Errorf("%d errors recorded for 3 bad Connects", n)
	}
}

func TestPowerLoss(t *testing.T) {
	m := epd.Waveshare2in9V2
	h := newHost(t, m, nil)
	f := frameOf(m.Width, m.Height, func(x, y int) bool { return x%5 == 0 })
	h.ssdInit()
	h.ssdWrite(0x24, f)
	h.ssdUpdate(0xF7)
	img := h.e.Image()
	_ = h.e.RST().Out(gpio.Low)
	_ = h.e.DC().Out(gpio.Low)
	_ = h.e.Power().Out(gpio.Low)
	if h.e.Powered() {
		t.Fatalf("Powered after the switch went low")
	}
	_ = h.e.Power().Out(gpio.High)
	h.idle()
	if n, _ := epdtest.Diff(h.e.Image(), img); n != 0 {
		t.Errorf("the glass changed on power loss (%d pixels); e-paper keeps its image", n)
	}
	cur, _ := h.e.Memory()
	if n, _ := epdtest.Diff(cur, f.Image()); n == 0 {
		t.Errorf("RAM survived power loss")
	}
	log := h.e.Log()
	if got := log[len(log)-2].String() + "," + log[len(log)-1].String(); got != "power off,power on" {
		t.Errorf("log ends %q", got)
	}
	h.noErrors()
}

func TestNewBadOpts(t *testing.T) {
	for _, o := range []*Opts{{MaxTx: -1}, {MaxTx: 2 << 20}, {LogLimit: -5}, {Timing: Timing{Full: -time.Second}}} {
		if _, err := New(epd.Waveshare2in9V2, o); err == nil {
			t.Errorf("New(%+v) succeeded", o)
		}
	}
	if _, err := New(epd.Model{Name: "x"}, nil); err == nil {
		t.Errorf("New with an invalid model succeeded")
	}
}

func TestImageAndPNG(t *testing.T) {
	m := epd.Waveshare2in13V4
	h := newHost(t, m, nil)
	a := h.e.Image()
	a.Pix[0] ^= 0xFF // a copy: changing it changes nothing
	var buf bytes.Buffer
	if err := h.e.PNG(&buf); err != nil {
		t.Fatal(err)
	}
	img, err := decodePNG(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if n, first := epdtest.Diff(img, h.e.Image()); n != 0 {
		t.Errorf("PNG differs from Image in %d pixels, first %s", n, first)
	}
	if n, _ := epdtest.Diff(a, h.e.Image()); n != 1 {
		t.Errorf("Image returned shared memory")
	}
}
