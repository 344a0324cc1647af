// Package daemon is kioskd: it wires the store, the trusted clock, the
// verification engine, the scan flow, the lights, the panel, the scanner,
// the local web page and systemd's notify protocol into a running kiosk.
//
// Hardware comes in through Hardware: the real board's (NewHardware) or the
// simulator's (firmware/sim), so that `make run` runs exactly this code.
// Data flows one way: drivers know nothing of passes; the verifier knows
// nothing of GPIO or HTTP; only this package ties them together.
package daemon
