package indicator

import (
	"context"
	"errors"
)

// Indicator is what the daemon drives: the GPIO device (Dev), the log-only
// indicator (Log) for boards without lights, or a test fake
// (indicatortest.Recorder).
type Indicator interface {
	// Show starts sig's pattern at once, cutting short any pattern in
	// progress. It never blocks.
	Show(sig Signal)
	// State returns what is shown now.
	State() State
	// SelfTest pulses each light and the buzzer once, in turn, and returns
	// when done, when interrupted by Show, or when ctx ends.
	SelfTest(ctx context.Context) error
	// Close turns everything off. Show does nothing after Close.
	Close() error
}

// Errors from SelfTest.
var (
	ErrInterrupted = errors.New("indicator: self-test interrupted by a newer signal")
	ErrClosed      = errors.New("indicator: closed")
)

var (
	_ Indicator = (*Dev)(nil)
	_ Indicator = (*Log)(nil)
)
