package layout

import "github.com/venuekiosk/venuekiosk/display/i18n"

// GoodbyeStatus is a pass scanned on its way out: its holder's
// check-out is recorded; it is neither admitted nor refused, so the status
// shows neither a verdict's symbol nor its words — an expired pass leaving
// gets the same goodbye.
func GoodbyeStatus() *Status {
	return &Status{Symbol: Leave, Headline: i18n.ExitGoodbye, Short: i18n.ExitGoodbyeShort}
}

// ExitArmedStatus is the exit button pressed: the next pass is leaving.
func ExitArmedStatus() *Status {
	return &Status{Symbol: Leave, Headline: i18n.ExitArmed}
}
