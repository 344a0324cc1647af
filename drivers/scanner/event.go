package scanner

import (
	"fmt"
	"time"
)

// EventKind says what happened to the device.
type EventKind int

// Event kinds.
const (
	Disconnected EventKind = iota // missing, unplugged, or not yet opened
	Connected
)

// String returns "disconnected" or "connected".
func (k EventKind) String() string {
	switch k {
	case Disconnected:
		return "disconnected"
	case Connected:
		return "connected"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event reports a change of the device's state: the daemon shows "scanner
// missing" and sets systemd's STATUS from it.
type Event struct {
	Kind   EventKind
	Path   string // the resolved device path, when known
	Device Kind   // serial or keyboard, when connected
	Reason string // why it disconnected, or why it could not open; why this device (auto), when connected
	At     time.Time
}

// String describes the event for a status line.
func (e Event) String() string {
	switch {
	case e.Kind == Connected && e.Reason != "":
		return "scanner connected at " + e.Path + " (" + e.Device.String() + ", " + e.Reason + ")"
	case e.Kind == Connected:
		return "scanner connected at " + e.Path + " (" + e.Device.String() + ")"
	case e.Reason != "":
		return "scanner missing: " + e.Reason
	}
	return "scanner missing"
}
