// Package keymap turns the key events of a keyboard-mode ("USB HID
// keyboard wedge") barcode scanner into the text it typed.
//
// A scanner in keyboard mode does not send characters: it presses and
// releases keys, as a person would on the keyboard layout the scanner was
// set to, and the host's layout turns them back into characters. The
// kiosk has no console keymap in the way (it reads evdev directly), so the
// layout the scanner types for must be known here: US by default (the
// factory setting of nearly every scanner), or German (QWERTZ) or French
// (AZERTY). A scanner set to another layout types something else: set it
// to US, or better to USB-COM mode, where text arrives as bytes and no
// layout is involved (see the README).
//
// Key codes are Linux input event codes (linux/input-event-codes.h,
// https://www.kernel.org/doc/html/latest/input/event-codes.html); the
// layouts follow the US ANSI, German T1 (DIN 2137) and French AZERTY
// (X11 "fr" basic) assignments. Shift (either), CapsLock, AltGr (right
// Alt) and dead keys followed by space are honoured; keypad digits and
// operators type their characters; Enter and Tab type '\r' and '\t';
// Ctrl, Alt and function keys type nothing.
package keymap
