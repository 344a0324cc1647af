package store_test

import (
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// Compile-time checks: the store serves the verify engine.
var (
	_ verify.Revocations = (*store.Store)(nil)
	_ verify.Codes       = (*store.Store)(nil)
	_ verify.Freshness   = (*store.Store)(nil)
)
