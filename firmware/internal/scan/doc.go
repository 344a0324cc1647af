// Package scan is the scan flow: a payload read by the scanner (or pasted
// on the local page) → verdict → lights at once → display → counters.
//
// One goroutine (Run) owns the flow. Serial scans are submitted without
// blocking: a slow consumer never blocks the scanner reader; when the queue
// is full the newest scan is dropped and counted (the guard simply scans
// again). The same payload scanned again within the repeat window is shown
// again but not counted twice; the payload is remembered only as a hash and
// only in memory, for that window.
//
// Annotators run between the verdict and the sinks: the visit log's
// exposure match (firmware/visits) sets Result.Notice there, so that the
// lights, the display and the page all see it.
//
// Group mode (group.go) collects a holder's and up to eight companions'
// scans, started by the staff group code or a button, and tells sinks that
// implement GroupSink when a group opens and closes.
//
// The door (door.go) handles staff cards (firmware/staff), told from
// passes by their prefix: a guard's card and a category code record an
// exempt entry, a supervisor's card opens entry without checks for a
// while (scans are still read and shown, marked Result.Open, never as a
// refusal) and a technician's card and the venue's LeaveHomeSafe poster
// set the venue identity (a poster outside setup does nothing but say a
// technician's card comes first). Sinks that implement DoorSink hear of
// each event; no staff payload reaches the verifier or the scan sinks.
// A staff payload — a card, a category code, a poster, the group code —
// is no pass: its Result has no verdict, and Message says what it did.
//
// Exit scans (exit.go): at a kiosk in exit mode, or after a press of the
// exit button, a pass is scanned on its way out: Result.Exit, a goodbye
// rather than a verdict, and a check-out in the visit log.
package scan
