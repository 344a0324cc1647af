package uc8179

import (
	"image"
	"time"

	"github.com/venuekiosk/venuekiosk/internal/epd"
)

// Commands (datasheet section "Command Table").
const (
	cmdPanelSetting    = 0x00
	cmdPowerSetting    = 0x01
	cmdPowerOff        = 0x02
	cmdPowerOn         = 0x04
	cmdBooster         = 0x06
	cmdDeepSleep       = 0x07
	cmdDataOld         = 0x10 // data start transmission 1: OLD
	cmdRefresh         = 0x12
	cmdDataNew         = 0x13 // data start transmission 2: NEW
	cmdDualSPI         = 0x15
	cmdLUTVCOM         = 0x20 // LUT registers: VCOM, then per transition
	cmdLUTWW           = 0x21
	cmdLUTBW           = 0x22
	cmdLUTWB           = 0x23
	cmdLUTBB           = 0x24
	cmdLUTOption       = 0x2A
	cmdPLL             = 0x30
	cmdEndVoltage      = 0x52
	cmdVCOMData        = 0x50 // VCOM and data interval
	cmdTCON            = 0x60
	cmdResolution      = 0x61
	cmdGateSourceStart = 0x65
	cmdVCOMDC          = 0x82
	cmdPartialWin      = 0x90
	cmdPartialIn       = 0x91
	cmdPartialOut      = 0x92
	cmdCascade         = 0xE0
	cmdForceTemp       = 0xE5
)

// Parameters.
const (
	panelKWOTP     = 0x1F // KW mode, waveform from OTP, scan up, shift right, booster on, no soft reset
	panelKWLUT     = 0x3F // the same with the waveform from the LUT registers
	deepSleepCheck = 0xA5
	// 0x50 first byte: BDZ (0x80) border floating, BDV (0x30) border
	// waveform, N2OCP (0x08) copy NEW to OLD, DDX (0x03) polarity.
	cdiFull      = 0x21 // BDV=10, DDX=01: a set bit is white
	cdiPartial   = 0xA1 // the same, border floating
	cdiInterval  = 0x07
	tconSetting  = 0x22
	cascadeTSFIX = 0x02 // temperature from 0xE5, not the sensor
	pscanBoth    = 0x01 // 0x90 PT_SCAN: gates scan inside and outside the window
)

// busySettle is the wait between a command that raises BUSY and the first
// read of it (Waveshare: "200 µs at least").
const busySettle = time.Millisecond

var powerSetting = []byte{0x07, 0x07, 0x3F, 0x3F} // VGH/VGL ±20 V, VDH/VDL ±15 V

// booster returns the 0x06 soft-start phases (Waveshare: fast init uses
// the stronger first phases).
func booster(k epd.Refresh) []byte {
	if k == epd.Fast {
		return []byte{0x27, 0x27, 0x18, 0x17}
	}
	return []byte{0x17, 0x17, 0x28, 0x17}
}

// commands is the UC8179 command set (epd.Commands).
type commands struct {
	l        *epd.Link
	m        epd.Model
	fastTemp int        // °C forced before a fast refresh
	old      *epd.Frame // scratch: OLD data of a full refresh
	invert   bool       // the registers set have a set bit black
	// skipOld leaves out the OLD data of a partial refresh: the
	// deliberately broken sequence the emulator's ghosting test uses.
	skipOld bool
}

