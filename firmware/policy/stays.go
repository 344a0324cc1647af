package policy

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Assumed stays. A visit is matched against exposure windows as
// an interval: from its check-in to its check-out, or, without an exit
// scan, to the check-in plus the time a visitor is assumed to stay at a
// venue of its category. LeaveHomeSafe ended a visit the holder forgot to
// leave after a similar assumed time.
//
//	"stays": {"default_minutes": 120,
//	          "categories": {"restaurant": 120, "market": 60, "government": 60}}
//
// Categories are the kiosk's venue.category, compared without regard to
// case or surrounding spaces; a venue whose category is not listed (or
// empty) gets default_minutes. Without "stays" the policy gets the
// built-in values above (DefaultStays).

// Bounds of an assumed stay, here and in the exposure data's per-exposure
// override: long enough to cover a quick errand, short enough that a
// forgotten exit does not stretch into the next day.
const (
	MinAssumedStay = 15 * time.Minute
	MaxAssumedStay = 8 * time.Hour
	// DefaultAssumedStay is the assumed stay of a category the policy
	// does not name.
	DefaultAssumedStay = 2 * time.Hour
	// MaxStayCategories bounds "stays.categories".
	MaxStayCategories = 64
)

// StayRule sets the assumed stay by venue category, in whole minutes.
type StayRule struct {
	DefaultMinutes int            `json:"default_minutes,omitempty"` // 0: DefaultAssumedStay
	Categories     map[string]int `json:"categories,omitempty"`
}

// DefaultStays returns the built-in assumed stays: restaurants 2 h,
// markets 1 h, government buildings 1 h, anything else 2 h.
func DefaultStays() *StayRule {
	return &StayRule{DefaultMinutes: 120, Categories: map[string]int{"restaurant": 120, "market": 60, "government": 60}}
}

var stayCategory = regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)

// NormalizeCategory returns category as the policy names it: trimmed and
// in lower case.
func NormalizeCategory(category string) string {
	return strings.ToLower(strings.TrimSpace(category))
}

// AssumedStay returns how long a visit without a check-out is assumed to
// last at a venue of category.
func (p *Policy) AssumedStay(category string) time.Duration {
	r := p.Stays
	if r == nil {
		r = DefaultStays()
	}
	if m, ok := r.Categories[NormalizeCategory(category)]; ok {
		return time.Duration(m) * time.Minute
	}
	if r.DefaultMinutes != 0 {
		return time.Duration(r.DefaultMinutes) * time.Minute
	}
	return DefaultAssumedStay
}

// CheckAssumedStay reports whether d is a usable assumed stay: whole
// minutes within MinAssumedStay and MaxAssumedStay.
func CheckAssumedStay(d time.Duration) error {
	if d%time.Minute != 0 || d < MinAssumedStay || d > MaxAssumedStay {
		return fmt.Errorf("assumed stay %v: want whole minutes from %v to %v", d, MinAssumedStay, MaxAssumedStay)
	}
	return nil
}

func (p *Policy) validateStays() error {
	r := p.Stays
	if r == nil {
		return nil
	}
	minutes := func(key string, m int) error {
		if err := CheckAssumedStay(time.Duration(m) * time.Minute); err != nil {
			return fmt.Errorf("policy: %s: %d minutes; want %d to %d", key, m, int(MinAssumedStay/time.Minute), int(MaxAssumedStay/time.Minute))
		}
		return nil
	}
	if r.DefaultMinutes != 0 {
		if err := minutes("stays.default_minutes", r.DefaultMinutes); err != nil {
			return err
		}
	}
	if len(r.Categories) > MaxStayCategories {
		return fmt.Errorf("policy: stays.categories: %d categories; at most %d", len(r.Categories), MaxStayCategories)
	}
	for c, m := range r.Categories {
		if !stayCategory.MatchString(c) {
			return fmt.Errorf("policy: stays.categories: %q: want 1 to 32 of a-z, 0-9, '_' and '-'", c)
		}
		if err := minutes("stays.categories."+c, m); err != nil {
			return err
		}
	}
	return nil
}
