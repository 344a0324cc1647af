// Package ssd1680 drives e-paper panels on the Solomon Systech SSD1680 and
// SSD1683 controllers (one command set; the SSD1683 addresses 400×300):
// the Waveshare 2.13" V4 (122×250) and 2.9" V2 (128×296) on SSD1680, and
// the 4.2" V2 (400×300) on SSD1683, black and white.
//
// Datasheets (Solomon Systech):
//
//	SSD1680 Rev 0.14 (176 source × 296 gate): https://www.crystalfontz.com/controllers/uploaded/SSD1680.pdf
//	SSD1683 Rev 1.0 (400 source × 300 gate): https://www.crystalfontz.com/controllers/uploaded/SSD1683.pdf
//
// Module examples the sequences follow (init, the 0x22 update options,
// the fast-refresh temperature trick):
// https://github.com/waveshareteam/e-Paper, files epd2in13_V4, epd2in9_V2
// and epd4in2_V2.
//
// The lifecycle (locking, the wake-up reset, the power switch, errors,
// statistics) is internal/epd's; this package is the command set
// (epd.Commands). Every operation wakes the controller with a hardware
// reset, initialises it, writes RAM, runs one display update and puts it
// back in deep sleep mode 1 (0x10 0x01, which keeps RAM). BUSY is high
// while the controller works; each wait has a timeout and a
// *epd.BusyError names the step.
//
//	init       reset, 0x12 software reset, 0x01 gates (MUX = height-1),
//	           0x11 0x03 (X then Y increment), 0x3C border (0x05 full,
//	           0x80 partial), 0x21 RAM options, 0x18 0x80 internal sensor
//	full       0x24 BW RAM ← new, 0x26 RED RAM ← new, 0x22 0xF7, 0x20
//	fast       init + 0x22 0xB1 0x20 (load temperature and waveform),
//	           0x1A 100 °C or 110 °C, 0x22 0x91 0x20 (load the waveform
//	           for that temperature: the OTP's short one), then as full
//	           with 0x22 0xC7
//	partial    0x24 BW RAM ← new (window), 0x22 0xFF 0x20 (display mode 2:
//	           a pixel changes where BW differs from RED), then 0x26 RED
//	           RAM ← new (window), so that RED again holds what the panel
//	           shows for the next partial refresh
//	LUT        a model whose OTP lacks the waveform (epd.LUT: the 2.9"
//	           V2's partial one) gets it written after the init, as the
//	           vendor does: 0x32 (153 bytes, waveforms.go), 0x37 display
//	           options, then 0x22 0xC0 0x20 (clock and analog on); its
//	           update is 0x22 0x0F (display mode 2 without loading the
//	           OTP's waveform over the one written)
//	sleep      0x10 0x01
//
// Display mode 2 updates the whole panel from both RAMs, so outside the
// window BW and RED must both hold what is shown: the driver keeps them so
// after every operation. When RAM was lost (the power switch is cut after
// each operation, or after an error) a partial refresh first rewrites RED
// with what is shown and BW with the new frame, whole.
//
// Partial windows are widened to whole bytes along the controller's X
// (RAM X addresses bytes of 8 pixels): with Rotate90 or Rotate270 that is
// the caller's Y. Only the requested pixels change; the widening is
// refilled with what the panel shows.
//
// The 2.9" V2 has no documented fast mode; Fast returns epd.ErrNoFast.
// Where each model's waveforms come from is its epd.Model's data.
package ssd1680
