package uc8179

import "github.com/venuekiosk/venuekiosk/internal/epd"

// lutSet is the whole register set, after the reset, of a refresh kind
// whose waveform a model's OTP lacks (epd.LUT): the vendor's values.
type lutSet struct {
	regs []epd.Reg
	// invert: the set's data polarity (0x50 DDX=00) has a set bit black,
	// the opposite of epd.Frame's; the image data is sent inverted.
	invert bool
}

// luts are the LUT register sets per model and refresh kind. Adding a
// model on this controller is its epd.Model entry, and here its LUTs if
// it needs any.
var luts = map[string]map[epd.Refresh]lutSet{
	// The 7.5" V2's older stock, as Waveshare's epd7in5_V2_old drives it:
	// the full refresh with its init() and LUTs, the partial one with its
	// init2() and Lut_partial (through Epaper_LUT_By_MCU). The charge pump
	// (0x04) comes later, after the image data, as for the OTP panels.
	epd.Waveshare7in5V2Old.Name: {
		epd.Full: {invert: true, regs: []epd.Reg{
			{Cmd: cmdPowerSetting, Data: []byte{0x17, 0x17, 0x3F, 0x3F, 0x11}}, // internal power; VGH/VGL, VSH, VSL, VSHR
			{Cmd: cmdVCOMDC, Data: []byte{0x24}},
			{Cmd: cmdBooster, Data: []byte{0x27, 0x27, 0x2F, 0x17}},
			{Cmd: cmdPLL, Data: []byte{0x06}},
			{Cmd: cmdPanelSetting, Data: []byte{panelKWLUT}},
			{Cmd: cmdResolution, Data: []byte{0x03, 0x20, 0x01, 0xE0}}, // 800 × 480
			{Cmd: cmdDualSPI, Data: []byte{0x00}},
			{Cmd: cmdVCOMData, Data: []byte{0x10, cdiInterval}}, // DDX=00: a set bit black
			{Cmd: cmdTCON, Data: []byte{tconSetting}},
			{Cmd: cmdGateSourceStart, Data: []byte{0, 0, 0, 0}},
			{Cmd: cmdLUTVCOM, Data: lut42(g{0x00, 0x0F, 0x0F, 0x00, 0x00, 1}, g{0x00, 0x0F, 0x01, 0x0F, 0x01, 2}, g{0x00, 0x0F, 0x0F, 0x00, 0x00, 1})},
			{Cmd: cmdLUTWW, Data: lut42(g{0x10, 0x0F, 0x0F, 0x00, 0x00, 1}, g{0x84, 0x0F, 0x01, 0x0F, 0x01, 2}, g{0x20, 0x0F, 0x0F, 0x00, 0x00, 1})},
			{Cmd: cmdLUTBW, Data: lut42(g{0x10, 0x0F, 0x0F, 0x00, 0x00, 1}, g{0x84, 0x0F, 0x01, 0x0F, 0x01, 2}, g{0x20, 0x0F, 0x0F, 0x00, 0x00, 1})},
			{Cmd: cmdLUTWB, Data: lut42(g{0x80, 0x0F, 0x0F, 0x00, 0x00, 1}, g{0x84, 0x0F, 0x01, 0x0F, 0x01, 2}, g{0x40, 0x0F, 0x0F, 0x00, 0x00, 1})},
			{Cmd: cmdLUTBB, Data: lut42(g{0x80, 0x0F, 0x0F, 0x00, 0x00, 1}, g{0x84, 0x0F, 0x01, 0x0F, 0x01, 2}, g{0x40, 0x0F, 0x0F, 0x00, 0x00, 1})},
		}},
		epd.Partial: {regs: []epd.Reg{
			{Cmd: cmdPanelSetting, Data: []byte{panelKWLUT}},
			{Cmd: cmdBooster, Data: []byte{0x17, 0x17, 0x28, 0x18}},
			{Cmd: cmdVCOMData, Data: []byte{cdiPartial, cdiInterval}}, // border floating, DDX=01: a set bit white
			{Cmd: cmdTCON, Data: []byte{tconSetting}},
			{Cmd: cmdResolution, Data: []byte{0x03, 0x20, 0x01, 0xE0}},
			{Cmd: cmdGateSourceStart, Data: []byte{0, 0, 0, 0}},
			// Lut_partial's header, spread over its registers as
			// Epaper_LUT_By_MCU does: EVS, PLL, voltages, LUT options, VCOM.
			{Cmd: cmdEndVoltage, Data: []byte{0x02}},
			{Cmd: cmdPLL, Data: []byte{0x06}},
			{Cmd: cmdPowerSetting, Data: []byte{0x17, 0x07, 0x3F, 0x3F, 0x0D}},
			{Cmd: cmdLUTOption, Data: []byte{0x00, 0x00}},
			{Cmd: cmdVCOMDC, Data: []byte{0x1C}},
			{Cmd: cmdLUTVCOM, Data: lut42(g{0x00, 0x14, 0x02, 0x00, 0x00, 1})},
			{Cmd: cmdLUTWW, Data: lut42(g{0x20, 0x14, 0x02, 0x00, 0x00, 1})},
			{Cmd: cmdLUTBW, Data: lut42(g{0x80, 0x14, 0x02, 0x00, 0x00, 1})},
			{Cmd: cmdLUTWB, Data: lut42(g{0x40, 0x14, 0x02, 0x00, 0x00, 1})},
			{Cmd: cmdLUTBB, Data: lut42(g{0x00, 0x14, 0x02, 0x00, 0x00, 1})},
		}},
	},
}

// g is one LUT group: the level of each of four phases (two bits each),
// the four phase lengths in frames, and the group's repeat count.
type g [6]byte

// lut42 returns a 42-byte LUT register (seven groups) holding groups,
// the rest zero.
func lut42(groups ...g) []byte {
	b := make([]byte, 42)
	for i, gr := range groups {
		copy(b[i*6:], gr[:])
	}
	return b
}
