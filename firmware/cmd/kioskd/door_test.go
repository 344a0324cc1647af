package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/firmware/staff"
)

// doorState is the door part of GET /api/state.
type doorState struct {
	Door *struct {
		Open *struct {
			Until time.Time `json:"until"`
			By    string    `json:"by"`
		} `json:"open"`
		Last *struct {
			Kind, Why, Card, Category string
			VenueID                   string `json:"venue_id"`
			At                        time.Time
		} `json:"last"`
		Exempt struct {
			Under12    int64 `json:"under12"`
			Over65     int64 `json:"65plus"`
			Disability int64 `json:"disability"`
			Other      int64 `json:"other"`
		} `json:"exempt_today"`
		Overrides struct {
			Started int64 `json:"started"`
		} `json:"open_today"`
		Setup *struct {
			From, To, Card string
		} `json:"setup_last"`
	} `json:"door"`
	Kiosk struct {
		Venue string `json:"venue"`
	} `json:"kiosk"`
}

func (k *kiosk) door(t testing.TB) doorState {
	t.Helper()
	var s doorState
	k.getJSON(t, "/api/state", &s)
	if s.Door == nil {
		t.Fatal("no door in /api/state")
	}
	return s
}

// scanDoor writes a staff payload into the simulated scanner and waits
// for the door event of kind after the last one.
func (k *kiosk) scanDoor(t testing.TB, payload, kind string) doorState {
	t.Helper()
	var before time.Time
	if l := k.door(t).Door.Last; l != nil {
		before = l.At
	}
	// The same card read again within scan.DoorRepeat is one action.
	doorMu.Lock()
	last := doorScanned[k.dir+"\x00"+payload]
	doorMu.Unlock()
	time.Sleep(scan.DoorRepeat - time.Since(last) + 100*time.Millisecond)
	defer func() {
		doorMu.Lock()
		doorScanned[k.dir+"\x00"+payload] = time.Now()
		doorMu.Unlock()
	}()
	k.typeIn(t, payload)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		s := k.door(t)
		if l := s.Door.Last; l != nil && l.At.After(before) {
			if l.Kind != kind {
				t.Fatalf("door event %s (%s), want %s", l.Kind, l.Why, kind)
			}
			return s
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no door event %s within 20s\n%s", kind, k.logs())
	return doorState{}
}

// doorScanned is when scanDoor last wrote each payload, by kiosk.
var (
	doorMu      sync.Mutex
	doorScanned = map[string]time.Time{}
)

func staffSample(t testing.TB, ss []sample, prefix string) string {
	t.Helper()
	for _, s := range ss {
		if strings.HasPrefix(s.Name, prefix) {
			return s.Payload
		}
	}
	t.Fatalf("no sample %q", prefix)
	return ""
}

// TestSetupFromPosterThroughThePty: a technician's card and then the
// venue's LeaveHomeSafe poster, scanned through the simulator's pty
// scanner, set the venue identity in provision.toml; the kiosk comes back
// with it. The poster alone, after a guard's card, or with a wrong hash
// changes nothing — and, being no pass, is never counted as one.
func TestSetupFromPosterThroughThePty(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs kioskd")
	}
	dir := t.TempDir()
	k := startKiosk(t, dir)
	ss := k.staffSamples(t)
	poster := staffSample(t, ss, "LeaveHomeSafe poster: ")
	provisioned := filepath.Join(dir, config.ProvisionFile)

	// Without a technician's card the poster is no pass: it says a
	// technician's card comes first, and sets nothing.
	if s := k.scanDoor(t, poster, "setup_refused"); s.Door.Last.Why != "needs_technician" {
		t.Errorf("the poster alone: why %q, want needs_technician", s.Door.Last.Why)
	}
	k.scanDoor(t, staffSample(t, ss, "Staff card: guard ("), "exempt_armed")
	if s := k.scanDoor(t, poster, "setup_refused"); s.Door.Last.Why != "needs_technician" {
		t.Errorf("the poster after a guard's card: why %q, want needs_technician", s.Door.Last.Why)
	}
	if _, err := os.Stat(provisioned); err == nil {
		t.Fatal("provision.toml written without a technician's card")
	}

	tech := staffSample(t, ss, "Staff card: technician")
	k.scanDoor(t, tech, "setup_armed")
	if s := k.scanDoor(t, staffSample(t, ss, "LeaveHomeSafe poster, wrong hash"), "setup_refused"); s.Door.Last.Why != "bad_poster" {
		t.Errorf("wrong hash: why %q", s.Door.Last.Why)
	}
	// One poster per arming: the card again, the poster (shown), the card
	// again to confirm.
	time.Sleep(scan.DoorRepeat)
	k.scanDoor(t, tech, "setup_armed")
	if s := k.scanDoor(t, poster, "setup_pending"); s.Door.Last.VenueID != samples.PosterVenue.ID {
		t.Errorf("poster: %+v", s.Door.Last)
	}
	if _, err := os.Stat(provisioned); err == nil {
		t.Fatal("provision.toml written before the technician confirmed")
	}
	time.Sleep(scan.DoorRepeat) // the same card again is a second action, not a double read
	s := k.scanDoor(t, tech, "setup_done")
	if s.Door.Last.VenueID != samples.PosterVenue.ID || s.Door.Last.Card != samples.TechnicianCard {
		t.Errorf("setup done: %+v", s.Door.Last)
	}
	b, err := os.ReadFile(provisioned)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id = "TPHM2020"`, `name_en = "Tai Po Hui Market"`, `name_zh = "大埔墟街市"`, `hken = "HKEN:0TPHM2020`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("provision.toml lacks %s:\n%s", want, b)
		}
	}
	if !strings.Contains(k.logs(), "venue set from its LeaveHomeSafe poster") {
		t.Error("the setup is not in the log")
	}

	// Restarted, the kiosk is the poster's venue.
	if err := k.stop(); err != nil {
		t.Fatal(err)
	}
	k2 := startKiosk(t, dir)
	s = k2.door(t)
	if got := s.Kiosk.Venue; got != samples.PosterVenue.ID {
		t.Errorf("after a restart the venue is %q, want %s", got, samples.PosterVenue.ID)
	}
	// The change, as the fleet status reports it: to the poster's venue, by
	// the technician card's hash.
	if u := s.Door.Setup; u == nil || u.To != samples.PosterVenue.ID || u.Card != staff.IDHash(samples.TechnicianCard) {
		t.Errorf("the venue change recorded: %+v", u)
	}
}
