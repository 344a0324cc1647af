package scanner

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/scanner/keymap"
)

// Terminator says what ends a frame.
type Terminator int

// Terminators. The zero value is Auto, which frames what every scanner
// sends out of the box without configuration.
const (
	// Auto: CR, LF, CRLF and LF-CR all end a frame (the empty frames
	// between them are dropped), and so does a silence of IdleGap, for
	// scanners that send no suffix. Once a connection's scanner has
	// sent a suffix, Dev waits 10 s of silence (or IdleGap, if longer)
	// before it ends a frame without one: a busy line cannot cut a pass
	// in two. Leading and trailing whitespace and
	// control characters (a Tab suffix, a stray LF) are trimmed before
	// the AIM identifier is looked for.
	Auto Terminator = iota
	CR              // carriage return, 0x0D
	LF              // line feed, 0x0A
	CRLF            // CR then LF; a lone CR or LF is data
	Idle            // no terminator: a silence of IdleGap ends the frame
	Tab             // horizontal tab, 0x09 (keyboard-wedge style)
)

var terminatorNames = [...]string{Auto: "auto", CR: "cr", LF: "lf", CRLF: "crlf", Idle: "idle", Tab: "tab"}

// String returns the configuration name: "auto", "cr", "lf", "crlf",
// "idle" or "tab".
func (t Terminator) String() string {
	if t < 0 || int(t) >= len(terminatorNames) {
		return fmt.Sprintf("Terminator(%d)", int(t))
	}
	return terminatorNames[t]
}

// Terminators returns the terminators' configuration names, Auto first:
// what ParseTerminator accepts, and the one list that configuration,
// help and documentation are checked against.
func Terminators() []string { return slices.Clone(terminatorNames[:]) }

// ParseTerminator parses a configuration name as returned by String.
func ParseTerminator(s string) (Terminator, error) {
	for i, n := range terminatorNames {
		if strings.EqualFold(s, n) {
			return Terminator(i), nil
		}
	}
	return 0, fmt.Errorf("scanner: terminator %q: want one of %s", s, strings.Join(terminatorNames[:], ", "))
}

// gapEnds reports whether a silence of IdleGap ends a frame.
func (t Terminator) gapEnds() bool { return t == Auto || t == Idle }

// Limits and defaults.
const (
	// MaxFrameLen caps a frame. The largest QR code holds 7089 digits or
	// 2953 bytes; 8 KiB leaves room for any symbology and prefix.
	MaxFrameLen = 8 << 10

	DefaultBaud       = 9600
	DefaultIdleGap    = 50 * time.Millisecond
	DefaultQueueLen   = 16
	DefaultBackoffMin = 100 * time.Millisecond
	DefaultBackoffMax = 5 * time.Second

	// MinIdleGap and MaxIdleGap bound FrameOpts.IdleGap.
	MinIdleGap = time.Millisecond
	MaxIdleGap = 2 * time.Second

	maxQueueLen = 1024
	maxBackoff  = time.Minute
)

// Bauds lists the rates New accepts: the standard rates a scanner module
// offers. A USB CDC-ACM scanner ignores the rate.
var Bauds = []int{1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600}

// FrameOpts configures framing; the zero value frames automatically (see
// Auto), caps frames at MaxFrameLen, keeps AIM identifiers and passes
// bytes through as UTF-8.
type FrameOpts struct {
	Terminator Terminator
	// IdleGap is the silence that ends a frame when Terminator is Auto or
	// Idle; 0 means DefaultIdleGap. 1 ms to 2 s.
	IdleGap time.Duration
	// MaxFrame caps a frame, in bytes; 0 means MaxFrameLen, which is also
	// the most allowed. The rest of a longer frame is discarded up to the
	// next terminator (or gap), and the discard is logged.
	MaxFrame int
	// StripAIM removes a leading AIM symbology identifier ("]Q1") and
	// reports it in Frame.Symbology. A frame without one is delivered as is.
	// A frame whose identifier says the ECI protocol is in force (QR Code
	// ]Q2, ]Q4, ]Q6; Data Matrix ]d4, ]d5, ]d6) has its \nnnnnn escapes
	// decoded and each segment converted to UTF-8.
	StripAIM bool
	// Charset is what the scanner sends text in (outside ECI frames); the
	// frame is converted to UTF-8. The zero value, UTF8, passes bytes
	// through.
	Charset Charset
	// Logger receives the driver's log lines: connects, disconnects,
	// discards and drops (lengths only, never contents); nil means
	// slog.Default().
	Logger *slog.Logger
}

