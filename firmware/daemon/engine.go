package daemon

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/firmware/store"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// engines holds the current verification engine. Sync replaces it after it
// applied new data (a new policy); a scan in progress keeps the one it
// started with.
type engines struct {
	p          atomic.Pointer[verify.Engine]
	st         *store.Store
	policyFrom string // config scan.policy: "store", "default" or a file
}

// Verify implements scan.Verifier.
func (e *engines) Verify(payload string, at time.Time) *verify.Verdict {
	return e.p.Load().Verify(payload, at)
}

// reload builds the engine from the store and the configured policy.
func (e *engines) reload(ctx context.Context) (policyName string, err error) {
	var pol *policy.Policy
	switch e.policyFrom {
	case "default":
		pol = policy.Default()
	case "store":
		p, ok, err := e.st.Policy(ctx)
		if err != nil {
			return "", fmt.Errorf("reading the entry policy: %w", err)
		}
		if ok {
			pol = p
		} else {
			pol = policy.Default()
		}
	default:
		p, err := policy.Load(e.policyFrom)
		if err != nil {
			return "", err
		}
		pol = p
	}
	e.p.Store(&verify.Engine{
		Formats:     verify.Formats(),
		Trust:       e.st,
		Revocations: e.st,
		Codes:       e.st,
		Freshness:   e.st,
		Policy:      pol,
	})
	return pol.Name, nil
}
