package ssd1680

import (
	"image"
	"time"

	"github.com/venuekiosk/venuekiosk/internal/epd"
)

// Commands (datasheet section "Command Table").
const (
	cmdDriverOutput  = 0x01 // gates (MUX) and scan options
	cmdDeepSleep     = 0x10
	cmdDataEntry     = 0x11
	cmdSoftReset     = 0x12
	cmdTempSensor    = 0x18
	cmdWriteTemp     = 0x1A
	cmdActivate      = 0x20 // master activation: run the 0x22 sequence
	cmdUpdateCtl1    = 0x21 // RAM content options
	cmdUpdateCtl2    = 0x22 // display update sequence options
	cmdWriteBW       = 0x24 // BW RAM: the new image
	cmdWriteRed      = 0x26 // RED RAM: the old image in display mode 2
	cmdWriteLUT      = 0x32 // waveform (LUT) registers
	cmdDisplayOption = 0x37
	cmdBorder        = 0x3C
	cmdRAMXWindow    = 0x44
	cmdRAMYWindow    = 0x45
	cmdRAMXCounter   = 0x4E
	cmdRAMYCounter   = 0x4F
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
	updPowerOn     = 0xC0 // clock and analog on (before a display with a LUT written)
	updDisplayOnly = 0x0F // display mode bits only: keep the waveform written
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

// commands is the SSD168x command set (epd.Commands).
type commands struct {
	l        *epd.Link
	m        epd.Model
	fastTemp int // °C forced before a fast refresh
	// skipOldSync leaves RED RAM stale after a partial refresh: the
	// deliberately broken sequence the emulator's ghosting test uses.
	skipOldSync bool
}

// Init runs after the hardware reset: software reset, then the registers
// for a refresh of kind k.
func (c *commands) Init(k epd.Refresh) error {
	l, to := c.l, c.l.Timeouts
	if err := l.Command(cmdSoftReset); err != nil {
		return err
	}
	if err := l.Wait("software reset", to.Command); err != nil {
		return err
	}
	mux := c.m.Height - 1
	border := byte(borderFollowLUT)
	if k == epd.Partial {
		border = borderVCOM
	}
	if err := l.Send(
		epd.Reg{Cmd: cmdDriverOutput, Data: []byte{byte(mux), byte(mux >> 8), 0x00}},
		epd.Reg{Cmd: cmdDataEntry, Data: []byte{entryXIncYInc}},
		epd.Reg{Cmd: cmdBorder, Data: []byte{border}},
		epd.Reg{Cmd: cmdUpdateCtl1, Data: ramOptions(c.m.Controller, k)},
		epd.Reg{Cmd: cmdTempSensor, Data: []byte{sensorInternal}},
	); err != nil {
		return err
	}
	if c.m.Waveform(k).Source == epd.LUT {
		// The OTP lacks this waveform: write it, then bring the clock
		// and the analog supply up (the vendor's order: LUT, 0x22 0xC0).
		if err := l.Send(luts[c.m.Name][k]...); err != nil {
			return err
		}
		return c.update(updPowerOn, "power on", to.Command)
	}
	if k != epd.Fast {
		return nil
	}
	// Fast: load the sensor's temperature, overwrite it with a high one
	// and load the waveform for that: the OTP's short one.
	if err := c.update(updLoadTempLUT, "loading temperature", to.Command); err != nil {
		return err
	}
	if err := l.Command(cmdWriteTemp, byte(c.fastTemp), 0x00); err != nil {
		return err
	}
	return c.update(updLoadLUT, "loading the fast waveform", to.Command)
}

// Show writes the RAMs and runs the display update. Display mode 2 (a
// partial refresh) drives the pixels where BW RAM differs from RED RAM,
// over the whole panel: RED must hold what is shown everywhere.
func (c *commands) Show(j *epd.Job) error {
	all := image.Rect(0, 0, j.Next.Stride*8, j.Next.Height)
	opt := byte(updFull)
	switch j.Kind {
	case epd.Full, epd.Fast:
		if j.Kind == epd.Fast {
			opt = updFast
		}
		if err := c.setWindow(all); err != nil {
			return err
		}
		if err := c.writeRAM(cmdWriteBW, all, j.Next); err != nil {
			return err
		}
		if err := c.writeRAM(cmdWriteRed, all, j.Next); err != nil {
			return err
		}
	case epd.Partial:
		opt = updPartial
		if !j.Kept {
			// RAM was lost: both RAMs whole, RED what is shown.
			if err := c.setWindow(all); err != nil {
				return err
			}
			if err := c.writeRAM(cmdWriteRed, all, j.Shown); err != nil {
				return err
			}
			if err := c.writeRAM(cmdWriteBW, all, j.Next); err != nil {
				return err
			}
		}
		if err := c.setWindow(j.Window); err != nil {
			return err
		}
		if j.Kept {
			if err := c.writeRAM(cmdWriteBW, j.Window, j.Next); err != nil {
				return err
			}
		}
	}
	if c.m.Waveform(j.Kind).Source == epd.LUT {
		opt &= updDisplayOnly // loading the OTP's waveform would replace the LUT
	}
	if err := c.update(opt, "display update", c.l.Timeouts.For(j.Kind)); err != nil {
		return err
	}
	if j.Kind == epd.Partial && !c.skipOldSync {
		// RED RAM ← the new window: it holds what is shown again.
		return c.writeRAM(cmdWriteRed, j.Window, j.Next)
	}
	return nil
}

// update runs the display update sequence opt and waits for it.
func (c *commands) update(opt byte, step string, timeout time.Duration) error {
	if err := c.l.Command(cmdUpdateCtl2, opt); err != nil {
		return err
	}
	return c.l.Run(cmdActivate, 0, step, timeout)
}

// setWindow sets the RAM window to the byte-aligned native rectangle r.
func (c *commands) setWindow(r image.Rectangle) error {
	ye := r.Max.Y - 1
	return c.l.Send(
		epd.Reg{Cmd: cmdRAMXWindow, Data: []byte{byte(r.Min.X / 8), byte(r.Max.X/8 - 1)}},
		epd.Reg{Cmd: cmdRAMYWindow, Data: []byte{byte(r.Min.Y), byte(r.Min.Y >> 8), byte(ye), byte(ye >> 8)}},
	)
}

// writeRAM writes the window r of f to the RAM cmd selects, from the
// window's start; the window must be set.
func (c *commands) writeRAM(cmd byte, r image.Rectangle, f *epd.Frame) error {
	if err := c.l.Send(
		epd.Reg{Cmd: cmdRAMXCounter, Data: []byte{byte(r.Min.X / 8)}},
		epd.Reg{Cmd: cmdRAMYCounter, Data: []byte{byte(r.Min.Y), byte(r.Min.Y >> 8)}},
	); err != nil {
		return err
	}
	return c.l.Window(cmd, f, r, false)
}

// Sleep puts the controller in deep sleep mode 1 (RAM kept).
func (c *commands) Sleep() error { return c.l.Command(cmdDeepSleep, sleepMode1) }

// DeepSleep is Sleep: after a hardware reset there is nothing to end.
func (c *commands) DeepSleep() error { return c.Sleep() }

// Probe sends a software reset, whose BUSY pulse must start and end.
func (c *commands) Probe() error {
	if err := c.l.Command(cmdSoftReset); err != nil {
		return err
	}
	return c.l.Pulse("software reset", probeStart, c.l.Timeouts.Command)
}

// probeStart bounds the wait for BUSY to rise after a software reset.
const probeStart = 50 * time.Millisecond
