package epdemu

import (
	"image"

	"github.com/venuekiosk/venuekiosk/internal/epd"
)

// uc emulates the UC8179.
type uc struct {
	e          *Emu
	ramW, ramH int // bytes a row, rows
	old, cur   []byte

	psr, cdi0      byte
	psrSet, cdiSet bool
	tresW, tresH   int
	tresSet        bool
	power          bool // charge pump on (0x04)
	ptin           bool
	ptl            image.Rectangle // partial window, native pixels, Max exclusive
	ptlSet         bool
	ccset          byte
	tsset          int
	luts           byte // LUT registers 0x20–0x24 written since the reset, one bit each
	sleeping       bool

	target  []byte
	region  image.Rectangle
	pos     int
	overrun bool
}

func newUC(e *Emu) *uc {
	u := &uc{e: e}
	w, h := e.model.Controller.MaxSize()
	u.ramW, u.ramH = w/8, h
	u.old = make([]byte, u.ramW*u.ramH)
	u.cur = make([]byte, u.ramW*u.ramH)
	u.powerUp()
	return u
}

// por sets the registers the emulator checks to "not set".
func (u *uc) por() {
	u.psr, u.cdi0 = 0, 0
	u.psrSet, u.cdiSet, u.tresSet = false, false, false
	u.power, u.ptin, u.ptlSet = false, false, false
	u.ccset, u.tsset, u.luts = 0, 0, 0
	u.target = nil
}

func (u *uc) hardReset() {
	u.sleeping = false
	u.por()
}

func (u *uc) powerUp() {
	scramble(u.old, 11)
	scramble(u.cur, 13)
	u.hardReset()
}

func (u *uc) asleep() bool     { return u.sleeping }
func (u *uc) busyAsleep() bool { return false }

func (u *uc) memory() (cur, old *image.Gray) {
	m := u.e.model
	return bits(u.cur, u.ramW, m.Width, m.Height), bits(u.old, u.ramW, m.Width, m.Height)
}

func (u *uc) spec(c byte) (spec, bool) {
	e := u.e
	fixed := func(name string, n int, run func([]byte)) (spec, bool) {
		return spec{name: name, min: n, max: n, run: run}, true
	}
	ignore := func([]byte) {}
	zero := func(name string) func([]byte) {
		return func(a []byte) {
			for _, b := range a {
				if b != 0 {
					e.errorf("0x%02X (%s) % X: only zero is modelled", c, name, a)
					return
				}
			}
		}
	}
	switch c {
	case 0x00:
		return fixed("panel setting", 1, func(a []byte) {
			p := a[0]
			if p&0x01 == 0 {
				u.por() // RST_N low: soft reset
				return
			}
			if p&0x10 == 0 {
				e.errorf("0x00: panel setting 0x%02X: KWR (red) mode is not modelled, only KW", p)
			}
			u.psr, u.psrSet = p, true
		})
	case 0x01:
		return spec{name: "power setting", min: 4, max: 5, run: ignore}, true
	case 0x02:
		return fixed("power off", 0, func([]byte) {
			if !u.power {
				e.errorf("0x02: power off while off")
			}
			u.power = false
			e.setBusy(e.opts.Timing.Command, "power off")
		})
	case 0x03:
		return fixed("power off sequence setting", 1, ignore)
	case 0x04:
		return fixed("power on", 0, func([]byte) {
			u.power = true
			e.setBusy(e.opts.Timing.Command, "power on")
		})
	case 0x06:
		return fixed("booster soft start", 4, ignore)
	case 0x07:
		return fixed("deep sleep", 1, func(a []byte) {
			if a[0] != 0xA5 {
				e.errorf("0x07: deep sleep check code 0x%02X, want 0xA5", a[0])
				return
			}
			if u.power {
				e.errorf("0x07: deep sleep with the power on: send power off (0x02) first")
			}
			u.sleeping = true
			scramble(u.old, 17)
			scramble(u.cur, 19)
		})
	case 0x10:
		return u.dataWrite("data start transmission 1 (OLD)", &u.old), true
	case 0x11:
		return fixed("data stop", 0, ignore)
	case 0x12:
		return fixed("display refresh", 0, func([]byte) { u.refresh() })
	case 0x13:
		return u.dataWrite("data start transmission 2 (NEW)", &u.cur), true
	case 0x15:
		return fixed("dual SPI", 1, zero("dual SPI"))
	case 0x20, 0x21, 0x22, 0x23, 0x24:
		// LUTC, LUTWW, LUTKW, LUTWK, LUTKK: 7 groups of 6 bytes (the
		// datasheet allows 10 for all but LUTWW).
		n := 60
		if c == 0x21 {
			n = 42
		}
		bit := byte(1) << (c - 0x20)
		return spec{name: "LUT register", min: 42, max: n, run: func([]byte) { u.luts |= bit }}, true
	case 0x25:
		return fixed("border LUT", 42, ignore)
	case 0x2A:
		return spec{name: "LUT option", min: 1, max: 2, run: ignore}, true
	case 0x30:
		return fixed("PLL control", 1, ignore)
	case 0x50:
		return fixed("VCOM and data interval setting", 2, func(a []byte) { u.cdi0, u.cdiSet = a[0], true })
	case 0x52:
		return fixed("end voltage setting", 1, ignore)
	case 0x60:
		return fixed("TCON setting", 1, ignore)
	case 0x61:
		return fixed("resolution setting", 4, func(a []byte) {
			w, h := int(a[0]&3)<<8|int(a[1]&0xF8), int(a[2]&3)<<8|int(a[3])
			if w != e.model.Width || h != e.model.Height {
				e.errorf("0x61: resolution %d×%d: the panel is %d×%d", w, h, e.model.Width, e.model.Height)
				return
			}
			u.tresW, u.tresH, u.tresSet = w, h, true
		})
	case 0x65:
		return fixed("gate/source start setting", 4, zero("gate/source start"))
	case 0x82:
		return fixed("VCOM DC setting", 1, ignore)
	case 0x90:
		return fixed("partial window", 9, func(a []byte) {
			hs, he := int(a[0]&3)<<8|int(a[1]), int(a[2]&3)<<8|int(a[3])
			vs, ve := int(a[4]&3)<<8|int(a[5]), int(a[6]&3)<<8|int(a[7])
			switch {
			case hs&7 != 0 || he&7 != 7:
				e.errorf("0x90: horizontal window %d..%d is not whole bytes (start ≡ 0, end ≡ 7 mod 8)", hs, he)
			case hs > he || vs > ve || he >= e.model.Width || ve >= e.model.Height:
				e.errorf("0x90: window %d..%d × %d..%d is not inside %d×%d", hs, he, vs, ve, e.model.Width, e.model.Height)
			default:
				u.ptl, u.ptlSet = image.Rect(hs, vs, he+1, ve+1), true
			}
		})
	case 0x91:
		return fixed("partial in", 0, func([]byte) { u.ptin = true })
	case 0x92:
		return fixed("partial out", 0, func([]byte) { u.ptin = false })
	case 0xE0:
		return fixed("cascade setting", 1, func(a []byte) { u.ccset = a[0] })
	case 0xE3:
		return fixed("power saving", 1, ignore)
	case 0xE5:
		return fixed("force temperature", 1, func(a []byte) { u.tsset = int(int8(a[0])) })
	}
	return spec{}, false
}

