// Package uc8179 drives e-paper panels on the UltraChip UC8179 controller
// (also sold as GD7965 / EK79655): the Waveshare 7.5" V2 (800×480), black
// and white, and its older stock (epd.Waveshare7in5V2Old), whose OTP the
// vendor does not use.
//
// Datasheet: UC8179 (UltraChip), e.g.
// https://v4.cecdn.yun300.cn/100001_1909185148/UC8179.pdf (Good Display's
// copy). Module example the sequences follow:
// https://github.com/waveshareteam/e-Paper, file EPD_7in5_V2 (init, fast
// and partial init, partial window).
//
// The lifecycle (locking, the wake-up reset, the power switch, errors,
// statistics) is internal/epd's; this package is the command set
// (epd.Commands). Every operation wakes the controller with a hardware
// reset, sets its registers, writes the image data, switches the charge
// pump on, runs one refresh, switches it off and puts the controller in
// deep sleep (0x07 0xA5). BUSY is LOW while the controller works; each
// wait has a timeout and a *epd.BusyError names the step.
//
//	init     reset, 0x01 power setting, 0x06 booster soft start, 0x00 0x1F
//	         (KW mode, OTP waveforms, scan up, shift right), 0x61 800×480,
//	         0x15 0x00 (single SPI), 0x50 VCOM and data interval (DDX=01: a
//	         set bit is white, as epd.Frame; N2OCP off: the driver writes
//	         OLD itself), 0x60 0x22
//	full     0x10 OLD ← shown, 0x13 NEW ← new, 0x04 power on, 0x12 refresh
//	fast     init + 0xE0 0x02, 0xE5 90 °C (forced temperature: the OTP's
//	         short waveform), then as full
//	partial  init + 0xE0 0x02, 0xE5 110 °C, border floating; 0x91 partial
//	         in, 0x90 window, 0x10 OLD ← shown (window), 0x13 NEW ← new
//	         (window), 0x04, 0x12, 0x92 partial out: a pixel changes where
//	         NEW differs from OLD
//	sleep    0x02 power off, 0x07 0xA5
//	old      the older stock (Waveshare's epd7in5_V2_old): panel setting
//	         0x3F (LUT from registers) and the vendor's LUTs in 0x20–0x24
//	         with their voltage, VCOM and PLL settings (waveforms.go), for
//	         the full refresh (its data polarity DDX=00: the image is sent
//	         inverted) and the partial one; no fast refresh
//
// The partial window is whole bytes horizontally (0x90's horizontal start
// is a multiple of 8, its end one less than a multiple of 8): the driver
// widens the window and refills the widening with what the panel shows.
// Before a full or fast refresh whose predecessor's result is unknown (the
// first one) OLD is the complement of NEW, so that every pixel is driven.
package uc8179
