package ssd1680

import "github.com/venuekiosk/venuekiosk/internal/epd"

// luts are the waveforms of the models whose OTP lacks one (epd.LUT), per
// model and refresh kind: the registers written after the usual ones,
// before the analog supply comes up. Adding a model on this controller
// is its epd.Model entry, and here its LUTs if it needs any.
var luts = map[string]map[epd.Refresh][]epd.Reg{
	epd.Waveshare2in9V2.Name: {
		epd.Partial: {
			{Cmd: cmdWriteLUT, Data: lut2in9Partial()},
			// Display options: all defaults, and RAM ping-pong off (the
			// vendor sets it, 0x40 in the sixth byte): the driver keeps
			// RED RAM itself, so that display mode 2 compares exactly the
			// two images it wrote, whatever the window.
			{Cmd: cmdDisplayOption, Data: make([]byte, 10)},
		},
	},
}

// lut2in9Partial returns the 2.9" V2's partial waveform, the 153 bytes of
// 0x32, with the values of Waveshare's EPD_2in9_V2.c (_WF_PARTIAL_2IN9)
// and GxEPD2's GxEPD2_290_T94_V2 (lut_partial): for each of LUT0 to LUT4
// (the transitions) 12 bytes of source levels, two bits a phase; then 12
// groups of 7 bytes (phase lengths A to D in frames, their repeat
// counts, the group's repeat count); then 6 bytes of frame rates and 3 of
// gate scan selection.
func lut2in9Partial() []byte {
	b := make([]byte, 153)
	for i, levels := range [5][2]byte{
		{0x00, 0x40}, // LUT0 (black to black): VSL (low) in phase B of group 1
		{0x80, 0x80}, // LUT1 (black to white): VSH2 in phase A of groups 0 and 1
		{0x40, 0x40}, // LUT2 (white to black): VSL in phase B of groups 0 and 1
		{0x00, 0x80}, // LUT3 (white to white): VSH2 in phase A of group 1
		{},           // LUT4 (VCOM): VCOM throughout
	} {
		copy(b[i*12:], levels[:])
	}
	const groups = 60
	b[groups+0*7+0], b[groups+0*7+6] = 0x0A, 0x02 // group 0: phase A 10 frames, twice
	b[groups+1*7+0] = 0x01                        // group 1: phase A 1 frame
	b[groups+2*7+0] = 0x01                        // group 2: phase A 1 frame
	const frameRates = groups + 12*7
	for i := range 6 {
		b[frameRates+i] = 0x22 // 50 Hz for every pair of groups
	}
	return b
}
