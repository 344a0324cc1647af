package policy

import (
	"fmt"
	"time"
)

// Bounds of Policy.VisitRetentionDays. LeaveHomeSafe kept a visit on the
// phone for 31 days; the kiosk does the same by default.
const (
	DefaultVisitRetentionDays = 31
	MaxVisitRetentionDays     = 366
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
	if d := p.VisitRetentionDays; d < 0 || d > MaxVisitRetentionDays {
		return fmt.Errorf("policy: visit_retention_days: %d; want 1 to %d (0: %d)", d, MaxVisitRetentionDays, DefaultVisitRetentionDays)
	}
	return nil
}