func (u *uc) dataWrite(name string, mem *[]byte) spec {
	return spec{name: name, stream: true,
		start: func() {
			u.target, u.pos, u.overrun = nil, 0, false
			switch {
			case u.ptin && !u.ptlSet:
				u.e.errorf("data in partial mode before a partial window (0x90)")
			case u.ptin:
				u.target, u.region = *mem, u.ptl
			case !u.tresSet:
				u.e.errorf("data before the resolution (0x61)")
			default:
				u.target, u.region = *mem, image.Rect(0, 0, u.tresW, u.tresH)
			}
		},
		data: func(p []byte) {
			if u.target == nil {
				return
			}
			bpr := u.region.Dx() / 8
			n := bpr * u.region.Dy()
			for _, b := range p {
				if u.pos >= n {
					if !u.overrun {
						u.e.errorf("data past the end of the %v window (%d bytes)", u.region, n)
						u.overrun = true
					}
					return
				}
				y, x := u.region.Min.Y+u.pos/bpr, u.region.Min.X/8+u.pos%bpr
				u.target[y*u.ramW+x] = b
				u.pos++
			}
		}}
}

// refresh drives the glass: full and fast show NEW; partial (inside the
// partial window) changes only the pixels where NEW differs from OLD.
func (u *uc) refresh() {
	e := u.e
	switch {
	case !u.power:
		e.errorf("0x12: refresh with the power off (send 0x04 first)")
		return
	case !u.psrSet || !u.cdiSet || !u.tresSet:
		e.errorf("0x12: refresh before panel setting (0x00), VCOM and data interval (0x50) and resolution (0x61) were all set")
		return
	case u.ptin && !u.ptlSet:
		e.errorf("0x12: partial refresh without a partial window (0x90)")
		return
	}
	k, area := epd.Full, image.Rect(0, 0, u.tresW, u.tresH)
	reg := u.psr&0x20 != 0 // the waveform from the LUT registers
	switch {
	case u.ptin:
		k, area = epd.Partial, u.ptl
	case !reg && u.ccset&0x02 != 0 && u.tsset >= fastTemperature:
		k = epd.Fast
	}
	switch {
	case reg && u.luts != 0x1F:
		e.errorf("0x12: %v refresh with the waveform from the LUT registers (panel setting REG=1) before 0x20–0x24 were all written: nothing is driven", k)
		e.setBusy(e.opts.Timing.kind(k), k.String()+" refresh")
		return
	case !reg && e.model.Waveform(k).Source != epd.OTP:
		e.errorf("0x12: %v refresh with the OTP's waveform, but the %s's OTP holds no %v waveform: the glass does not change (write the LUT registers and set REG=1)", k, e.model.Name, k)
		e.setBusy(e.opts.Timing.kind(k), k.String()+" refresh")
		return
	}
	whiteBit := u.cdi0&0x01 != 0 // DDX[0]: 1 means a set bit is white
	for y := area.Min.Y; y < area.Max.Y; y++ {
		for x := area.Min.X; x < area.Max.X; x++ {
			i, bit := y*u.ramW+x>>3, byte(0x80>>(x&7))
			nw := u.cur[i]&bit != 0
			if k == epd.Partial && nw == (u.old[i]&bit != 0) {
				continue
			}
			gx, gy := x, y
			if u.psr&0x04 == 0 { // SHL=0: shift left
				gx = e.model.Width - 1 - x
			}
			if u.psr&0x08 == 0 { // UD=0: scan down
				gy = e.model.Height - 1 - y
			}
			e.setShown(gx, gy, nw == whiteBit)
		}
	}
	if u.cdi0&0x08 != 0 { // N2OCP: copy NEW to OLD
		for y := area.Min.Y; y < area.Max.Y; y++ {
			i := y*u.ramW + area.Min.X/8
			copy(u.old[i:i+area.Dx()/8], u.cur[i:])
		}
	}
	e.refreshed(k)
	e.setBusy(e.opts.Timing.kind(k), k.String()+" refresh")
}
