// Package clock gives the kiosk a time it can trust.
//
// A Raspberry Pi has no battery-backed clock: after a power cut it may boot
// in 1970, or at whatever time the last shutdown saved. The kiosk keeps a
// time floor — the latest time it had good reason to believe, persisted in
// the store — and never runs the venue-code rotation or pass validity checks
// on a time earlier than it.
//
// A floor that is too late is as bad as none: every pass and every sync
// would be judged in the future. So nothing moves the floor further ahead
// than the kiosk's evidence allows:
//
//   - the system clock raises it while trusted, but only up to the floor
//     the kiosk started with (or, once a signed time confirmed the clock,
//     that confirmed time) plus the monotonic time elapsed plus Slack;
//   - a signed timestamp (an online key) raises it when the clock agrees
//     with it (the clock then anchors the bound on later readings) or, with
//     the clock untrusted, within the same bound — never past a trusted
//     clock;
//   - a clock reading past the bound after the clock was confirmed is a
//     jump: not trusted, not saved, reported (State); before any
//     confirmation readings are trusted only up to the trusted root's
//     expiry plus CeilingMargin (SetCeiling);
//   - only a floor reset signed by offline keys (Reset) lowers the floor.
//
// When the clock is not trusted, passes are judged by the floor moved on by
// the monotonic time since it was set.
package clock