// Init runs after the hardware reset: the registers for a refresh of
// kind k.
func (c *commands) Init(k epd.Refresh) error {
	if c.m.Waveform(k).Source == epd.LUT {
		set := luts[c.m.Name][k]
		c.invert = set.invert
		return c.l.Send(set.regs...)
	}
	c.invert = false
	w, h := c.m.Width, c.m.Height
	cdi := byte(cdiFull)
	if k == epd.Partial {
		cdi = cdiPartial
	}
	regs := []epd.Reg{
		{Cmd: cmdPowerSetting, Data: powerSetting},
		{Cmd: cmdBooster, Data: booster(k)},
		{Cmd: cmdPanelSetting, Data: []byte{panelKWOTP}},
		{Cmd: cmdResolution, Data: []byte{byte(w >> 8), byte(w), byte(h >> 8), byte(h)}},
		{Cmd: cmdDualSPI, Data: []byte{0x00}},
		{Cmd: cmdVCOMData, Data: []byte{cdi, cdiInterval}},
		{Cmd: cmdTCON, Data: []byte{tconSetting}},
	}
	switch k {
	case epd.Fast:
		regs = append(regs, epd.Reg{Cmd: cmdCascade, Data: []byte{cascadeTSFIX}}, epd.Reg{Cmd: cmdForceTemp, Data: []byte{byte(c.fastTemp)}})
	case epd.Partial:
		regs = append(regs, epd.Reg{Cmd: cmdCascade, Data: []byte{cascadeTSFIX}}, epd.Reg{Cmd: cmdForceTemp, Data: []byte{byte(c.m.PartialWaveform.Temperature)}})
	}
	return c.l.Send(regs...)
}

// Show writes OLD and NEW and runs the refresh: full and fast drive every
// pixel to NEW; a partial refresh (inside its window) the pixels where NEW
// differs from OLD. OLD is lost in deep sleep, so it is always written.
func (c *commands) Show(j *epd.Job) error {
	l := c.l
	if j.Kind == epd.Partial {
		if err := l.Command(cmdPartialIn); err != nil {
			return err
		}
		if err := c.partialWindow(j.Window); err != nil {
			return err
		}
		if !c.skipOld {
			if err := l.Window(cmdDataOld, j.Shown, j.Window, c.invert); err != nil {
				return err
			}
		}
		if err := l.Window(cmdDataNew, j.Next, j.Window, c.invert); err != nil {
			return err
		}
	} else {
		old := j.Shown
		if !j.Known {
			// Unknown glass: OLD is NEW's complement, every pixel a change.
			for i, b := range j.Next.Pix {
				c.old.Pix[i] = ^b
			}
			old = c.old
		}
		if err := l.Window(cmdDataOld, old, j.Window, c.invert); err != nil {
			return err
		}
		if err := l.Window(cmdDataNew, j.Next, j.Window, c.invert); err != nil {
			return err
		}
	}
	if err := l.Run(cmdPowerOn, busySettle, "power on", l.Timeouts.Command); err != nil {
		return err
	}
	if err := l.Run(cmdRefresh, busySettle, "display refresh", l.Timeouts.For(j.Kind)); err != nil {
		return err
	}
	if j.Kind == epd.Partial {
		return l.Command(cmdPartialOut)
	}
	return nil
}

// partialWindow sends 0x90 for the byte-aligned native rectangle r.
func (c *commands) partialWindow(r image.Rectangle) error {
	hs, he, vs, ve := r.Min.X, r.Max.X-1, r.Min.Y, r.Max.Y-1
	return c.l.Command(cmdPartialWin,
		byte(hs>>8), byte(hs), byte(he>>8), byte(he),
		byte(vs>>8), byte(vs), byte(ve>>8), byte(ve), pscanBoth)
}

// Sleep switches the charge pump off and enters deep sleep.
func (c *commands) Sleep() error {
	if err := c.l.Run(cmdPowerOff, busySettle, "power off", c.l.Timeouts.Command); err != nil {
		return err
	}
	return c.DeepSleep()
}

// DeepSleep enters deep sleep (0x07 with its check code).
func (c *commands) DeepSleep() error { return c.l.Command(cmdDeepSleep, deepSleepCheck) }

// Probe sets the registers and switches the charge pump on: BUSY must go
// busy and come back.
func (c *commands) Probe() error {
	if err := c.Init(epd.Full); err != nil {
		return err
	}
	if err := c.l.Command(cmdPowerOn); err != nil {
		return err
	}
	return c.l.Pulse("power on", probeStart, c.l.Timeouts.Command)
}

// probeStart bounds the wait for BUSY to fall after power on.
const probeStart = 50 * time.Millisecond
