package ssd1680

import (
	"image"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/epd"
)

// Commands (datasheet section "Command Table").
const (
	cmdDriverOutput = 0x01 // gates (MUX) and scan options
	cmdDeepSleep    = 0x10
	cmdDataEntry    = 0x11
	cmdSoftReset    = 0x12
	cmdTempSensor   = 0x18
	cmdWriteTemp    = 0x1A
	cmdActivate     = 0x20 // master activation: run the 0x22 sequence
	cmdUpdateCtl1   = 0x21 // RAM content options
	cmdUpdateCtl2   = 0x22 // display update sequence options
	cmdWriteBW      = 0x24 // BW RAM: the new image
	cmdWriteRed     = 0x26 // RED RAM: the old image in display mode 2
	cmdBorder       = 0x3C
	cmdRAMXWindow   = 0x44
	cmdRAMYWindow   = 0x45
	cmdRAMXCounter  = 0x4E
	cmdRAMYCounter  = 0x4F
)

// Parameters.
const (
	entryXIncYInc   = 0x03 // X increments, then Y (0x11)
	sensorInternal  = 0x80 // 0x18
	sleepMode1      = 0x01 // deep sleep keeping RAM (0x10)
	borderFollowLUT = 0x05 // border follows the white waveform (0x3C)
	borderVCOM      = 0x80 // border held at VCOM: not driven (0x3C)

	// 0x22 sequences: 0x80 clock on, 0x40 analog on, 0x20 load
	// temperature, 0x10 load waveform, 0x08 display mode 2, 0x04 display,
	// 0x02 analog off, 0x01 clock off.
	updLoadTempLUT = 0xB1 // load temperature and waveform
	updLoadLUT     = 0x91 // load the waveform for the temperature register
	updFull        = 0xF7 // load temperature and waveform, display mode 1
	updFast        = 0xC7 // display mode 1 with the loaded waveform
	updPartial     = 0xFF // load temperature and waveform, display mode 2
)

// ramOptions returns the 0x21 parameters: RED RAM bypassed as 0 in full
// refreshes on the SSD1683 (as Waveshare's 4.2" V2 example), used
// otherwise; source output S8–S167 on the SSD1680 (Waveshare's 2.13" V4
// and 2.9" V2 examples).
func ramOptions(c epd.Controller, k epd.Refresh) []byte {
	if c == epd.SSD1683 {
		if k == epd.Partial {
			return []byte{0x00, 0x00}
		}
		return []byte{0x40, 0x00}
	}
	return []byte{0x00, 0x80}
}

// init runs after the hardware reset: software reset, then the registers
// for a refresh of kind k.
func (d *Dev) init(k epd.Refresh) error {
	b, to := d.bus, d.opts.Timeouts
	if err := d.busy.Wait("hardware reset", to.Command); err != nil {
		return err
	}
	if err := b.Command(cmdSoftReset); err != nil {
		return err
	}
	if err := d.busy.Wait("software reset", to.Command); err != nil {
		return err
	}
	mux := d.model.Height - 1
	border := byte(borderFollowLUT)
	if k == epd.Partial {
		border = borderVCOM
	}
	for _, c := range []struct {
		cmd  byte
		args []byte
	}{
		{cmdDriverOutput, []byte{byte(mux), byte(mux >> 8), 0x00}},
		{cmdDataEntry, []byte{entryXIncYInc}},
		{cmdBorder, []byte{border}},
		{cmdUpdateCtl1, ramOptions(d.model.Controller, k)},
		{cmdTempSensor, []byte{sensorInternal}},
	} {
		if err := b.Command(c.cmd, c.args...); err != nil {
			return err
		}
	}
	if k != epd.Fast {
		return nil
	}
	// Fast: load the sensor's temperature, overwrite it with a high one
	// and load the waveform for that: the OTP's short one.
	if err := d.update(updLoadTempLUT, "loading temperature", to.Command); err != nil {
		return err
	}
	if err := b.Command(cmdWriteTemp, byte(d.opts.FastTemperature), 0x00); err != nil {
		return err
	}
	return d.update(updLoadLUT, "loading the fast waveform", to.Command)
}

// update runs the display update sequence opt and waits for it.
func (d *Dev) update(opt byte, step string, timeout time.Duration) error {
	if err := d.bus.Command(cmdUpdateCtl2, opt); err != nil {
		return err
	}
	if err := d.bus.Command(cmdActivate); err != nil {
		return err
	}
	return d.busy.Wait(step, timeout)
}

// setWindow sets the RAM window to the byte-aligned native rectangle r.
func (d *Dev) setWindow(r image.Rectangle) error {
	ye := r.Max.Y - 1
	if err := d.bus.Command(cmdRAMXWindow, byte(r.Min.X/8), byte(r.Max.X/8-1)); err != nil {
		return err
	}
	return d.bus.Command(cmdRAMYWindow, byte(r.Min.Y), byte(r.Min.Y>>8), byte(ye), byte(ye>>8))
}

// writeRAM writes the window r of f to the RAM cmd selects, from the
// window's start; the window must be set.
func (d *Dev) writeRAM(cmd byte, r image.Rectangle, f *epd.Frame) error {
	if err := d.bus.Command(cmdRAMXCounter, byte(r.Min.X/8)); err != nil {
		return err
	}
	if err := d.bus.Command(cmdRAMYCounter, byte(r.Min.Y), byte(r.Min.Y>>8)); err != nil {
		return err
	}
	var err error
	if d.buf, err = f.Window(d.buf[:0], r); err != nil {
		return err
	}
	if err := d.bus.Command(cmd); err != nil {
		return err
	}
	return d.bus.Data(d.buf)
}

// deepSleep puts the controller in deep sleep mode 1 (RAM kept).
func (d *Dev) deepSleep() error {
	return d.bus.Command(cmdDeepSleep, sleepMode1)
}
