package ssd1680

import (
	"testing"

	"github.com/venuekiosk/venuekiosk/internal/epd"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdemutest"
)

// The vendor's reference sequences, as test data: what Waveshare's
// drivers (e-Paper repository, RaspberryPi_JetsonNano/python and c) and
// GxEPD2 write before a full and a partial refresh of each panel,
// register by register, with the order the controller needs; and, per
// model, what this driver keeps different on purpose, and why. The
// partial refreshes are over the whole panel, as the vendor's are.

type hx = []byte

var h = epdemutest.Hex

// reg is a register write of the reference; data nil: any.
func reg(cmd byte, data hx) epd.Reg { return epd.Reg{Cmd: cmd, Data: data} }

// ramOrder: the data entry mode, the window and the counters come before
// the RAM is written; the RAM before the update.
var ramOrder = [][2]byte{{0x11, 0x24}, {0x44, 0x24}, {0x45, 0x24}, {0x4E, 0x24}, {0x4F, 0x24}}

// The software reset comes first, then the registers.
var swResetFirst = [][2]byte{{0x12, 0x01}, {0x12, 0x11}, {0x12, 0x3C}, {0x12, 0x21}}

var references = map[string]map[epd.Refresh]epdemutest.Reference{
	epd.Waveshare2in13V4.Name: {
		epd.Full: {Source: "Waveshare epd2in13_V4.py init(), displayPartBaseImage()", Trigger: 0x20,
			Regs: []epd.Reg{reg(0x12, nil), reg(0x01, h("f9 00 00")), reg(0x11, h("03")), reg(0x44, h("00 0f")), reg(0x45, h("00 00 f9 00")),
				reg(0x4E, h("00")), reg(0x4F, h("00 00")), reg(0x3C, h("05")), reg(0x21, h("00 80")), reg(0x18, h("80")),
				reg(0x24, nil), reg(0x26, nil), reg(0x22, h("f7"))},
			Order: append(append([][2]byte{{0x12, 0x18}, {0x26, 0x22}, {0x24, 0x22}}, swResetFirst...), ramOrder...)},
		epd.Partial: {Source: "Waveshare epd2in13_V4.py displayPartial()", Trigger: 0x20,
			Regs: []epd.Reg{reg(0x3C, h("80")), reg(0x01, h("f9 00 00")), reg(0x11, h("03")), reg(0x44, h("00 0f")), reg(0x45, h("00 00 f9 00")),
				reg(0x4E, h("00")), reg(0x4F, h("00 00")), reg(0x24, nil), reg(0x22, h("ff"))},
			Order: append([][2]byte{{0x24, 0x22}}, ramOrder...)},
	},
	epd.Waveshare2in9V2.Name: {
		// The current EPD_2in9_V2.c loads its own full waveform (WS_20_30)
		// as well; its earlier release (2020-10-20, commit 04d4621) and
		// GxEPD2's GxEPD2_290_T94_V2 use the OTP's, as this driver does.
		epd.Full: {Source: "Waveshare EPD_2in9_V2.c (04d4621) EPD_2IN9_V2_Init, Display_Base; GxEPD2_290_T94_V2 _InitDisplay, _Update_Full", Trigger: 0x20,
			Regs: []epd.Reg{reg(0x12, nil), reg(0x01, h("27 01 00")), reg(0x11, h("03")), reg(0x44, h("00 0f")), reg(0x45, h("00 00 27 01")),
				reg(0x3C, h("05")), reg(0x21, h("00 80")), reg(0x18, h("80")), reg(0x4E, h("00")), reg(0x4F, h("00 00")),
				reg(0x24, nil), reg(0x26, nil), reg(0x22, h("f7"))},
			Order: append(append([][2]byte{{0x24, 0x22}, {0x26, 0x22}}, swResetFirst...), ramOrder...)},
		// The panel's OTP has no partial waveform: the vendor writes one.
		epd.Partial: {Source: "Waveshare EPD_2in9_V2.c EPD_2IN9_V2_Display_Partial (the LUT as GxEPD2_290_T94_V2's lut_partial)", Trigger: 0x20,
			Regs: []epd.Reg{reg(0x32, h(vendorLUT2in9Partial)), reg(0x37, h("00 00 00 00 00 40 00 00 00 00")), reg(0x3C, h("80")),
				reg(0x22, h("c0")), reg(0x20, nil),
				reg(0x44, h("00 0f")), reg(0x45, h("00 00 27 01")), reg(0x4E, h("00")), reg(0x4F, h("00 00")), reg(0x24, nil),
				reg(0x22, h("0f"))},
			Order: append([][2]byte{{0x32, 0x22}, {0x37, 0x22}, {0x32, 0x24}}, ramOrder...)},
	},
	epd.Waveshare4in2V2.Name: {
		epd.Full: {Source: "Waveshare epd4in2_V2.py init(), display()", Trigger: 0x20,
			Regs: []epd.Reg{reg(0x12, nil), reg(0x21, h("40 00")), reg(0x3C, h("05")), reg(0x11, h("03")), reg(0x44, h("00 31")),
				reg(0x45, h("00 00 2b 01")), reg(0x4E, h("00")), reg(0x4F, h("00 00")), reg(0x24, nil), reg(0x26, nil), reg(0x22, h("f7"))},
			Order: append(append([][2]byte{{0x24, 0x22}, {0x26, 0x22}}, swResetFirst...), ramOrder...)},
		epd.Partial: {Source: "Waveshare epd4in2_V2.py display_Partial()", Trigger: 0x20,
			Regs: []epd.Reg{reg(0x3C, h("80")), reg(0x21, h("00 00")), reg(0x44, h("00 31")), reg(0x45, h("00 00 2b 01")),
				reg(0x4E, h("00")), reg(0x4F, h("00 00")), reg(0x24, nil), reg(0x22, h("ff"))},
			Order: append([][2]byte{{0x24, 0x22}}, ramOrder...)},
	},
}

