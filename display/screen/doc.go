// Package screen is the kiosk's display controller: one goroutine owns
// what the e-ink panel shows and decides how each change reaches it.
//
//   - At every slot boundary of the venue code's rotation it redraws only
//     the QR window, with a partial refresh (and the footer, when its
//     pixels changed).
//   - The footer's clock and the synced data's age follow the minute (a
//     partial refresh of the footer alone, when its pixels changed); a new
//     data state (SetFooter, after a sync) shows at once, and the stale
//     notice once the policy's maximum data age has passed.
//   - A verdict redraws only the status area, at once, and reverts to the
//     instruction after the status hold.
//   - A full refresh clears e-ink ghosting: at start and after Wake, after
//     FullEvery rounds of partial refreshes, and at least hourly. A full
//     refresh never delays a verdict: it waits for the next slot boundary.
//   - While the time is not trusted (firmware/clock), no venue code is
//     shown: the QR window says why, and the controller checks again every
//     few seconds.
//
// Panel is all the controller needs from a display: the e-paper drivers
// (drivers/ssd1680, drivers/uc8179), their emulator or an adapter plug in
// there.
package screen
