// Package indicator drives the kiosk's green, amber and red lights and its
// buzzer on GPIO pins, periph.io style: New takes gpio.PinOut values (Lookup
// finds them by name in gpioreg) and returns a *Dev.
//
// # Signals and profiles
//
// The daemon maps each verdict to a Signal (Green, Amber, Red, Notice, Info,
// Fault, Goodbye, VenueNotice, or Idle). A Profile is a table of patterns, one per signal: steps
// of lights, buzzer on or off, pitch and duration. Signals within a profile
// always differ by rhythm, not only by pitch, and by their lights
// (Profile.Validate enforces both), so that a guard who cannot tell pitches
// apart, or works with an active buzzer of one fixed pitch, or cannot hear
// it, can still tell them apart.
//
// The built-in profiles ("default" and "hk"):
//
//	signal  default                        hk
//	green   1 beep, 250ms                  2 tones, 150ms each
//	amber   2 beeps, 200ms                 1 beep, 300ms
//	red     3 long beeps, 400ms            5 tones, 120ms each
//	notice  short, short, long; amber flashing (both)
//	info    one 40ms tick, amber blink (both)
//	fault   1s low tone, red/amber alternating, then both lit until the next signal (both)
//	goodbye a long and a short falling tone, green and amber together, nothing after (both)
//	venue_notice  four quick high chirps over the verdict's lights (an overlay; both)
//
// VenueNotice is an overlay (Pattern.Overlay): it sounds after a verdict
// without taking its lights away, which stay for the verdict's hold.
//
// "hk" follows the counts of the Hong Kong government's verification
// scanner that guards there already know; the pitches and lengths are this
// package's own.
//
// Show returns at once: one goroutine owns the pins and plays the pattern.
// A newer signal cuts the one in progress short at once; stale signals are
// dropped, never queued. After the pattern the signal's lights stay until
// the hold time (Opts.Hold, from the start of the signal) has passed, then
// everything goes off. Fault stays until the next signal.
//
// During quiet hours (Opts.Quiet, e.g. "22:00-07:00" local time, for
// hospitals at night) the buzzer is muted and only the lights show; a
// passive buzzer may instead sound at a smaller duty (Opts.QuietDuty).
// Opts.Volume sets the loudness by time of day more finely ("22:00-07:00
// 0%", "07:00-09:00 30%"): a passive buzzer sounds at that share of its
// duty, an active one can only be muted (0%).
//
// Log is an indicator for boards without lights: it logs signal names.
// Package indicatortest has a recording fake for other packages' tests.
//
// # Wiring
//
// A Raspberry Pi's GPIO pins are 3.3 V and should source or sink no more
// than a few milliamps each (16 mA at most, and about 50 mA for all pins
// together):
//
//   - Each light is an LED in series with a resistor (330 Ω–1 kΩ) from the
//     GPIO pin to ground: active-high. Wired from 3.3 V to the pin instead, or
//     through an inverting driver, it is active-low: set Opts.ActiveLow.
//     Bright or 12 V lamps go through a transistor or MOSFET.
//   - An active buzzer (it has its own oscillator and beeps on DC) usually
//     draws more than a pin may give: drive it with an NPN transistor (e.g.
//     2N2222 or BC337, 1 kΩ base resistor) or a logic-level N-MOSFET, with
//     a flyback diode across a magnetic buzzer. Opts.Buzzer = ActiveBuzzer.
//   - A passive buzzer (a bare piezo or magnetic transducer) needs a square
//     wave at the tone's pitch: put it, through the same transistor, on a
//     pin with hardware PWM (GPIO12 or GPIO18 are PWM0, GPIO13 or GPIO19
//     PWM1, on the 40-pin header) and set Opts.Buzzer = PassiveBuzzer.
//     Whether PWM works depends on the periph driver that registered the
//     pin: the character-device driver (host/v3/gpioioctl, lines named
//     "GPIO17" and so on) does not do PWM at all. When the pin refuses PWM,
//     this package switches the buzzer on and off instead and says so once
//     in the log; a passive buzzer then only clicks, so fit an active
//     buzzer unless PWM is known to work on the board.
//
// References:
//
//   - periph.io GPIO: https://pkg.go.dev/periph.io/x/conn/v3/gpio and
//     https://pkg.go.dev/periph.io/x/host/v3/gpioioctl
//   - Raspberry Pi GPIO: https://www.raspberrypi.com/documentation/computers/raspberry-pi.html#gpio
package indicator
