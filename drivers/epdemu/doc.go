// Package epdemu emulates the kiosk's e-paper controllers (SSD1680,
// SSD1683, UC8179) behind periph's interfaces, so that the drivers, the
// daemon and the simulator (make run) run without hardware.
//
// An Emu hands out an spi.PortCloser and four pins: D/C, RST and the
// optional power switch are outputs the emulator observes; BUSY is an input
// the emulator drives (busy for a simulated time after a reset, a command
// that takes time, or a refresh). It decodes the command/data stream the
// way the controller would, keeps the controller's RAM and registers, and
// reconstructs what the panel shows after each refresh:
//
//   - full and fast: every pixel takes the new image;
//   - partial: a pixel changes only where the new image differs from the
//     controller's old-image memory (SSD168x RED RAM 0x26, UC8179 OLD data
//     0x10), inside the UC8179's partial window. When that memory is stale
//     (it does not hold what the panel shows), a pixel whose new value
//     equals the stale old value is not driven and keeps showing what it
//     showed: ghosting, as on the glass.
//
// Whatever it does not understand, or that arrives in a state where the
// controller would not accept it (an unknown command, a wrong number of
// parameters, anything but a hardware reset after deep sleep, a RAM write
// past its window, a command while BUSY, a refresh with the charge pump
// off), it records as an error that tests assert with Errors.
//
// It holds each model to what its real panel can do (epd.Model):
//
//   - a refresh with the OTP's waveform of a kind the model's OTP does not
//     hold (the 2.9" V2's partial one, the 7.5" V2 old stock's every one)
//     leaves the glass unchanged and is flagged; a waveform written into
//     the LUT registers works (SSD168x 0x32 and a display sequence that
//     does not load the OTP's over it; UC8179 0x20–0x24 with the panel
//     setting's REG bit), and a refresh from LUT registers not all
//     written is flagged;
//   - a display without the controller's power-up (SSD168x analog and
//     clock enable, UC8179 power on) is flagged;
//   - BUSY has the model's polarity;
//   - with Opts.Switched the panel's supply is the HAT's PWR pin
//     (revision 2.3): it starts unpowered, an unpowered panel takes no
//     command and its BUSY line reads low (the board's pull-down: idle to
//     an SSD168x driver, busy to a UC8179 one), and RST or D/C high while
//     the supply is off — raised before it, or not lowered before the
//     supply is cut — is flagged: the controller would be fed through its
//     pins.
//
// Modelled, per controller:
//
//	SSD1680/SSD1683 (Solomon Systech; BUSY high while busy)
//	  0x01 gate count (MUX) and scan direction (TB), 0x10 deep sleep
//	  (mode 1 keeps RAM, mode 2 loses it), 0x11 data entry mode (all eight
//	  X/Y direction and address-mode combinations), 0x12 software reset,
//	  0x18 temperature sensor, 0x1A temperature register, 0x21 RAM options
//	  (normal, bypass as 0, inverse), 0x22/0x20 display update sequence
//	  (clock, analog, load temperature, load LUT, display mode 1 or 2),
//	  0x24 BW RAM, 0x26 RED RAM, 0x32 LUT, 0x37 display option (RAM
//	  ping-pong: after a display mode 2 update RED RAM takes BW RAM's
//	  image), 0x44/0x45 RAM window, 0x4E/0x4F address counters; 0x03,
//	  0x04, 0x0C, 0x2C, 0x3C, 0x3F and 0x7F are accepted and checked for
//	  length only.
//	  A waveform loaded while the temperature register reads 50 °C or more
//	  is taken to be the short (fast) one: that is how the Waveshare
//	  examples select fast refresh.
//	UC8179 (UltraChip; BUSY low while busy)
//	  0x00 panel setting (KW mode only; REG picks OTP or LUT registers;
//	  UD and SHL mirror the image), 0x02 power off, 0x04 power on, 0x07
//	  deep sleep (check code 0xA5; RAM is lost), 0x10 OLD data, 0x13 NEW
//	  data, 0x12 refresh, 0x20–0x24 LUT registers, 0x50 VCOM and data
//	  interval (DDX polarity, N2OCP copy of NEW to OLD after a refresh),
//	  0x61 resolution, 0x90 partial window, 0x91/0x92 partial in/out,
//	  0xE0/0xE5 forced temperature (selects fast); 0x01, 0x03, 0x06,
//	  0x11, 0x15, 0x25, 0x2A, 0x30, 0x52, 0x60, 0x65, 0x82 and 0xE3 are
//	  accepted and checked for length.
//
// The emulator holds RAM across deep sleep mode 1 and hardware reset (as
// the SSD168x datasheet says), and fills RAM with a noise pattern on power
// loss, SSD168x deep sleep mode 2 and UC8179 deep sleep, so that a driver
// that relied on lost memory shows it. A new panel shows noise too: what a
// real panel shows at boot is unknown to the driver.
//
// All methods are safe for concurrent use: the simulator's web page reads
// Image while the daemon draws; Version and Changed tell it when to.
//
// Datasheets:
//
//	SSD1680: https://www.crystalfontz.com/controllers/uploaded/SSD1680.pdf
//	SSD1683: https://www.crystalfontz.com/controllers/uploaded/SSD1683.pdf
//	UC8179:  https://v4.cecdn.yun300.cn/100001_1909185148/UC8179.pdf
package epdemu
