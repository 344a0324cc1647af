// Package epd is the kiosk's e-paper core: the panel lifecycle every
// controller shares (Dev: locking, the power switch and the wake-up reset,
// PreparePartial, busy waits, errors and the recovery after one,
// statistics), written once, around a controller's command set
// (Commands: drivers/ssd1680, drivers/uc8179). It also holds what those,
// their emulator (drivers/epdemu) and the daemon share: the panel models
// with their capabilities as data (where each refresh's waveform comes
// from, reset timing, BUSY polarity), refresh kinds, per-operation
// statistics, the Panel interface, a packed 1-bit frame with rotation,
// the SPI command/data bus with chunking, the BUSY wait with timeout, and
// pin lookup by name.
//
// Nothing here speaks a controller's command set; see the drivers for that,
// and their datasheets:
//
//	SSD1680: https://www.crystalfontz.com/controllers/uploaded/SSD1680.pdf
//	SSD1683: https://www.crystalfontz.com/controllers/uploaded/SSD1683.pdf
//	UC8179:  https://v4.cecdn.yun300.cn/100001_1909185148/UC8179.pdf
//
// Panels:
//
//	name                 controller  native size (sources × gates)
//	waveshare_2in13_v4   SSD1680     122 × 250
//	waveshare_2in9_v2    SSD1680     128 × 296
//	waveshare_4in2_v2    SSD1683     400 × 300
//	waveshare_7in5_v2    UC8179      800 × 480
//	waveshare_7in5_v2_old UC8179     800 × 480 (older stock: LUTs from the driver)
//
// Frames are packed one bit per pixel, the leftmost pixel in the most
// significant bit, each row padded to a whole byte; a set bit is white.
// Both controllers are driven with that polarity.
//
// The daemon resolves pin names from its configuration with OpenPins, after
// periph's host.Init has registered the board's GPIO lines:
//
//	if _, err := host.Init(); err != nil { … }
//	pins, err := epd.OpenPins(epd.WaveshareHAT) // DC GPIO25, RST GPIO17, BUSY GPIO24, PWR GPIO18
//	port, err := spireg.Open("/dev/spidev0.0")
//	dev, err := ssd1680.New(port, pins.DC, pins.Reset, pins.Busy, &ssd1680.Opts{Model: m, Power: pins.Power})
//
// Chip select belongs to the SPI driver: nothing here toggles it.
package epd
