package indicator

import (
	"fmt"
	"time"
)

// QuietHours is a daily span of local time during which the buzzer is
// muted (or, for a passive buzzer, quieter: see Opts.QuietDuty); the lights
// still show. The zero value is never quiet.
type QuietHours struct {
	start, end int // minutes since midnight; start != end when set
	set        bool
}

// ParseQuietHours parses "HH:MM-HH:MM" (24-hour clock), e.g. "22:00-07:00",
// which spans midnight. The start is quiet, the end is not. "" is never
// quiet. Equal start and end are refused: it is unclear whether that means
// always or never.
func ParseQuietHours(s string) (QuietHours, error) {
	if s == "" {
		return QuietHours{}, nil
	}
	bad := func(why string) (QuietHours, error) {
		if len(s) > 16 {
			s = s[:16] + "…"
		}
		return QuietHours{}, fmt.Errorf("indicator: quiet hours %q: %s (want \"HH:MM-HH:MM\", e.g. \"22:00-07:00\")", s, why)
	}
	if len(s) != len("22:00-07:00") || s[5] != '-' {
		return bad("malformed")
	}
	start, ok1 := clockMinutes(s[:5])
	end, ok2 := clockMinutes(s[6:])
	if !ok1 || !ok2 {
		return bad("not a time of day")
	}
	if start == end {
		return bad("start equals end")
	}
	return QuietHours{start: start, end: end, set: true}, nil
}

// clockMinutes parses "HH:MM".
func clockMinutes(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	d := func(i int) int {
		if s[i] < '0' || s[i] > '9' {
			return -100
		}
		return int(s[i] - '0')
	}
	h, m := d(0)*10+d(1), d(3)*10+d(4)
	if h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}

// IsZero reports whether q is never quiet.
func (q QuietHours) IsZero() bool { return !q.set }

// Contains reports whether t, read on its own location's clock, is quiet.
func (q QuietHours) Contains(t time.Time) bool {
	if !q.set {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	if q.start < q.end {
		return m >= q.start && m < q.end
	}
	return m >= q.start || m < q.end
}

// String returns q as ParseQuietHours reads it.
func (q QuietHours) String() string {
	if !q.set {
		return ""
	}
	return fmt.Sprintf("%02d:%02d-%02d:%02d", q.start/60, q.start%60, q.end/60, q.end%60)
}
