package epdemu

import (
	"image"
	"time"

	"github.com/venuekiosk/venuekiosk/internal/epd"
)

// fastTemperature is the temperature register value from which the
// emulator takes the OTP waveform to be the short one.
const fastTemperature = 50

// sensorTemperature is what the emulated internal sensor reads, °C.
const sensorTemperature = 25

type lutKind int

const (
	lutNone lutKind = iota
	lutOTP
	lutRAM
)

// ssd emulates the SSD1680 and SSD1683 (one command set).
type ssd struct {
	e          *Emu
	ramW, ramH int // RAM size: bytes a row, rows
	bw, red    []byte

	mux        int  // gates scanned - 1 (0x01)
	tb         bool // gate scan from the last gate (0x01 B[0])
	entry      byte // data entry mode (0x11)
	xs, xe     int  // RAM X window, bytes (0x44)
	ys, ye     int  // RAM Y window (0x45)
	xc, yc     int  // address counters (0x4E, 0x4F)
	ramOpt     byte // 0x21 A: RED option (high nibble), BW option (low)
	upd        byte // 0x22
	temp       int  // temperature register, °C
	lut        lutKind
	lutTemp    int
	clock      bool
	analog     bool
	sleeping   bool
	pingPong   bool // 0x37: RAM ping-pong for display mode 2
	ramLUTSize int

	target           []byte // RAM being written by 0x24/0x26
	wrapped, outside bool
}

func newSSD(e *Emu) *ssd {
	s := &ssd{e: e}
	w, h := e.model.Controller.MaxSize()
	s.ramW, s.ramH = w/8, h
	s.bw = make([]byte, s.ramW*s.ramH)
	s.red = make([]byte, s.ramW*s.ramH)
	s.ramLUTSize = 153
	if e.model.Controller == epd.SSD1683 {
		s.ramLUTSize = 227
	}
	s.powerUp()
	return s
}

// por sets the registers to their reset values; RAM is untouched.
func (s *ssd) por() {
	s.mux, s.tb = s.ramH-1, false
	s.entry = 0x03
	s.xs, s.xe, s.ys, s.ye = 0, s.ramW-1, 0, s.ramH-1
	s.xc, s.yc = 0, 0
	s.ramOpt, s.upd = 0x00, 0xFF
	s.temp, s.lut, s.lutTemp = 0, lutNone, 0
	s.clock, s.analog, s.pingPong = false, false, false
	s.target = nil
}

func (s *ssd) hardReset() {
	s.sleeping = false
	s.por()
}

func (s *ssd) powerUp() {
	scramble(s.bw, 1)
	scramble(s.red, 7)
	s.hardReset()
}

func (s *ssd) asleep() bool     { return s.sleeping }
func (s *ssd) busyAsleep() bool { return s.sleeping } // "BUSY pad keeps output high during deep sleep"

func (s *ssd) memory() (cur, old *image.Gray) {
	m := s.e.model
	return bits(s.bw, s.ramW, m.Width, m.Height), bits(s.red, s.ramW, m.Width, m.Height)
}

// bits turns packed rows into a gray image, a set bit 255.
func bits(b []byte, stride, w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if b[y*stride+x>>3]&(0x80>>(x&7)) != 0 {
				g.Pix[y*g.Stride+x] = 0xFF
			}
		}
	}
	return g
}

