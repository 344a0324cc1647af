package policy

import (
	"fmt"
	"time"
)

// Bounds of Policy.VisitRetentionDays. LeaveHomeSafe kept a visit on the
// phone for 31 days; the kiosk promises the same, and a policy may keep
// visits for less, never more.
const (
	DefaultVisitRetentionDays = 31
	MaxVisitRetentionDays     = 31
)

// VisitRetention returns how long the visit log keeps a visit: visits older
// than this are erased.
func (p *Policy) VisitRetention() time.Duration {
	d := p.VisitRetentionDays
	if d == 0 {
		d = DefaultVisitRetentionDays
	}
	return time.Duration(d) * 24 * time.Hour
}

func (p *Policy) validateRetention() error {
	switch d := p.VisitRetentionDays; {
	case d > MaxVisitRetentionDays:
		return fmt.Errorf("policy: visit_retention_days: %d: the kiosk erases visit records after at most %d days (its privacy promise); a policy may ask for fewer, never more", d, MaxVisitRetentionDays)
	case d < 0:
		return fmt.Errorf("policy: visit_retention_days: %d; want 1 to %d (0: %d)", d, MaxVisitRetentionDays, DefaultVisitRetentionDays)
	}
	return nil
}
