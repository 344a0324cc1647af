package scan

import (
	"fmt"
	"time"
)

// Exit scans: a pass scanned on its way out records the
// holder's check-out instead of judging entry, so that the visit log holds
// the stay [check-in, check-out) rather than an assumed one.
//
//   - A kiosk in exit mode (ExitOpts.Mode = ExitMode; scan.mode = "exit")
//     takes every pass as leaving.
//   - A door kiosk with an exit button (ExitButton) takes the next pass
//     scanned within exitWindow of a press as leaving; any other scan is
//     judged for entry as usual.
//
// A pass scanned on its way out is still verified (its pass ID is what
// the visit log records, and only an authenticated pass has one), but the
// verdict does not matter: the result is marked Exit, and the sinks say
// goodbye — a neutral tone and symbol, never a refusal for an expired pass,
// which is leaving. It does not join a group. The visit log (a sink) turns
// it into a check-out; whether there was a check-in to close is the visit
// log's business. Staff cards, category codes and the group code are the
// door's and the group's as ever: they are never exit scans, and they do
// not use up a press of the exit button.

// Mode says what a pass scanned at this kiosk does.
type Mode string

// Modes.
const (
	EntryMode Mode = "entry" // judge entry (the default)
	ExitMode  Mode = "exit"  // record a check-out; judge nothing
)

// ParseMode returns the mode named s; "" is EntryMode.
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case "", EntryMode:
		return EntryMode, nil
	case ExitMode:
		return ExitMode, nil
	}
	return "", fmt.Errorf("scan: mode %q: want entry or exit", s)
}

// exitWindow is how long a press of the exit button waits for the pass:
// short, so that a press nobody followed does not turn the next visitor's
// entry into a goodbye.
const exitWindow = 15 * time.Second

// Door events of the exit button.
const (
	ExitArmed DoorKind = "exit_armed" // the exit button: the next pass within exitWindow (Until) leaves
)

// ExitOpts configures exit scans.
type ExitOpts struct {
	Mode Mode // "": EntryMode
}

func (o *ExitOpts) check() error {
	m, err := ParseMode(string(o.Mode))
	o.Mode = m
	return err
}

// ExitButton makes the next pass scanned within exitWindow an exit scan
// (a door kiosk's exit button); a press while one waits starts the window
// again. It never blocks; it reports false when the flow is not taking
// work. Sinks that implement DoorSink hear of it (ExitArmed).
func (f *Flow) ExitButton() bool { return f.submitJob(job{exit: true}) }

// armExit handles a press of the exit button.
func (f *Flow) armExit(now time.Time) {
	f.exitUntil = now.Add(exitWindow)
	f.doorEvent(DoorEvent{Kind: ExitArmed, At: now, Until: f.exitUntil})
}

// exitScan reports whether a pass scanned at now leaves: the kiosk is an
// exit, or the exit button was pressed within exitWindow (which this scan
// uses up).
func (f *Flow) exitScan(now time.Time) bool {
	if f.opts.Exit.Mode == ExitMode {
		return true
	}
	if !f.exitUntil.IsZero() {
		armed := now.Before(f.exitUntil)
		f.exitUntil = time.Time{}
		return armed
	}
	return false
}
