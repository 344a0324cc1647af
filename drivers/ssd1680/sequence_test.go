package ssd1680

import (
	"image"
	"testing"

	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
	"github.com/venuekiosk/venuekiosk/internal/epd"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdemutest"
	"github.com/venuekiosk/venuekiosk/internal/epd/epdtest"
)

// The expected sequences, written out from the SSD1680/SSD1683 command
// table and Waveshare's epd2in13_V4, epd2in9_V2 and epd4in2_V2 examples.

// initSeq: hardware reset, 0x12 software reset, 0x01 MUX = gates-1 (2.13":
// 249 = 0xF9; 2.9": 295 = 0x127; 4.2": 299 = 0x12B), 0x11 0x03 X then Y
// increment, 0x3C border, 0x21 RAM options, 0x18 0x80 internal sensor.
var initSeq = map[string]func(border, ram string) []string{
	"waveshare_2in13_v4": func(border, ram string) []string {
		return []string{"reset", "12", "01 f9 00 00", "11 03", "3c " + border, "21 " + ram, "18 80"}
	},
	"waveshare_2in9_v2": func(border, ram string) []string {
		return []string{"reset", "12", "01 27 01 00", "11 03", "3c " + border, "21 " + ram, "18 80"}
	},
	"waveshare_4in2_v2": func(border, ram string) []string {
		return []string{"reset", "12", "01 2b 01 00", "11 03", "3c " + border, "21 " + ram, "18 80"}
	},
}

// wholeRAM: the window over the whole RAM (X in bytes: 2.13" and 2.9"
// 0..15, 4.2" 0..49), counters at 0, both RAMs.
var wholeRAM = map[string][]string{
	"waveshare_2in13_v4": {"44 00 0f", "45 00 00 f9 00", "4e 00", "4f 00 00", "24 <4000 bytes>", "4e 00", "4f 00 00", "26 <4000 bytes>"},
	"waveshare_2in9_v2":  {"44 00 0f", "45 00 00 27 01", "4e 00", "4f 00 00", "24 <4736 bytes>", "4e 00", "4f 00 00", "26 <4736 bytes>"},
	"waveshare_4in2_v2":  {"44 00 31", "45 00 00 2b 01", "4e 00", "4f 00 00", "24 <15000 bytes>", "4e 00", "4f 00 00", "26 <15000 bytes>"},
}

// Full refresh RAM options: the SSD1683 bypasses RED RAM as 0 (Waveshare
// 4.2" V2: 0x21 0x40 0x00); the SSD1680 modules use source mode S8–S167
// (0x21 0x00 0x80). In partial refreshes the SSD1683 uses RED (0x00 0x00).
var fullRAMOpt = map[string]string{"waveshare_2in13_v4": "00 80", "waveshare_2in9_v2": "00 80", "waveshare_4in2_v2": "40 00"}
var partRAMOpt = map[string]string{"waveshare_2in13_v4": "00 80", "waveshare_2in9_v2": "00 80", "waveshare_4in2_v2": "00 00"}

// vendorLUT2in9Partial is the 2.9" V2's partial waveform as Waveshare's
// EPD_2in9_V2.c lists it (_WF_PARTIAL_2IN9, the first 153 bytes; the same
// values as GxEPD2's GxEPD2_290_T94_V2 lut_partial). The vendor's Python
// example has group 0 repeated once (0x01) instead of twice; the C
// driver's and GxEPD2's value is kept.
const vendorLUT2in9Partial = "" +
	"00 40 00 00 00 00 00 00 00 00 00 00 " +
	"80 80 00 00 00 00 00 00 00 00 00 00 " +
	"40 40 00 00 00 00 00 00 00 00 00 00 " +
	"00 80 00 00 00 00 00 00 00 00 00 00 " +
	"00 00 00 00 00 00 00 00 00 00 00 00 " +
	"0a 00 00 00 00 00 02 " +
	"01 00 00 00 00 00 00 " +
	"01 00 00 00 00 00 00 " +
	"00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 " +
	"00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 " +
	"00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 " +
	"22 22 22 22 22 22 00 00 00"

// partInit is the wake-up for a partial refresh: the 2.9" V2, whose OTP
// has no partial waveform, then writes it (0x32), the display options
// (0x37) and brings the clock and analog supply up (0x22 0xC0, 0x20).
func partInit(m epd.Model) []string {
	s := initSeq[m.Name]("80", partRAMOpt[m.Name])
	if m.Name == epd.Waveshare2in9V2.Name {
		s = append(s, "32 "+vendorLUT2in9Partial, "37 00 00 00 00 00 00 00 00 00 00", "22 c0", "20")
	}
	return s
}

// partUpdate is the partial refresh's update sequence: with the OTP's
// waveform 0xFF (load temperature and waveform, display mode 2), with a
// LUT written 0x0F (display mode 2 only, then analog and clock off).
func partUpdate(m epd.Model) string {
	if m.Name == epd.Waveshare2in9V2.Name {
		return "22 0f"
	}
	return "22 ff"
}

