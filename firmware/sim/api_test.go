package sim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// GET /api/state for programs and for the page: nothing absent written as
// a zero date ("0001-01-01T00:00:00Z"), durations in seconds, not
// nanoseconds.
func TestAPIStateValues(t *testing.T) {
	k := startSim(t)
	res, err := http.Get(k.url + "/api/state")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "0001-01-01") {
		t.Errorf("/api/state writes a zero date:\n%s", b)
	}
	var st struct {
		Visits map[string]any `json:"visits"`
		Door   struct {
			OpenToday map[string]any `json:"open_today"`
		} `json:"door"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	if _, ok := st.Visits["oldest"]; ok {
		t.Errorf("visits.oldest with no visits logged: %v", st.Visits["oldest"])
	}
	if _, ok := st.Door.OpenToday["open_seconds"]; !ok {
		t.Errorf("door.open_today has no open_seconds: %v", st.Door.OpenToday)
	}
	if _, ok := st.Door.OpenToday["open_time"]; ok {
		t.Errorf("door.open_today still has open_time (nanoseconds): %v", st.Door.OpenToday)
	}
}
