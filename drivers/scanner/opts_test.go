package scanner

import (
	"errors"
	"testing"
	"time"
)

func TestTerminatorNames(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Terminator
	}{
		{"auto", Auto}, {"cr", CR}, {"lf", LF}, {"crlf", CRLF}, {"idle", Idle}, {"tab", Tab}, {"CRLF", CRLF},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTerminator(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("ParseTerminator(%q): got %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if s := tt.want.String(); s != map[Terminator]string{Auto: "auto", CR: "cr", LF: "lf", CRLF: "crlf", Idle: "idle", Tab: "tab"}[tt.want] {
				t.Errorf("%d.String(): got %q", int(tt.want), s)
			}
		})
	}
	for _, bad := range []string{"", "tabs", "cr ", "nul", "\r"} {
		if _, err := ParseTerminator(bad); err == nil {
			t.Errorf("ParseTerminator(%q): got nil error, want one", bad)
		}
	}
	if got, want := Terminator(9).String(), "Terminator(9)"; got != want {
		t.Errorf("String of a bad terminator: got %q, want %q", got, want)
	}
}

// Terminators lists every terminator, in order, by the name String gives
// and ParseTerminator reads.
func TestTerminators(t *testing.T) {
	got := Terminators()
	if len(got) != int(Tab)+1 {
		t.Fatalf("Terminators() = %q, want %d names", got, int(Tab)+1)
	}
	for i, n := range got {
		if want := Terminator(i).String(); n != want {
			t.Errorf("Terminators()[%d] = %q, want %q", i, n, want)
		}
		if p, err := ParseTerminator(n); err != nil || p != Terminator(i) {
			t.Errorf("ParseTerminator(%q) = %v, %v; want %v", n, p, err, Terminator(i))
		}
	}
	got[0] = "changed"
	if Terminators()[0] != "auto" {
		t.Error("Terminators returns the package's own storage")
	}
}

func TestNewRejects(t *testing.T) {
	ok := Opts{Path: "/dev/ttyACM0"}
	for _, tt := range []struct {
		name string
		mod  func(*Opts)
	}{
		{"no path", func(o *Opts) { o.Path = "" }},
		{"relative path", func(o *Opts) { o.Path = "ttyACM0" }},
		{"bad glob", func(o *Opts) { o.Path = "/dev/tty[" }},
		{"odd baud", func(o *Opts) { o.Baud = 12345 }},
		{"negative baud", func(o *Opts) { o.Baud = -9600 }},
		{"bad terminator", func(o *Opts) { o.Terminator = 7 }},
		{"gap too short", func(o *Opts) { o.IdleGap = time.Nanosecond }},
		{"gap too long", func(o *Opts) { o.IdleGap = time.Minute }},
		{"frame too big", func(o *Opts) { o.MaxFrame = 1 << 20 }},
		{"frame negative", func(o *Opts) { o.MaxFrame = -5 }},
		{"queue too long", func(o *Opts) { o.QueueLen = 1 << 20 }},
		{"queue negative", func(o *Opts) { o.QueueLen = -1 }},
		{"backoff min negative", func(o *Opts) { o.BackoffMin = -time.Second }},
		{"backoff min too long", func(o *Opts) { o.BackoffMin, o.BackoffMax = time.Hour, time.Hour }},
		{"backoff max below min", func(o *Opts) { o.BackoffMin, o.BackoffMax = time.Second, time.Millisecond*500 }},
		{"backoff max too long", func(o *Opts) { o.BackoffMax = time.Hour }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := ok
			tt.mod(&o)
			d, err := New(o)
			if !errors.Is(err, ErrOpts) {
				t.Errorf("New: got %v, %v; want ErrOpts", d, err)
			}
		})
	}
	d, err := New(ok)
	if err != nil {
		t.Fatalf("New(%+v): %v", ok, err)
	}
	if got, want := d.opts.Baud, DefaultBaud; got != want {
		t.Errorf("default baud: got %d, want %d", got, want)
	}
	if got, want := d.opts.MaxFrame, MaxFrameLen; got != want {
		t.Errorf("default max frame: got %d, want %d", got, want)
	}
	if got, want := cap(d.Frames()), DefaultQueueLen; got != want {
		t.Errorf("default queue: got %d, want %d", got, want)
	}
}

func TestEventStrings(t *testing.T) {
	for _, tt := range []struct {
		e    Event
		want string
	}{
		{Event{Kind: Connected, Path: "/dev/ttyACM0"}, "scanner connected at /dev/ttyACM0 (serial)"},
		{Event{Kind: Connected, Path: "/dev/input/event3", Device: Keyboard, Reason: "known scanner maker Newland"}, "scanner connected at /dev/input/event3 (keyboard, known scanner maker Newland)"},
		{Event{Kind: Disconnected, Reason: "device hung up"}, "scanner missing: device hung up"},
		{Event{Kind: Disconnected}, "scanner missing"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.e.String(); got != tt.want {
				t.Errorf("%+v.String(): got %q, want %q", tt.e, got, tt.want)
			}
		})
	}
	for k, want := range map[EventKind]string{Connected: "connected", Disconnected: "disconnected", 5: "EventKind(5)"} {
		if got := k.String(); got != want {
			t.Errorf("EventKind(%d).String(): got %q, want %q", int(k), got, want)
		}
	}
}
