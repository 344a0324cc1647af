// Package sim is the simulated kiosk of `make run` and of the end-to-end
// tests: the daemon's own code wired to stand-ins for the hardware —
// a pseudo-terminal for the scanner (read through the real tarm/serial
// driver), the e-paper emulator behind the real panel driver, gpiotest pins
// behind the real indicator driver — and a store seeded with sample signed
// data made on the spot with throw-away issuer keys.
package sim
