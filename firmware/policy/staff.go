package policy

import (
	"fmt"
	"strings"
	"time"
)

// StaffRule bounds the staff cards a kiosk honours: a card valid for
// longer than its role allows is refused, however well signed — a lost or
// photographed card cannot be used for years. Zero: the default.
type StaffRule struct {
	GuardMaxDays      int `json:"guard_max_days,omitempty"`
	SupervisorMaxDays int `json:"supervisor_max_days,omitempty"`
	TechnicianMaxDays int `json:"technician_max_days,omitempty"`
}

// Default and largest staff card lifetimes, in days: a guard's card a
// year, a supervisor's (who opens entry without checks) and a
// technician's (who sets the venue) about three months; never more than
// the card format's five years.
const (
	DefaultGuardCardDays      = 366
	DefaultSupervisorCardDays = 92
	DefaultTechnicianCardDays = 92
	MaxStaffCardDays          = 5 * 366
)

// MaxCardLife returns the longest validity period a card of role (GUARD,
// SUPERVISOR or TECHNICIAN, any case) may have; 0 for an unknown role.
func (r StaffRule) MaxCardLife(role string) time.Duration {
	days := 0
	switch strings.ToUpper(role) {
	case "GUARD":
		days = or(r.GuardMaxDays, DefaultGuardCardDays)
	case "SUPERVISOR":
		days = or(r.SupervisorMaxDays, DefaultSupervisorCardDays)
	case "TECHNICIAN":
		days = or(r.TechnicianMaxDays, DefaultTechnicianCardDays)
	}
	return time.Duration(days) * 24 * time.Hour
}

func or(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func (r StaffRule) validate() error {
	for name, d := range map[string]int{"guard_max_days": r.GuardMaxDays, "supervisor_max_days": r.SupervisorMaxDays, "technician_max_days": r.TechnicianMaxDays} {
		if d < 0 || d > MaxStaffCardDays {
			return fmt.Errorf("policy: staff.%s: %d; want 1 to %d (0: the default)", name, d, MaxStaffCardDays)
		}
	}
	return nil
}
