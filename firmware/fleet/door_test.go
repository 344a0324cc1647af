package fleet

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/staff"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// TestDoorCountsByCardHash: every opening and closing of entry reaches the
// fleet in the counters, by the card id's hash (never the id) or
// "button"; a period counts only its own; merging adds them.
func TestDoorCountsByCardHash(t *testing.T) {
	ctx := context.Background()
	hk := time.FixedZone("HKT", 8*3600)
	t1 := time.Date(2026, 11, 22, 10, 0, 0, 0, hk)
	st := newStore(t)
	setMark(t, st, tallyMark{Day: "2026-11-22", At: t1.Add(-time.Minute)})
	a, err := st.StartOverride(ctx, t1, t1.Add(15*time.Minute), "SUP-0042")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EndOverride(ctx, a, t1.Add(5*time.Minute), "SUP-0043", store.EndStaff); err != nil {
		t.Fatal(err)
	}
	b, _ := st.StartOverride(ctx, t1.Add(time.Hour), t1.Add(75*time.Minute), "button")
	if err := st.EndOverride(ctx, b, t1.Add(75*time.Minute), "button", store.EndTimeout); err != nil {
		t.Fatal(err)
	}
	c, _, mk, err := nextPeriod(ctx, st, st, hk, t1.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]DoorCounts{staff.IDHash("SUP-0042"): {Opened: 1}, staff.IDHash("SUP-0043"): {Closed: 1}, "button": {Opened: 1}}
	if len(c.Door) != len(want) {
		t.Fatalf("door: %+v; want %+v", c.Door, want)
	}
	for k, v := range want {
		if c.Door[k] != v {
			t.Errorf("door[%s] = %+v, want %+v", k, c.Door[k], v)
		}
	}
	msg, _ := json.Marshal(Counters{Counts: c})
	if strings.Contains(string(msg), "SUP-") {
		t.Errorf("the message carries a card id: %s", msg)
	}
	setMark(t, st, mk)
	// The next period: only what happened since.
	if _, err := st.StartOverride(ctx, t1.Add(3*time.Hour), t1.Add(4*time.Hour), "SUP-0042"); err != nil {
		t.Fatal(err)
	}
	c2, _, _, err := nextPeriod(ctx, st, st, hk, t1.Add(3*time.Hour+time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(c2.Door) != 1 || c2.Door[staff.IDHash("SUP-0042")] != (DoorCounts{Opened: 1}) {
		t.Errorf("second period: %+v", c2.Door)
	}
	m := Merge(Counters{Periods: 1, Counts: c}, Counters{Periods: 1, Counts: c2})
	if got := m.Door[staff.IDHash("SUP-0042")]; got != (DoorCounts{Opened: 2}) {
		t.Errorf("merged: %+v", m.Door)
	}
	// A receiver refuses what is not a hash.
	bad := Counters{Header: Header{V: Version, Boot: "0123456789abcdef", At: t1, Venue: "V", Kiosk: "K"}, From: t1, To: t1, Periods: 1,
		Counts: Counts{Door: map[string]DoorCounts{"SUP-0042": {Opened: 1}}}}
	if err := bad.Check("V", "K"); err == nil {
		t.Error("Check of a door entry named by card id: want an error")
	}
	bad.Door = map[string]DoorCounts{staff.IDHash("X"): {Opened: 1}}
	if err := bad.Check("V", "K"); err != nil {
		t.Errorf("Check of a good door entry: %v", err)
	}
}
