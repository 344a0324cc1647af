package daemon

import (
	"sync"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/indicator"
	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// lightsSink is the first sink: the verdict reaches the guard at once.
//
// An exposure notice has its own tone: the verdict's signal plays first,
// whole, so that the guard sees and hears the verdict as always, and the
// Notice signal (short, short, long, amber flashing) follows it. The
// verdict's colour stays on the display; the lights end on the notice's
// amber, which asks the guard to read the screen with the holder. A newer
// scan cancels a notice still waiting.
//
// While this venue's exposure notice runs, every other pass scanned gets
// the VenueNotice chirps after its signal instead, over its lights: the
// guard hands the visitor the printed advice sheet. A pass
// scanned on its way out gets the neutral Goodbye, never a verdict.
//
// A group shows one result when it closes: the worst member's signal
// (each member was lit as it was scanned). Opening a group, or a group
// closed without members, gives the Info tick.
type lightsSink struct {
	ind indicator.Indicator
	// after returns how long sig's pattern plays (the notice waits for it).
	after func(sig indicator.Signal) time.Duration
	// afterFunc schedules f (time.AfterFunc; tests replace it).
	afterFunc func(d time.Duration, f func()) (stop func() bool)

	mu      sync.Mutex
	gen     uint64      // bumped by every signal: a waiting notice checks it
	pending func() bool // stops the waiting notice
}

func newLightsSink(ind indicator.Indicator, prof *indicator.Profile) *lightsSink {
	return &lightsSink{
		ind: ind,
		after: func(sig indicator.Signal) time.Duration {
			if prof == nil {
				return 0
			}
			return prof.Patterns[sig].Duration()
		},
		afterFunc: func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop },
	}
}

func signalOf(s verify.Status) indicator.Signal {
	switch s {
	case verify.Green:
		return indicator.Green
	case verify.Amber:
		return indicator.Amber
	}
	return indicator.Red
}

// show shows sig now and, unless then is Idle, then after it.
func (l *lightsSink) show(sig, then indicator.Signal) {
	l.mu.Lock()
	l.gen++
	gen := l.gen
	if l.pending != nil {
		l.pending()
		l.pending = nil
	}
	l.ind.Show(sig)
	if then != indicator.Idle {
		l.pending = l.afterFunc(l.after(sig), func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.gen == gen {
				l.ind.Show(then)
			}
		})
	}
	l.mu.Unlock()
}

// Scanned implements scan.Sink. While entry is open every scan gets the
// neutral Info signal: read, never refused; a pass leaving, Goodbye.
func (l *lightsSink) Scanned(r scan.Result) {
	sig := signalOf(r.Verdict.Status)
	switch {
	case r.Exit:
		sig = indicator.Goodbye
	case r.Open:
		sig = indicator.Info
	}
	then := indicator.Idle
	switch {
	case r.Notice != nil:
		then = indicator.Notice
	case r.VenueNotice != nil:
		then = indicator.VenueNotice
	}
	l.show(sig, then)
}

// DoorChanged implements scan.DoorSink: a staff action gets the neutral
// Info signal (a refused card too: it only says so).
func (l *lightsSink) DoorChanged(scan.DoorEvent) { l.show(indicator.Info, indicator.Idle) }

// GroupChanged implements scan.GroupSink.
func (l *lightsSink) GroupChanged(g scan.Group) {
	if g.Closed == "" || len(g.Members) == 0 {
		l.show(indicator.Info, indicator.Idle)
		return
	}
	l.show(signalOf(g.Status()), indicator.Idle)
}
