package policy

import (
	"strings"
	"testing"
	"time"
)

func TestStaffCardLives(t *testing.T) {
	d := Default()
	for role, want := range map[string]int{"GUARD": 366, "supervisor": 92, "Technician": 92, "JANITOR": 0} {
		if got := d.Staff.MaxCardLife(role); got != time.Duration(want)*24*time.Hour {
			t.Errorf("default MaxCardLife(%s) = %v, want %d days", role, got, want)
		}
	}
	p, err := Parse(strings.NewReader(`{"name":"x","staff":{"supervisor_max_days":7}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Staff.MaxCardLife("SUPERVISOR"); got != 7*24*time.Hour {
		t.Errorf("supervisor_max_days 7: %v", got)
	}
	for _, bad := range []string{`{"staff":{"guard_max_days":-1}}`, `{"staff":{"technician_max_days":5000}}`, `{"staff":{"janitor_max_days":3}}`} {
		if _, err := Parse(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: want an error", bad)
		}
	}
}