func (s *ssd) spec(c byte) (spec, bool) {
	e := s.e
	fixed := func(name string, n int, run func([]byte)) (spec, bool) {
		return spec{name: name, min: n, max: n, run: run}, true
	}
	ignore := func([]byte) {}
	switch c {
	case 0x01:
		return fixed("driver output control", 3, func(a []byte) {
			mux := int(a[0]) | int(a[1]&1)<<8
			if mux >= s.ramH || a[1]&^1 != 0 {
				e.errorf("0x01: %d gates: the controller has %d", mux+1, s.ramH)
				return
			}
			if a[2]&^0x01 != 0 {
				e.errorf("0x01: gate options 0x%02X: only TB (0x01) is modelled", a[2])
			}
			s.mux, s.tb = mux, a[2]&1 != 0
		})
	case 0x03:
		return fixed("gate driving voltage", 1, ignore)
	case 0x04:
		return fixed("source driving voltage", 3, ignore)
	case 0x0C:
		n := 4
		if e.model.Controller == epd.SSD1683 {
			n = 5
		}
		return fixed("booster soft start", n, ignore)
	case 0x10:
		return fixed("deep sleep mode", 1, func(a []byte) {
			switch a[0] {
			case 0x00:
			case 0x01:
				s.sleeping = true
			case 0x03:
				s.sleeping = true
				scramble(s.bw, 3)
				scramble(s.red, 5)
			default:
				e.errorf("0x10: deep sleep mode 0x%02X: want 0x00, 0x01 or 0x03", a[0])
			}
		})
	case 0x11:
		return fixed("data entry mode", 1, func(a []byte) {
			if a[0]&^0x07 != 0 {
				e.errorf("0x11: data entry mode 0x%02X: bits above 2 are reserved", a[0])
				return
			}
			s.entry = a[0]
		})
	case 0x12:
		return fixed("software reset", 0, func([]byte) {
			s.por()
			e.setBusy(e.opts.Timing.Command, "software reset")
		})
	case 0x18:
		return fixed("temperature sensor control", 1, func(a []byte) {
			if a[0] != 0x80 && a[0] != 0x48 {
				e.errorf("0x18: sensor 0x%02X: want 0x80 (internal) or 0x48 (external)", a[0])
			}
		})
	case 0x1A:
		return spec{name: "write temperature register", min: 1, max: 2, run: func(a []byte) {
			s.temp = int(int8(a[0]))
		}}, true
	case 0x20:
		return fixed("master activation", 0, func([]byte) { s.activate() })
	case 0x21:
		return fixed("display update control 1", 2, func(a []byte) {
			ok := func(n byte) bool { return n == 0 || n == 4 || n == 8 }
			if !ok(a[0]>>4) || !ok(a[0]&0x0F) || a[1]&0x7F != 0 {
				e.errorf("0x21: RAM options %02X %02X: want nibbles 0, 4 or 8 and source mode 0x00 or 0x80", a[0], a[1])
				return
			}
			s.ramOpt = a[0]
		})
	case 0x22:
		return fixed("display update control 2", 1, func(a []byte) { s.upd = a[0] })
	case 0x24:
		return s.ramWrite("write RAM (BW)", &s.bw), true
	case 0x26:
		return s.ramWrite("write RAM (RED)", &s.red), true
	case 0x2C:
		return fixed("write VCOM register", 1, ignore)
	case 0x32:
		return fixed("write LUT register", s.ramLUTSize, func([]byte) { s.lut = lutRAM })
	case 0x37:
		return fixed("write display option", 10, func(a []byte) { s.pingPong = a[5]&0x40 != 0 })
	case 0x3C:
		return fixed("border waveform control", 1, ignore)
	case 0x3F:
		return fixed("end option", 1, ignore)
	case 0x44:
		return fixed("set RAM X address start/end", 2, func(a []byte) {
			if int(a[0]) >= s.ramW || int(a[1]) >= s.ramW {
				e.errorf("0x44: X window %d..%d: RAM has %d bytes a row", a[0], a[1], s.ramW)
				return
			}
			s.xs, s.xe = int(a[0]), int(a[1])
		})
	case 0x45:
		return fixed("set RAM Y address start/end", 4, func(a []byte) {
			ys, ye := int(a[0])|int(a[1])<<8, int(a[2])|int(a[3])<<8
			if ys >= s.ramH || ye >= s.ramH {
				e.errorf("0x45: Y window %d..%d: RAM has %d rows", ys, ye, s.ramH)
				return
			}
			s.ys, s.ye = ys, ye
		})
	case 0x4E:
		return fixed("set RAM X address counter", 1, func(a []byte) { s.xc = int(a[0]) })
	case 0x4F:
		return fixed("set RAM Y address counter", 2, func(a []byte) { s.yc = int(a[0]) | int(a[1])<<8 })
	case 0x7F:
		return fixed("NOP", 0, ignore)
	}
	return spec{}, false
}

func (s *ssd) ramWrite(name string, mem *[]byte) spec {
	return spec{name: name, stream: true,
		start: func() { s.target, s.wrapped, s.outside = *mem, false, false },
		data: func(p []byte) {
			for _, b := range p {
				s.write(b)
			}
		}}
}

func inRange(v, a, b int) bool { return min(a, b) <= v && v <= max(a, b) }

