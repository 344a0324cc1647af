package policy

import (
	"strings"
	"testing"
	"time"
)

func TestVisitRetention(t *testing.T) {
	if got, want := Default().VisitRetention(), 31*24*time.Hour; got != want {
		t.Errorf("default policy: got %v, want %v", got, want)
	}
	for _, tc := range []struct {
		json string
		want time.Duration
		err  string
	}{
		{`{}`, 31 * 24 * time.Hour, ""},
		{`{"visit_retention_days": 0}`, 31 * 24 * time.Hour, ""},
		{`{"visit_retention_days": 14}`, 14 * 24 * time.Hour, ""},
		{`{"visit_retention_days": 31}`, 31 * 24 * time.Hour, ""},
		{`{"visit_retention_days": 32}`, 0, "visit_retention_days: 32: the kiosk erases visit records after at most 31 days"},
		{`{"visit_retention_days": 366}`, 0, "visit_retention_days: 366: the kiosk erases visit records after at most 31 days"},
		{`{"visit_retention_days": -1}`, 0, "visit_retention_days: -1"},
		{`{"visit_retention_days": "31"}`, 0, "visit_retention_days"},
		{`{"visit_retention_days": 1.5}`, 0, "visit_retention_days"},
	} {
		t.Run(tc.json, func(t *testing.T) {
			p, err := Parse(strings.NewReader(tc.json))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("%s: got %v, want an error containing %q", tc.json, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Errorf("%s: %v", tc.json, err)
				return
			}
			if got := p.VisitRetention(); got != tc.want {
				t.Errorf("%s: got %v, want %v", tc.json, got, tc.want)
			}
		})
	}
}
