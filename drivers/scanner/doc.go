// Package scanner drives a barcode scanner — a serial one (USB-COM, a
// USB-serial adapter, a UART) or a keyboard-mode (USB HID) one — and
// yields framed byte strings ("frames"): normally one decoded symbol each,
// as UTF-8 text. It knows nothing of passes.
//
// # Wiring
//
// USB: most 2D scanner modules (Honeywell, Zebra, Newland, generic GM65/
// GM805-type engines) offer a USB CDC-ACM ("USB serial" / "USB COM port")
// mode, often chosen by scanning a setup barcode from the module's manual.
// Linux binds cdc_acm and makes /dev/ttyACM0; the baud rate is ignored. The
// name changes with the order of plugging, so prefer the stable link
// /dev/serial/by-id/usb-<vendor>_<product>_<serial>-if00, or a glob such as
// /dev/serial/by-id/* or /dev/ttyACM*. See
// https://docs.kernel.org/usb/acm.html.
//
// UART: a module with a TTL serial port connects to the Raspberry Pi header:
// module TX to GPIO15/RXD (pin 10), module RX to GPIO14/TXD (pin 8), GND to
// GND (pin 6), power from 3V3 or 5V as the module asks. The Pi's pins are
// 3.3 V only: a module with 5 V TTL output needs a level shifter or divider
// on its TX line. Enable the UART (enable_uart=1 in config.txt), take the
// serial console off it (remove console=serial0,… from cmdline.txt) and
// open /dev/serial0. Modules ship at 9600 baud 8N1; many can be set to
// 115200. See
// https://www.raspberrypi.com/documentation/computers/configuration.html#configure-uarts.
//
// # Framing
//
// Scanners differ out of the box: CR is the usual suffix, but CRLF, LF,
// Tab or nothing at all are common too. The default Terminator, Auto,
// frames all of them without configuration: CR, LF, CRLF and LF-CR end a
// frame (the empty frame between the two bytes of a pair is dropped), a
// silence of IdleGap (50 ms) ends a frame for scanners that send no
// suffix, and leading and trailing whitespace and control characters (a
// Tab suffix, a stray LF) are trimmed before the AIM identifier is looked
// for. A frame that ends with a suffix is delivered at once; only a
// suffix-less one waits for the gap, which the reader itself times at
// each quiet read (every 100 ms on a serial port, every IdleGap on a
// keyboard): a reader kept off the CPU for a while finds the bytes that
// came meanwhile before it looks at the clock, so a busy machine never
// ends a pass in the middle. A suffix-less frame is thus delivered 50 to
// 100 ms after its last byte on a serial port. Once a connection's scanner has sent
// a suffix, the gap that ends a frame whose suffix went missing is 10 s, so
// that a busy machine or line cannot cut a pass in two. Explicit CR, LF, CRLF, Idle and Tab
// deliver the bytes between terminators untouched, for odd cases.
//
// A frame is capped at MaxFrameLen (8 KiB); the rest of a longer one is
// discarded up to the next terminator (or gap), and the discard is logged
// with its length. With StripAIM the module's AIM symbology identifier
// (ISO/IEC 15424:2008, "]" + code character + modifier, e.g. "]Q1" for QR
// Code) is removed and reported in Frame.Symbology; when the identifier
// says the ECI protocol is in force (QR Code ]Q2, ]Q4, ]Q6; Data Matrix
// ]d4, ]d5, ]d6), the "\nnnnnn" escapes are decoded and each segment is
// converted from its charset to UTF-8 ("\\" is a backslash). A scanner
// set to send GB18030 or Big5 is declared with Charset, and its text is
// converted to UTF-8 (golang.org/x/text) before anyone sees it. Framer and
// Reader hold the framing logic apart from the port, so it can be used
// and tested on any byte stream.
//
// Frame data is personal data. This package logs lengths, never contents.
//
// # The port
//
// The port is opened with github.com/tarm/serial
// (https://github.com/tarm/serial, raw 8N1, a 100 ms read timeout). Its Read
// returns (0, io.EOF) both when the timeout passes and, at once and for
// ever, once the device is unplugged (the tty is hung up), and closing the
// port does not wake a blocked read. Dev therefore reads with the timeout,
// so that it sees ctx being cancelled within about 100 ms; treats a run of
// EOFs that end at once, a read error such as EIO, or the device path no
// longer leading to the device it opened, as an unplug; closes the port and
// reports Disconnected; and reopens the path — resolving globs and links
// again, so a by-id link or a re-created pty is followed — with exponential
// backoff (BackoffMin to BackoffMax, 100 ms to 5 s by default) until the
// device is back, then reports Connected. The caller never restarts it.
//
// Frames are delivered on a bounded channel; when the consumer falls
// behind, the oldest queued frame is dropped, counted and logged, so the
// reader never blocks and the person at the scanner now is served.
//
// The port is writable (Dev.Write, Dev.Do, Opts.OnConnect) for module
// commands such as a software trigger; vendor command sets are left to the
// caller through the Commander interface.
//
// # Keyboard mode
//
// Many scanners are USB keyboards out of the box ("HID keyboard wedge"):
// they type. Dev reads such a scanner's input device (/dev/input/eventN,
// or a /dev/input/by-id/…-event-kbd link) through evdev, grabs it
// (EVIOCGRAB) so that no keystroke reaches a console or another program,
// and turns its key events into text with package keymap (Opts.Keymap:
// US by default). Enter and Tab end a frame (with Auto), as the idle gap
// does. An unplugged keyboard's read fails (ENODEV), which Dev treats as
// any unplug. See https://www.kernel.org/doc/html/latest/input/input.html.
// The Linux input ABI's struct input_event is two longs of time, then
// type, code and value: 24 bytes on 64-bit kernels, 16 on 32-bit ones.
//
// # Finding the scanner
//
// Opts.Path "auto" finds a scanner of either kind at every (re)open and,
// while connected, every 250 ms (see Find): the udev rule's
// /dev/venuekiosk/scanner link, then a known scanner maker's tty or
// keyboard, then any USB-COM or USB-serial tty, then a USB keyboard that
// names itself a scanner or is not the only keyboard. A better one
// appearing is switched to.
//
// Package ptysim simulates a scanner on a pseudo-terminal for tests and
// `make run`, as a serial scanner or, through KeyEvents, as a
// keyboard-mode one.
package scanner
