package store

import (
	"github.com/venuekiosk/venuekiosk/firmware/clock"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// The interfaces the rest of the firmware reads the store through. The
// verify interfaces (Revocations, Codes, Freshness) are checked in
// interfaces_test.go: importing verify here would tie the store's build to
// every pass format and forbid verify from ever importing the store.
var (
	_ pass.Trust       = (*Store)(nil)
	_ clock.FloorStore = (*Store)(nil)
	_ clock.ResetStore = (*Store)(nil)
)
