// Package clock gives the kiosk a time it can trust.
//
// A Raspberry Pi has no battery-backed clock: after a power cut it may boot
// in 1970, or at whatever time the last shutdown saved. The kiosk keeps a
// time floor — the latest time it had good reason to believe, persisted in
// the store — and never runs the venue-code rotation or pass validity checks
// on a time earlier than it. The floor rises with the system clock while the
// clock is trusted, and with the signed timestamp of every sync.
package clock