// write stores one byte at the address counter and moves it as the data
// entry mode says, wrapping inside the window.
func (s *ssd) write(b byte) {
	e := s.e
	if !inRange(s.xc, s.xs, s.xe) || !inRange(s.yc, s.ys, s.ye) || s.xc >= s.ramW || s.yc >= s.ramH {
		if !s.outside {
			e.errorf("RAM write at counter (%d, %d) outside the window X %d..%d, Y %d..%d", s.xc, s.yc, s.xs, s.xe, s.ys, s.ye)
			s.outside = true
		}
		return
	}
	if s.wrapped && !s.outside {
		e.errorf("RAM write past the end of the window X %d..%d, Y %d..%d: the counter wrapped to its start", s.xs, s.xe, s.ys, s.ye)
		s.outside = true
	}
	s.target[s.yc*s.ramW+s.xc] = b
	dx, dy := -1, -1
	if s.entry&1 != 0 {
		dx = 1
	}
	if s.entry&2 != 0 {
		dy = 1
	}
	// step moves one counter inside its window; it reports a wrap.
	step := func(c *int, d, start, end int) bool {
		if *c == end {
			*c = start
			return true
		}
		*c += d
		return false
	}
	if s.entry&4 == 0 {
		if step(&s.xc, dx, s.xs, s.xe) && step(&s.yc, dy, s.ys, s.ye) {
			s.wrapped = true
		}
	} else if step(&s.yc, dy, s.ys, s.ye) && step(&s.xc, dx, s.xs, s.xe) {
		s.wrapped = true
	}
}

// activate runs the display update sequence chosen by 0x22.
func (s *ssd) activate() {
	e := s.e
	o := s.upd
	if o&0x80 != 0 {
		s.clock = true
	}
	if !s.clock {
		e.errorf("0x20: update sequence 0x%02X with the clock off (enable it with bit 0x80)", o)
		return
	}
	if o&0x40 != 0 {
		s.analog = true
	}
	if o&0x20 != 0 {
		s.temp = sensorTemperature
	}
	if o&0x10 != 0 {
		s.lut, s.lutTemp = lutOTP, s.temp
	}
	d, what := e.opts.Timing.Command, "loading"
	if o&0x04 != 0 {
		switch {
		case !s.analog:
			e.errorf("0x20: display with the analog supply off (enable it with bit 0x40)")
		case s.lut == lutNone:
			e.errorf("0x20: display without a waveform: load one (bit 0x10) or write 0x32")
		default:
			k := epd.Full
			switch {
			case o&0x08 != 0:
				k = epd.Partial
			case s.lut == lutOTP && s.lutTemp >= fastTemperature:
				k = epd.Fast
			}
			d, what = e.opts.Timing.kind(k), k.String()+" display update"
			if s.lut == lutOTP && e.model.Waveform(k).Source != epd.OTP {
				// The OTP's slot for it is empty: nothing is driven.
				e.errorf("0x20: %v refresh with the OTP's waveform, but the %s's OTP holds no %v waveform: the glass does not change (write one into 0x32 and display without loading the OTP's)", k, e.model.Name, k)
				break
			}
			s.show(k)
			if k == epd.Partial && s.pingPong {
				copy(s.red, s.bw) // the image just shown becomes the old one
			}
		}
	}
	if o&0x02 != 0 {
		s.analog = false
	}
	if o&0x01 != 0 {
		s.clock = false
	}
	e.setBusy(d, what)
}

// option applies a 0x21 RAM option nibble to a bit.
func option(n byte, bit bool) bool {
	switch n {
	case 4:
		return false
	case 8:
		return !bit
	}
	return bit
}

// show drives the glass from RAM: mode 1 (full, fast) shows BW RAM; mode 2
// (partial) changes only the pixels where BW RAM differs from RED RAM.
func (s *ssd) show(k epd.Refresh) {
	e := s.e
	m := e.model
	rows := min(m.Height, s.mux+1)
	for y := 0; y < rows; y++ {
		ry := y
		if s.tb {
			ry = s.mux - y
		}
		for x := 0; x < m.Width; x++ {
			i, bit := ry*s.ramW+x>>3, byte(0x80>>(x&7))
			nw := option(s.ramOpt&0x0F, s.bw[i]&bit != 0)
			if k == epd.Partial && option(s.ramOpt>>4, s.red[i]&bit != 0) == nw {
				continue
			}
			e.setShown(x, y, nw)
		}
	}
	e.refreshed(k)
}

func (t Timing) kind(k epd.Refresh) time.Duration {
	switch k {
	case epd.Fast:
		return t.Fast
	case epd.Partial:
		return t.Partial
	}
	return t.Full
}