func TestFullSequence(t *testing.T) {
	for _, m := range models {
		e, d := epdemutest.Fixture(t, New, m, nil, nil)
		if err := d.Full(epdtest.Pattern(d.Bounds(), 0)); err != nil {
			t.Fatal(err)
		}
		epdemutest.NoErrors(t, e)
		want := epdemutest.Join(initSeq[m.Name]("05", fullRAMOpt[m.Name]), wholeRAM[m.Name],
			[]string{"22 f7", "20", "10 01"}) // update: clock, analog, temperature, LUT, mode 1, off; sleep mode 1
		epdemutest.DiffSeq(t, m.Name, epdemutest.Log(e), want)
	}
}

func TestFastSequence(t *testing.T) {
	for _, tt := range []struct {
		m    epd.Model
		temp string
	}{{epd.Waveshare2in13V4, "64"}, {epd.Waveshare4in2V2, "6e"}} {
		t.Run(tt.temp, func(t *testing.T) {
			e, d := epdemutest.Fixture(t, New, tt.m, nil, nil)
			if err := d.Fast(epdtest.Pattern(d.Bounds(), 0)); err != nil {
				t.Fatal(err)
			}
			epdemutest.NoErrors(t, e)
			want := epdemutest.Join(initSeq[tt.m.Name]("05", fullRAMOpt[tt.m.Name]),
				[]string{"22 b1", "20", "1a " + tt.temp + " 00", "22 91", "20"}, // sensor temperature and LUT; then the forced one and its LUT
				wholeRAM[tt.m.Name],
				[]string{"22 c7", "20", "10 01"}) // display mode 1 with the loaded LUT
			epdemutest.DiffSeq(t, tt.m.Name, epdemutest.Log(e), want)
			if got := e.Refreshes(); got != (epdemu.Counts{Fast: 1}) {
				t.Errorf("%s: emulator saw %+v, want one fast refresh", tt.m.Name, got)
			}
		})
	}
}

func TestPartialSequence(t *testing.T) {
	for _, tt := range []struct {
		m      epd.Model
		r      image.Rectangle
		window []string // 0x44 bytes, 0x45 rows, counters
		n      string   // window bytes
	}{
		// x 10..50 widens to 8..56: bytes 1..6; rows 20..59 = 0x14..0x3b.
		{epd.Waveshare2in13V4, image.Rect(10, 20, 50, 60), []string{"44 01 06", "45 14 00 3b 00", "4e 01", "4f 14 00"}, "240"},
		// x 0..128 is bytes 0..15; rows 256..295 = 0x100..0x127.
		{epd.Waveshare2in9V2, image.Rect(0, 256, 128, 296), []string{"44 00 0f", "45 00 01 27 01", "4e 00", "4f 00 01"}, "640"},
		// x 100..300 widens to 96..304: bytes 12..37; rows 50..249.
		{epd.Waveshare4in2V2, image.Rect(100, 50, 300, 250), []string{"44 0c 25", "45 32 00 f9 00", "4e 0c", "4f 32 00"}, "5200"},
	} {
		t.Run(tt.n, func(t *testing.T) {
			e, d := epdemutest.Fixture(t, New, tt.m, nil, nil)
			got := epdemutest.PartialLog(t, e, d, tt.r)
			counters := tt.window[2:]
			want := epdemutest.Join(partInit(tt.m), // border not driven
				tt.window, []string{"24 <" + tt.n + " bytes>"}, // new image, window only
				[]string{partUpdate(tt.m), "20"},              // display mode 2
				counters, []string{"26 <" + tt.n + " bytes>"}, // RED ← new: in sync again
				[]string{"10 01"})
			epdemutest.DiffSeq(t, tt.m.Name, got, want)
			if s := d.Stats(); s.Refresh != epd.Partial {
				t.Errorf("%s: Stats().Refresh = %v", tt.m.Name, s.Refresh)
			}
		})
	}
}

func TestPartialAfterPowerCut(t *testing.T) {
	m := epd.Waveshare2in13V4
	e, d := epdemutest.Fixture(t, New, m, nil, func(e *epdemu.Emu, o *Opts) { o.Power = e.Power() })
	if err := d.Full(epdtest.Solid(d.Bounds(), true)); err != nil {
		t.Fatal(err)
	}
	if err := d.Halt(); err != nil { // power off
		t.Fatal(err)
	}
	epdemutest.Log(e)
	if err := d.Partial(epdtest.Pattern(d.Bounds(), 1), image.Rect(10, 20, 50, 60)); err != nil {
		t.Fatal(err)
	}
	epdemutest.NoErrors(t, e)
	// RAM was lost with the power: RED ← shown and BW ← new, whole, first.
	want := epdemutest.Join([]string{"power on"}, initSeq[m.Name]("80", "00 80"),
		[]string{"44 00 0f", "45 00 00 f9 00", "4e 00", "4f 00 00", "26 <4000 bytes>", "4e 00", "4f 00 00", "24 <4000 bytes>"},
		[]string{"44 01 06", "45 14 00 3b 00", "22 ff", "20", "4e 01", "4f 14 00", "26 <240 bytes>", "10 01"})
	epdemutest.DiffSeq(t, m.Name, epdemutest.Log(e), want)
}

var models = []epd.Model{epd.Waveshare2in13V4, epd.Waveshare2in9V2, epd.Waveshare4in2V2}
