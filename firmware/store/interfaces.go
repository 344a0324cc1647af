package store

import (
	"github.com/venuekiosk/venuekiosk/firmware/clock"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// The interfaces the rest of the firmware reads the store through.
var (
	_ pass.Trust         = (*Store)(nil)
	_ verify.Revocations = (*Store)(nil)
	_ verify.Codes       = (*Store)(nil)
	_ verify.Freshness   = (*Store)(nil)
	_ clock.FloorStore   = (*Store)(nil)
)
