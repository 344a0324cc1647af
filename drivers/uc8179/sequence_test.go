package uc8179

import (
	"image"
	"testing"

	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
	"github.com/venuekiosk/venuekiosk/internal/epd"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdemutest"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdtest"
)

// The expected sequences, written out from the UC8179 command table and
// Waveshare's EPD_7in5_V2 example (init, init_fast, init_part,
// Display_Part).

// initSeq: 0x01 power setting (VGH/VGL ±20 V, VDH/VDL ±15 V), 0x06
// booster soft start, 0x00 0x1F (KW, OTP LUT, up, right), 0x61 800×480
// (0x0320 × 0x01E0), 0x15 0x00 single SPI, 0x50 VCOM and data interval,
// 0x60 0x22 TCON.
func initSeq(booster, cdi string) []string {
	return []string{"reset", "01 07 07 3f 3f", "06 " + booster, "00 1f", "61 03 20 01 e0", "15 00", "50 " + cdi + " 07", "60 22"}
}

var m75 = epd.Waveshare7in5V2

// sleepSeq: charge pump off, deep sleep with its check code.
var sleepSeq = []string{"02", "07 a5"}

func TestFullSequence(t *testing.T) {
	e, d := epdemutest.Fixture(t, New, m75, nil, nil)
	if err := d.Full(epdtest.Pattern(d.Bounds(), 0)); err != nil {
		t.Fatal(err)
	}
	epdemutest.NoErrors(t, e)
	want := epdemutest.Join(initSeq("17 17 28 17", "21"), // DDX=01: a set bit is white; BDV=10
		[]string{"10 <48000 bytes>", "13 <48000 bytes>", "04", "12"}, sleepSeq)
	epdemutest.DiffSeq(t, "full", epdemutest.Log(e), want)
}

func TestFastSequence(t *testing.T) {
	e, d := epdemutest.Fixture(t, New, m75, nil, nil)
	if err := d.Fast(epdtest.Pattern(d.Bounds(), 0)); err != nil {
		t.Fatal(err)
	}
	epdemutest.NoErrors(t, e)
	want := epdemutest.Join(initSeq("27 27 18 17", "21"),
		[]string{"e0 02", "e5 5a"}, // temperature from 0xE5: 90 °C
		[]string{"10 <48000 bytes>", "13 <48000 bytes>", "04", "12"}, sleepSeq)
	epdemutest.DiffSeq(t, "fast", epdemutest.Log(e), want)
	if got := e.Refreshes(); got != (epdemu.Counts{Fast: 1}) {
		t.Errorf("emulator saw %+v, want one fast refresh", got)
	}
}

func TestPartialSequence(t *testing.T) {
	for _, tt := range []struct {
		r      image.Rectangle
		window string // 0x90: HRST, HRED, VRST, VRED (two bytes each), PT_SCAN
		n      string
	}{
		// x 100..300 widens to 96..304: 96 = 0x060, 303 = 0x12F; rows 50..249.
		{image.Rect(100, 50, 300, 250), "90 00 60 01 2f 00 32 00 f9 01", "5200"},
		// The bottom right corner: 792..799 × 470..479.
		{image.Rect(795, 470, 800, 480), "90 03 18 03 1f 01 d6 01 df 01", "10"},
	} {
		t.Run(tt.window, func(t *testing.T) {
			e, d := epdemutest.Fixture(t, New, m75, nil, nil)
			got := epdemutest.PartialLog(t, e, d, tt.r)
			want := epdemutest.Join(initSeq("17 17 28 17", "a1"), // border floating
				[]string{"e0 02", "e5 6e"}, // 110 °C: the OTP's partial waveform
				[]string{"91", tt.window, "10 <" + tt.n + " bytes>", "13 <" + tt.n + " bytes>", "04", "12", "92"},
				sleepSeq)
			epdemutest.DiffSeq(t, tt.r.String(), got, want)
		})
	}
}

func TestPowerSwitchSequence(t *testing.T) {
	e, d := epdemutest.Fixture(t, New, m75, nil, func(e *epdemu.Emu, o *Opts) { o.Power = e.Power() })
	if err := d.Full(epdtest.Solid(d.Bounds(), true)); err != nil {
		t.Fatal(err)
	}
	if err := d.Halt(); err != nil {
		t.Fatal(err)
	}
	if err := d.Full(epdtest.Solid(d.Bounds(), false)); err != nil {
		t.Fatal(err)
	}
	epdemutest.NoErrors(t, e)
	got := epdemutest.Log(e)
	want := epdemutest.Join(initSeq("17 17 28 17", "21"), []string{"10 <48000 bytes>", "13 <48000 bytes>", "04", "12"}, sleepSeq)
	epdemutest.DiffSeq(t, "power switch", got, epdemutest.Join(want, []string{"power off", "power on"}, want))
}
