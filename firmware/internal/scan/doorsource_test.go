package scan

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/hken"
	"github.com/venuekiosk/venuekiosk/firmware/staff"
)

func webScan(t *testing.T, r *doorRig, p string) Result {
	t.Helper()
	r.now.Advance(scanStep)
	res, err := r.f.Scan(context.Background(), Scan{Payload: p, Source: Web})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestDoorPayloadsOnlyFromScanner: on a real kiosk, a supervisor's card, a
// guard's card and category code, a poster during setup and the group
// code that come through the web API (a photo of a card, a page of another
// site) do nothing but say so; from the scanner they work.
func TestDoorPayloadsOnlyFromScanner(t *testing.T) {
	r := newDoorRig(t, func(o *Opts) { o.Group.Code = "VKGROUP:STAFF" })
	poster, err := hken.Encode(&hken.Venue{Code: "0", ID: "WHBvLDSa", NameEn: "Central Market", NameZh: "中環街市", Type: "IMPORT"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{r.super, r.guard, staff.Over65.Code(), r.tech, "VKGROUP:STAFF"} {
		res := webScan(t, r, p)
		if !res.Staff || !res.Refused || res.Verdict != nil || res.Door == nil || res.Door.Why != WhyNotScanner || !strings.Contains(res.Message, "scanner") {
			t.Errorf("%.20s… through the web: %+v", p, res)
		}
	}
	if d := r.f.Door(); d.Open != nil || d.Armed != "" {
		t.Fatalf("web payloads changed the door: %+v", d)
	}
	// Armed from the scanner, a poster through the web is still refused.
	r.scan(t, r.tech)
	if res := webScan(t, r, poster); res.Door == nil || res.Door.Why != WhyNotScanner || len(r.venues) != 0 {
		t.Errorf("poster through the web during setup: %+v, venues %v", res.Door, r.venues)
	}
	if got := r.rec.take(); strings.Count(got, "card_refused:not_scanner") != 6 || strings.Contains(got, "open_started") {
		t.Errorf("events: %s", got)
	}
	// From the scanner a supervisor's card opens entry.
	if res := r.scan(t, r.super); res.Door == nil || res.Door.Kind != OpenStarted || res.Door.Source != Serial {
		t.Errorf("supervisor card from the scanner: %+v", res.Door)
	}
}

// TestWebDoorInSimulation: the simulator's page may use door payloads;
// each is labelled as coming through the web API.
func TestWebDoorInSimulation(t *testing.T) {
	r := newDoorRig(t, func(o *Opts) { o.Door.WebDoor = true })
	res := webScan(t, r, r.super)
	if res.Door == nil || res.Door.Kind != OpenStarted || res.Door.Source != Web {
		t.Fatalf("supervisor card through the web in simulation: %+v", res.Door)
	}
	if d := res.Message; !strings.HasPrefix(d, "simulation, through the web API: ") {
		t.Errorf("reply not labelled: %q", d)
	}
}

// TestOpenRateLimited: one card opens or closes entry at most openLimit
// times within the window (a photographed card re-opening entry every
// quarter of an hour); another card and the open button still work, and
// the card works again once the window has passed.
func TestOpenRateLimited(t *testing.T) {
	r := newDoorRig(t, nil)
	other := cardText(t, "S-2", staff.Supervisor, operator, t0.AddDate(0, -1, 0), t0.AddDate(0, 1, 0))
	for i := range defaultOpenLimit {
		r.now.Advance(15 * time.Minute) // entry closed by itself in between
		poke(t, r.f)
		if res := r.scan(t, r.super); res.Door == nil || res.Door.Kind != OpenStarted {
			t.Fatalf("opening %d: %+v", i+1, res.Door)
		}
	}
	r.now.Advance(16 * time.Minute)
	poke(t, r.f)
	res := r.scan(t, r.super)
	if res.Door == nil || res.Door.Kind != CardRefused || res.Door.Why != WhyRateLimited || !res.Refused {
		t.Fatalf("opening %d: %+v; want refused, rate limited", defaultOpenLimit+1, res.Door)
	}
	if d := r.f.Door(); d.Open != nil {
		t.Errorf("a rate-limited card opened entry: %+v", d.Open)
	}
	if res := r.scan(t, other); res.Door == nil || res.Door.Kind != OpenStarted {
		t.Errorf("another supervisor's card: %+v", res.Door)
	}
	// The limited card cannot close it either.
	if res := r.scan(t, r.super); res.Door.Why != WhyRateLimited || r.f.Door().Open == nil {
		t.Errorf("closing with the limited card: %+v", res.Door)
	}
	r.now.Advance(defaultOpenLimitWindow)
	poke(t, r.f)
	if res := r.scan(t, r.super); res.Door == nil || res.Door.Kind != OpenStarted {
		t.Errorf("a day later: %+v", res.Door)
	}
}

// TestStaleStaffList: with the staff-card revocation list older than the
// policy's maximum data age (the network unplugged for days), a
// supervisor's card opens nothing and a technician's arms nothing; a
// guard's card still records exempt entries, with a warning. A fresh list
// lifts it.
func TestStaleStaffList(t *testing.T) {
	listAt := t0.Add(-100 * time.Hour)
	r := newDoorRig(t, func(o *Opts) {
		v := o.Door.Cards.(*staff.Verifier)
		v.ListTime = func() (time.Time, bool) { return listAt, true }
		v.MaxListAge = func() time.Duration { return 72 * time.Hour }
	})
	for _, c := range []string{r.super, r.tech} {
		res := r.scan(t, c)
		if res.Door == nil || res.Door.Kind != CardRefused || res.Door.Why != WhyStaleList || !res.Refused {
			t.Errorf("%.20s… with a stale list: %+v", c, res.Door)
		}
	}
	if d := r.f.Door(); d.Open != nil || d.Armed != "" {
		t.Errorf("door after refused cards: %+v", d)
	}
	res := r.scan(t, r.guard)
	if res.Door == nil || res.Door.Kind != ExemptArmed || !res.Door.StaleList || res.Refused || !strings.Contains(res.Message, "out of date") {
		t.Errorf("guard card with a stale list: %+v %+v", res.Door, res)
	}
	if res := r.scan(t, staff.Under12.Code()); res.Door == nil || res.Door.Kind != ExemptRecorded {
		t.Errorf("category after the guard card: %+v", res.Door)
	}
	listAt = t0 // synced again
	if res := r.scan(t, r.super); res.Door == nil || res.Door.Kind != OpenStarted {
		t.Errorf("supervisor card with a fresh list: %+v", res.Door)
	}
	// No list at all is as stale as an old one.
	r2 := newDoorRig(t, func(o *Opts) {
		v := o.Door.Cards.(*staff.Verifier)
		v.ListTime = func() (time.Time, bool) { return time.Time{}, false }
		v.MaxListAge = func() time.Duration { return 72 * time.Hour }
	})
	if res := r2.scan(t, r2.super); res.Door == nil || res.Door.Why != WhyStaleList {
		t.Errorf("supervisor card without any list: %+v", res.Door)
	}
}
