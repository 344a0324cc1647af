package indicator

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// LogOpts configures a Log indicator. The zero value (or nil) is
// DefaultHold, time.Now and slog.Default().
type LogOpts struct {
	Hold   time.Duration // State reports the signal for this long; 0: DefaultHold
	Now    func() time.Time
	Logger *slog.Logger
}

// Log is an indicator for boards without lights: it writes each signal's
// name to the log, and nothing else.
type Log struct {
	opts   LogOpts
	mu     sync.Mutex
	sig    Signal
	at     time.Time
	closed bool
}

// NewLog returns a Log indicator.
func NewLog(opts *LogOpts) *Log {
	l := &Log{}
	if opts != nil {
		l.opts = *opts
	}
	if l.opts.Hold <= 0 {
		l.opts.Hold = DefaultHold
	}
	if l.opts.Now == nil {
		l.opts.Now = time.Now
	}
	if l.opts.Logger == nil {
		l.opts.Logger = slog.Default()
	}
	return l
}

// Show implements Indicator.
func (l *Log) Show(sig Signal) {
	if !sig.Valid() {
		l.opts.Logger.Warn("indicator: unknown signal ignored", "signal", sig.String())
		return
	}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.sig, l.at = sig, l.opts.Now()
	l.mu.Unlock()
	l.opts.Logger.Info("indicator", "signal", sig.String())
}

// State implements Indicator: the last signal until the hold time has
// passed (Fault until the next signal), with no lights.
func (l *Log) State() State {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sig != Fault && l.opts.Now().Sub(l.at) >= l.opts.Hold {
		return State{}
	}
	return State{Signal: l.sig}
}

// SelfTest implements Indicator: it logs that there is nothing to pulse.
func (l *Log) SelfTest(ctx context.Context) error {
	l.mu.Lock()
	closed := l.closed
	l.mu.Unlock()
	if closed {
		return ErrClosed
	}
	l.opts.Logger.Info("indicator: self-test: no lights or buzzer fitted (log-only indicator)")
	return ctx.Err()
}

// Close implements Indicator.
func (l *Log) Close() error {
	l.mu.Lock()
	l.closed = true
	l.sig = Idle
	l.mu.Unlock()
	return nil
}