// What the driver adds to every operation, on purpose.
var (
	addSoftReset = epdemutest.Difference{Cmd: 0x12, Added: true,
		Why: "every operation wakes the controller from deep sleep with a reset, then a software reset: the registers start from their defaults whatever the last operation left"}
	addRedSync = epdemutest.Difference{Cmd: 0x26, Added: true,
		Why: "after a partial refresh RED RAM ← the new image: display mode 2 drives where BW differs from RED, so RED must hold what is shown for the next one (as GxEPD2 writes it)"}
	addSensor = epdemutest.Difference{Cmd: 0x18, Ours: h("80"), Added: true,
		Why: "the internal temperature sensor, chosen in every init (the vendor's 2.13\" and 2.9\" full init do)"}
	addGates = epdemutest.Difference{Cmd: 0x01, Added: true,
		Why: "the gate count (MUX) set in every init rather than left at its reset value"}
	addRAMOpts = epdemutest.Difference{Cmd: 0x21, Added: true,
		Why: "the RAM options set in every init"}
)

var differences = map[string]map[epd.Refresh][]epdemutest.Difference{
	epd.Waveshare2in13V4.Name: {
		epd.Partial: {addSoftReset, addRedSync, addSensor, addRAMOpts},
	},
	epd.Waveshare2in9V2.Name: {
		epd.Partial: {addSoftReset, addRedSync, addSensor, addGates, addRAMOpts,
			{Cmd: 0x37, Ours: h("00 00 00 00 00 00 00 00 00 00"),
				Why: "RAM ping-pong off (the vendor sets it, 0x40 in the sixth byte): the driver writes RED RAM itself after the refresh, so that display mode 2 compares exactly the two images it wrote whatever the window; the datasheet does not say how ping-pong treats a window"}},
	},
	epd.Waveshare4in2V2.Name: {
		epd.Full: {addGates, addSensor},
		epd.Partial: {addSoftReset, addRedSync, addSensor, addGates,
			{Cmd: 0x11, Ours: h("03"), Added: true, Why: "the data entry mode set in every init"}},
	},
}

func TestReferenceSequences(t *testing.T) {
	epdemutest.CheckModels(t, New, models, references, differences)
}
