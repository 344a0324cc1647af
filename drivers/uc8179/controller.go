package uc8179

import (
	"image"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/epd"
)

// Commands (datasheet section "Command Table").
const (
	cmdPanelSetting = 0x00
	cmdPowerSetting = 0x01
	cmdPowerOff     = 0x02
	cmdPowerOn      = 0x04
	cmdBooster      = 0x06
	cmdDeepSleep    = 0x07
	cmdDataOld      = 0x10 // data start transmission 1: OLD
	cmdRefresh      = 0x12
	cmdDataNew      = 0x13 // data start transmission 2: NEW
	cmdDualSPI      = 0x15
	cmdVCOMData     = 0x50 // VCOM and data interval
	cmdTCON         = 0x60
	cmdResolution   = 0x61
	cmdPartialWin   = 0x90
	cmdPartialIn    = 0x91
	cmdPartialOut   = 0x92
	cmdCascade      = 0xE0
	cmdForceTemp    = 0xE5
)

// Parameters.
const (
	panelKWOTP     = 0x1F // KW mode, waveform from OTP, scan up, shift right, booster on, no soft reset
	deepSleepCheck = 0xA5
	// 0x50 first byte: BDZ (0x80) border floating, BDV (0x30) border
	// waveform, N2OCP (0x08) copy NEW to OLD, DDX (0x03) polarity.
	cdiFull      = 0x21 // BDV=10, DDX=01: a set bit is white
	cdiPartial   = 0xA1 // the same, border floating
	cdiInterval  = 0x07
	tconSetting  = 0x22
	cascadeTSFIX = 0x02 // temperature from 0xE5, not the sensor
	tempFast     = 90   // °C: Waveshare's fast init
	tempPartial  = 110  // °C: Waveshare's (and GxEPD2's) partial init
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

// command is a command byte and its parameters.
type command struct {
	cmd  byte
	args []byte
}

// init runs after the hardware reset: the registers for a refresh of
// kind k.
func (d *Dev) init(k epd.Refresh) error {
	if err := d.busy.Wait("hardware reset", d.opts.Timeouts.Command); err != nil {
		return err
	}
	w, h := d.model.Width, d.model.Height
	cdi := byte(cdiFull)
	if k == epd.Partial {
		cdi = cdiPartial
	}
	cmds := []command{
		{cmdPowerSetting, powerSetting},
		{cmdBooster, booster(k)},
		{cmdPanelSetting, []byte{panelKWOTP}},
		{cmdResolution, []byte{byte(w >> 8), byte(w), byte(h >> 8), byte(h)}},
		{cmdDualSPI, []byte{0x00}},
		{cmdVCOMData, []byte{cdi, cdiInterval}},
		{cmdTCON, []byte{tconSetting}},
	}
	switch k {
	case epd.Fast:
		cmds = append(cmds, command{cmdCascade, []byte{cascadeTSFIX}}, command{cmdForceTemp, []byte{tempFast}})
	case epd.Partial:
		cmds = append(cmds, command{cmdCascade, []byte{cascadeTSFIX}}, command{cmdForceTemp, []byte{tempPartial}})
	}
	for _, c := range cmds {
		if err := d.bus.Command(c.cmd, c.args...); err != nil {
			return err
		}
	}
	return nil
}

// wait sends cmd, which raises BUSY, and waits for it to fall.
func (d *Dev) wait(cmd byte, step string, timeout time.Duration) error {
	if err := d.bus.Command(cmd); err != nil {
		return err
	}
	d.sleep(busySettle)
	return d.busy.Wait(step, timeout)
}

// partialWindow sends 0x90 for the byte-aligned native rectangle r.
func (d *Dev) partialWindow(r image.Rectangle) error {
	hs, he, vs, ve := r.Min.X, r.Max.X-1, r.Min.Y, r.Max.Y-1
	return d.bus.Command(cmdPartialWin,
		byte(hs>>8), byte(hs), byte(he>>8), byte(he),
		byte(vs>>8), byte(vs), byte(ve>>8), byte(ve), pscanBoth)
}

// writeData sends the window r of f as the data of cmd (0x10 or 0x13).
func (d *Dev) writeData(cmd byte, r image.Rectangle, f *epd.Frame) error {
	var err error
	if d.buf, err = f.Window(d.buf[:0], r); err != nil {
		return err
	}
	if err := d.bus.Command(cmd); err != nil {
		return err
	}
	return d.bus.Data(d.buf)
}

// sleepController switches the charge pump off and enters deep sleep.
func (d *Dev) sleepController() error {
	if err := d.wait(cmdPowerOff, "power off", d.opts.Timeouts.Command); err != nil {
		return err
	}
	return d.bus.Command(cmdDeepSleep, deepSleepCheck)
}
