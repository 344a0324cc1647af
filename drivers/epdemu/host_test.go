package epdemu

import (
	"image"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi"

	"github.com/venuekiosk/venuekiosk/internal/epd"
)

// host plays a driver: raw commands and data on the emulator's fakes.
type host struct {
	t *testing.T
	e *Emu
	c spi.Conn
}

func newHost(t *testing.T, m epd.Model, opts *Opts) *host {
	t.Helper()
	e, err := New(m, opts)
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.Port().Connect(4*physic.MegaHertz, spi.Mode0, 8)
	if err != nil {
		t.Fatal(err)
	}
	return &host{t: t, e: e, c: c}
}

func (h *host) tx(p []byte) {
	h.t.Helper()
	for len(p) > 0 {
		n := min(len(p), 4096)
		if err := h.c.Tx(p[:n], nil); err != nil {
			h.t.Fatalf("Tx: %v", err)
		}
		p = p[n:]
	}
}

// cmd sends a command byte and its parameters.
func (h *host) cmd(c byte, args ...byte) {
	h.t.Helper()
	_ = h.e.DC().Out(gpio.Low)
	h.tx([]byte{c})
	if len(args) > 0 {
		h.data(args)
	}
}

func (h *host) data(p []byte) {
	h.t.Helper()
	_ = h.e.DC().Out(gpio.High)
	h.tx(p)
}

func (h *host) reset() {
	_ = h.e.RST().Out(gpio.Low)
	_ = h.e.RST().Out(gpio.High)
}

// idle waits for BUSY to show idle.
func (h *host) idle() {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	busy := gpio.High
	if h.e.Model().Controller == epd.UC8179 {
		busy = gpio.Low
	}
	for h.e.Busy().Read() == busy {
		if time.Now().After(deadline) {
			h.t.Fatalf("BUSY stuck")
		}
		h.e.Busy().WaitForEdge(10 * time.Millisecond)
	}
}

func (h *host) noErrors() {
	h.t.Helper()
	if errs := h.e.Errors(); len(errs) != 0 {
		h.t.Fatalf("emulator errors: %v", errs)
	}
}

// wantError checks that a recorded error mentions want.
func (h *host) wantError(want string) {
	h.t.Helper()
	errs := h.e.Errors()
	for _, err := range errs {
		if strings.Contains(err.Error(), want) {
			return
		}
	}
	h.t.Fatalf("no emulator error mentions %q (all: %v)", want, errs)
}

// frameOf packs img (0 black, 255 white) like a driver: a set bit white.
func frameOf(w, h int, white func(x, y int) bool) *epd.Frame {
	f := epd.NewFrame(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			f.Set(x, y, white(x, y))
		}
	}
	return f
}

// ssdInit wakes an SSD168x and sets it up for whole-panel RAM writes.
func (h *host) ssdInit() {
	m := h.e.Model()
	h.reset()
	h.idle()
	h.cmd(0x12)
	h.idle()
	mux := m.Height - 1
	h.cmd(0x01, byte(mux), byte(mux>>8), 0x00)
	h.cmd(0x11, 0x03)
	h.cmd(0x44, 0x00, byte(m.Stride()-1))
	h.cmd(0x45, 0x00, 0x00, byte(mux), byte(mux>>8))
}

// ssdWrite writes f whole into the RAM cmd (0x24 or 0x26) selects.
func (h *host) ssdWrite(cmd byte, f *epd.Frame) {
	h.cmd(0x4E, 0x00)
	h.cmd(0x4F, 0x00, 0x00)
	h.cmd(cmd)
	h.data(f.Pix)
}

func (h *host) ssdUpdate(opt byte) {
	h.cmd(0x22, opt)
	h.cmd(0x20)
	h.idle()
}

// ucInit wakes a UC8179 with KW/OTP panel setting, resolution and cdi.
func (h *host) ucInit(psr, cdi byte) {
	m := h.e.Model()
	h.reset()
	h.idle()
	h.cmd(0x00, psr)
	h.cmd(0x61, byte(m.Width>>8), byte(m.Width), byte(m.Height>>8), byte(m.Height))
	h.cmd(0x50, cdi, 0x07)
}

func (h *host) ucRefresh() {
	h.cmd(0x04)
	h.idle()
	h.cmd(0x12)
	h.idle()
}

// ucPartial writes OLD (if old is not nil) and NEW in the window r.
func (h *host) ucPartial(r image.Rectangle, old, cur *epd.Frame) {
	h.t.Helper()
	h.cmd(0x91)
	hs, he, vs, ve := r.Min.X, r.Max.X-1, r.Min.Y, r.Max.Y-1
	h.cmd(0x90, byte(hs>>8), byte(hs), byte(he>>8), byte(he), byte(vs>>8), byte(vs), byte(ve>>8), byte(ve), 0x01)
	if old != nil {
		b, err := old.Window(nil, r)
		if err != nil {
			h.t.Fatal(err)
		}
		h.cmd(0x10)
		h.data(b)
	}
	b, err := cur.Window(nil, r)
	if err != nil {
		h.t.Fatal(err)
	}
	h.cmd(0x13)
	h.data(b)
	h.ucRefresh()
	h.cmd(0x92)
}
