package epd

import (
	"image"
)

// Commands is what differs between controllers: their command sets. Dev
// runs everything else — locking, the pins and the power switch, the
// wake-up reset and its BUSY wait, the canvas, statistics, errors and
// the recovery after one. Each method runs with the controller awake and
// idle; it talks to the controller through the Link it was made with.
type Commands interface {
	// Init sets the registers for a refresh of kind k, right after the
	// wake-up reset (or, for a partial refresh, ahead of it: see
	// Dev.PreparePartial).
	Init(k Refresh) error
	// Show writes j's image into the controller's memory and runs the
	// refresh, waiting for its end.
	Show(j *Job) error
	// Sleep ends an operation: whatever must precede deep sleep (the
	// charge pump off), then deep sleep.
	Sleep() error
	// DeepSleep enters deep sleep from the state a hardware reset leaves
	// (after an error, or when Halt ends a prepared operation).
	DeepSleep() error
	// Probe sends, after the wake-up reset, a command whose BUSY pulse
	// shows that the controller answers (Link.Pulse); Dev then calls
	// Sleep.
	Probe() error
}

// Job is one refresh, for Commands.Show.
type Job struct {
	Kind Refresh
	// Window is the native, byte-aligned rectangle to refresh: for full
	// and fast refreshes the whole memory, Stride×8 by Height.
	Window image.Rectangle
	Next   *Frame // the frame to show
	Shown  *Frame // what the glass shows, if Known
	Known  bool
	// Kept says that the controller's memory still holds what the last
	// refresh left in it (Shown): no power cut, error or probe since.
	Kept bool
}

// Reg is a command and its parameters, as datasheets and vendor drivers
// list them: the register sequences of the controller packages are
// tables of Reg.
type Reg struct {
	Cmd  byte
	Data []byte
}

// Driver is what a controller package tells the core about itself.
type Driver struct {
	Name        string       // prefixes errors and names the Dev, e.g. "ssd1680"
	Controllers []Controller // the controllers it drives
	// Commands returns the command set for a panel configured by o,
	// talking through l.
	Commands func(l *Link, o Opts) Commands
}
