package indicator

import (
	"strings"
	"testing"
	"time"
)

func TestParseQuietHours(t *testing.T) {
	for _, tt := range []struct {
		in, want string // want: String() of the result, or the error's text
		ok       bool
	}{
		{"22:00-07:00", "22:00-07:00", true},
		{"00:00-23:59", "00:00-23:59", true},
		{"13:30-14:15", "13:30-14:15", true},
		{"", "", true},
		{"22:00-22:00", "start equals end", false},
		{"24:00-07:00", "not a time of day", false},
		{"22:60-07:00", "not a time of day", false},
		{"2a:00-07:00", "not a time of day", false},
		{"-1:00-07:00", "not a time of day", false},
		{"22:00", "malformed", false},
		{"22:00 07:00", "malformed", false},
		{"22.00-07.00", "not a time of day", false},
		{"7:00-22:00", "malformed", false},
		{"22:00-07:00 ", "malformed", false},
		{strings.Repeat("2", 1000), "malformed", false},
	} {
		t.Run(tt.in, func(t *testing.T) {
			q, err := ParseQuietHours(tt.in)
			if !tt.ok {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("got %v, %v; want an error containing %q", q, err, tt.want)
				}
				if len(err.Error()) > 150 {
					t.Errorf("error not bounded: %d bytes", len(err.Error()))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := q.String(); got != tt.want {
				t.Errorf("String: got %q, want %q", got, tt.want)
			}
			if got, want := q.IsZero(), tt.in == ""; got != want {
				t.Errorf("IsZero: got %v, want %v", got, want)
			}
		})
	}
}

func TestQuietHoursContains(t *testing.T) {
	night, _ := ParseQuietHours("22:00-07:00")
	lunch, _ := ParseQuietHours("12:30-13:30")
	at := func(h, m int) time.Time { return time.Date(2026, 1, 1, h, m, 30, 0, time.UTC) }
	hk := time.FixedZone("HKT", 8*3600)
	for _, tt := range []struct {
		q    QuietHours
		t    time.Time
		want bool
	}{
		{night, at(21, 59), false},
		{night, at(22, 0), true},
		{night, at(23, 59), true},
		{night, at(0, 0), true},
		{night, at(6, 59), true},
		{night, at(7, 0), false},
		{night, at(12, 0), false},
		{lunch, at(12, 29), false},
		{lunch, at(12, 30), true},
		{lunch, at(13, 29), true},
		{lunch, at(13, 30), false},
		{lunch, at(1, 0), false},
		{QuietHours{}, at(23, 0), false},
		// The clock of the time's own location: 15:00 UTC is 23:00 in Hong Kong.
		{night, at(15, 0).In(hk), true},
		{night, at(15, 0), false},
	} {
		t.Run(tt.t.Format("Mon 15:04"), func(t *testing.T) {
			if got := tt.q.Contains(tt.t); got != tt.want {
				t.Errorf("%q.Contains(%v) = %v, want %v", tt.q, tt.t, got, tt.want)
			}
		})
	}
}