// Opts configures a Dev.
type Opts struct {
	// Path is the device: a path (/dev/ttyACM0, /dev/serial0), a
	// /dev/serial/by-id/… link, or a glob (/dev/ttyACM*; the first match
	// in lexical order); one that leads into /dev/input
	// (/dev/input/by-id/…-event-kbd) is a keyboard-mode scanner, as is
	// "evdev:PATH"; "auto" finds a scanner of either kind (see Find). It
	// is resolved again at every (re)open, and while connected.
	Path string
	// Keymap is the layout a keyboard-mode scanner types for; nil means
	// US.
	Keymap *keymap.Layout
	// Baud is the line rate; 0 means DefaultBaud. One of Bauds.
	Baud int

	FrameOpts

	// QueueLen bounds the Frames channel; 0 means DefaultQueueLen. When it
	// is full the oldest frame is dropped (see Dev.Frames).
	QueueLen int
	// BackoffMin and BackoffMax bound the delay between reopen attempts,
	// which doubles after each failure; 0 means the defaults (100 ms, 5 s).
	BackoffMin, BackoffMax time.Duration
	// OnConnect, if set, runs after every (re)open before reading starts,
	// e.g. to configure the module. An error closes the port and counts
	// as a failed open.
	OnConnect Commander
}

// ErrOpts is wrapped by every option error New returns.
var ErrOpts = errors.New("scanner: bad option")

func optErr(field string, v any, want string) error {
	return fmt.Errorf("%w: %s = %v: want %s", ErrOpts, field, v, want)
}

// withDefaults fills in zero values.
func (o FrameOpts) withDefaults() FrameOpts {
	if o.IdleGap == 0 {
		o.IdleGap = DefaultIdleGap
	}
	if o.MaxFrame == 0 {
		o.MaxFrame = MaxFrameLen
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

func (o FrameOpts) validate() error {
	if o.Terminator < Auto || o.Terminator > Tab {
		return optErr("Terminator", int(o.Terminator), "Auto, CR, LF, CRLF, Idle or Tab")
	}
	if o.Charset < UTF8 || o.Charset > Big5 {
		return optErr("Charset", int(o.Charset), "UTF8, GB18030 or Big5")
	}
	if o.IdleGap < MinIdleGap || o.IdleGap > MaxIdleGap {
		return optErr("IdleGap", o.IdleGap, fmt.Sprintf("between %v and %v", MinIdleGap, MaxIdleGap))
	}
	if o.MaxFrame < 1 || o.MaxFrame > MaxFrameLen {
		return optErr("MaxFrame", o.MaxFrame, fmt.Sprintf("between 1 and %d", MaxFrameLen))
	}
	return nil
}

func (o Opts) withDefaults() Opts {
	if o.Baud == 0 {
		o.Baud = DefaultBaud
	}
	o.FrameOpts = o.FrameOpts.withDefaults()
	if o.QueueLen == 0 {
		o.QueueLen = DefaultQueueLen
	}
	if o.BackoffMin == 0 {
		o.BackoffMin = DefaultBackoffMin
	}
	if o.BackoffMax == 0 {
		o.BackoffMax = DefaultBackoffMax
	}
	return o
}

func (o Opts) validate() error {
	if o.Path == "" {
		return optErr("Path", `""`, "a device path or glob")
	}
	if o.Path == AutoPath {
		return o.validateRest()
	}
	path := strings.TrimPrefix(o.Path, EvdevPrefix)
	if !filepath.IsAbs(path) {
		return optErr("Path", o.Path, `an absolute path or "auto"`)
	}
	if _, err := filepath.Match(path, ""); err != nil {
		return optErr("Path", o.Path, "a valid glob")
	}
	return o.validateRest()
}

func (o Opts) validateRest() error {
	ok := false
	for _, b := range Bauds {
		ok = ok || b == o.Baud
	}
	if !ok {
		return optErr("Baud", o.Baud, "a standard rate: 9600, 115200, …")
	}
	if err := o.FrameOpts.validate(); err != nil {
		return err
	}
	if o.QueueLen < 1 || o.QueueLen > maxQueueLen {
		return optErr("QueueLen", o.QueueLen, fmt.Sprintf("between 1 and %d", maxQueueLen))
	}
	if o.BackoffMin < time.Millisecond || o.BackoffMin > maxBackoff {
		return optErr("BackoffMin", o.BackoffMin, "between 1ms and 1m")
	}
	if o.BackoffMax < o.BackoffMin || o.BackoffMax > maxBackoff {
		return optErr("BackoffMax", o.BackoffMax, "between BackoffMin and 1m")
	}
	return nil
}
