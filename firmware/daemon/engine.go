package daemon

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// engines holds the current verification engine. Sync replaces it after it
// applied new data (a new policy); a scan in progress keeps the one it
// started with.
type engines struct {
	p          atomic.Pointer[verify.Engine]
	st         *store.Store
	policyFrom string // config scan.policy: "store", "default" or a file
	log        *slog.Logger
}

// Verify implements scan.Verifier.
func (e *engines) Verify(payload string, at time.Time) *verify.Verdict {
	return e.p.Load().Verify(payload, at)
}

// reload builds the engine from the store and the configured policy.
func (e *engines) reload(ctx context.Context) (policyName string, err error) {
	var pol *policy.Policy
	note := ""
	switch e.policyFrom {
	case "default":
		pol = policy.Default()
	case "store":
		doc, ok, err := e.st.PolicyJSON(ctx)
		if err != nil {
			return "", fmt.Errorf("reading the entry policy: %w", err)
		}
		pol = policy.Default()
		if ok {
			// A stored policy this firmware refuses (older firmware took a
			// visit retention beyond 31 days) must not stop the kiosk: it
			// judges by the default until a sync brings one it accepts.
			p, err := policy.Parse(bytes.NewReader(doc))
			if err != nil {
				e.log.Warn("the synced entry policy is refused; judging by the default policy until a sync brings another", "err", err)
				note = " (the synced policy is refused: " + err.Error() + ")"
			} else {
				pol = p
			}
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
	return pol.Name + note, nil
}
