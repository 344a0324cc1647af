package scan

import (
	"context"
	"crypto/ed25519"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/hken"
	"github.com/venuekiosk/venuekiosk/firmware/staff"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

var (
	operator = ed25519.NewKeyFromSeed([]byte("venuekiosk scan door test key 32"))
	forger   = ed25519.NewKeyFromSeed([]byte("venuekiosk scan door forger k 32"))
)

// cardText signs a card valid around t0.
func cardText(t testing.TB, id string, role staff.Role, key ed25519.PrivateKey, from, until time.Time) string {
	t.Helper()
	s, err := staff.Sign(staff.Card{ID: id, Role: role, From: from, Until: until}, key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type revokedIDs map[string]bool

func (r revokedIDs) StaffRevoked(_ context.Context, id string) (bool, error) { return r[id], nil }

// doorRecorder records scan results and door events in one sequence.
type doorRecorder struct {
	mu     sync.Mutex
	events []string
	door   []DoorEvent
	scans  []Result
}

func (d *doorRecorder) Scanned(r Result) {
	d.mu.Lock()
	defer d.mu.Unlock()
	ev := "scan:" + r.Verdict.Status.String()
	if r.Open {
		ev += "(open)"
	}
	d.events = append(d.events, ev)
	d.scans = append(d.scans, r)
}

func (d *doorRecorder) DoorChanged(e DoorEvent) {
	d.mu.Lock()
	defer d.mu.Unlock()
	ev := string(e.Kind)
	for _, x := range []string{e.Why, string(e.Category), e.Card} {
		if x != "" {
			ev += ":" + x
		}
	}
	if e.Again {
		ev += ":again"
	}
	if e.Cancelled != "" {
		ev += ":cancelled(" + e.Cancelled + ":" + e.CancelledCard + ")"
	}
	d.events = append(d.events, ev)
	d.door = append(d.door, e)
}

func (d *doorRecorder) take() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := strings.Join(d.events, " ")
	d.events = nil
	return s
}

type doorRig struct {
	f        *Flow
	rec      *doorRecorder
	now      *fakeNow
	guard    string
	guard2   string
	super    string
	tech     string
	venues   []*hken.Venue
	failSave bool
}

func newDoorRig(t *testing.T, mod func(o *Opts)) *doorRig {
	t.Helper()
	r := &doorRig{rec: &doorRecorder{}, now: &fakeNow{t: t0}}
	from, until := t0.AddDate(0, -1, 0), t0.AddDate(1, 0, 0)
	r.guard = cardText(t, "G-1", staff.Guard, operator, from, until)
	r.guard2 = cardText(t, "G-2", staff.Guard, operator, from, until)
	r.super = cardText(t, "S-1", staff.Supervisor, operator, from, until)
	r.tech = cardText(t, "T-1", staff.Technician, operator, from, until)
	opts := Opts{Verifier: &colourByPrefix{}, Time: fixedTime{t0, true}, Sinks: []Sink{r.rec}, Now: r.now.Now,
		Door: DoorOpts{
			Cards:   &staff.Verifier{Keys: []ed25519.PublicKey{operator.Public().(ed25519.PublicKey)}, Revoked: revokedIDs{"G-9": true}},
			OpenFor: 15 * time.Minute,
			Provision: func(v *hken.Venue, code string) error {
				if !strings.HasPrefix(code, hken.Prefix) {
					return errors.New("not the poster's code")
				}
				if r.failSave {
					return errors.New("read-only file system")
				}
				r.venues = append(r.venues, v)
				return nil
			},
		}}
	if mod != nil {
		mod(&opts)
	}
	r.f, _ = start(t, opts)
	return r
}

// scan scans p scanStep after the last scan: past DoorRepeat, so that a
// staff card scanned again is a second action.
func (r *doorRig) scan(t *testing.T, p string) Result {
	t.Helper()
	r.now.Advance(scanStep)
	return scanT(t, r.f, p)
}

const scanStep = DoorRepeat + time.Second

func TestExemptEntry(t *testing.T) {
	r := newDoorRig(t, nil)
	res := r.scan(t, r.guard)
	if !res.Staff || res.Door == nil || res.Door.Kind != ExemptArmed || res.Verdict != nil || res.Refused || !strings.HasPrefix(res.Message, "guard card G-1: ") {
		t.Fatalf("guard card: got %+v", res)
	}
	if got := r.f.Door(); got.Armed != "exempt" || !got.Until.Equal(r.now.Now().Add(DefaultExemptWindow)) {
		t.Errorf("door state: got %+v", got)
	}
	r.scan(t, staff.Over65.Code()+"\r\n")
	if got, want := r.rec.take(), "exempt_armed:G-1 exempt_recorded:65plus:G-1"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	// One entry per card: a second category is refused.
	if res := r.scan(t, staff.Under12.Code()); !res.Refused || res.Verdict != nil || res.Door.Kind != ExemptRefused {
		t.Errorf("a second category: got %+v", res.Door)
	}
	// Each category, each with a card scan before it.
	for _, c := range staff.Categories() {
		r.scan(t, r.guard)
		r.scan(t, c.Code())
	}
	got := r.rec.take()
	if n := strings.Count(got, "exempt_recorded"); n != 4 {
		t.Errorf("recorded %d of 4: %s", n, got)
	}
	if strings.Contains(got, "scan:") {
		t.Errorf("a staff payload reached the scan sinks: %s", got)
	}
}

// TestSameCardAgain: guards and technicians scan their card twice (and a
// door scanner reads it twice): the same card again keeps its step armed,
// for a full window from then, and says so.
func TestSameCardAgain(t *testing.T) {
	r := newDoorRig(t, nil)
	r.scan(t, r.guard)
	r.now.Advance(DefaultExemptWindow - 2*scanStep)
	res := r.scan(t, r.guard) // the same card again, just before the window ends
	if res.Door == nil || res.Door.Kind != ExemptArmed || !res.Door.Again || !res.Door.Until.Equal(r.now.Now().Add(DefaultExemptWindow)) {
		t.Errorf("the guard card again: %+v", res.Door)
	}
	if d := r.f.Door(); d.Armed != "exempt" || !d.Until.Equal(r.now.Now().Add(DefaultExemptWindow)) {
		t.Errorf("door after the guard card again: %+v", d)
	}
	if !strings.Contains(staffDetail(res), "still waiting") {
		t.Errorf("reply to the card again: %q", staffDetail(res))
	}
	r.now.Advance(DefaultExemptWindow - 2*scanStep) // past the first window, within the second
	poke(t, r.f)
	r.scan(t, staff.Other.Code())
	if got, want := r.rec.take(), "exempt_armed:G-1 exempt_armed:G-1:again exempt_recorded:other:G-1"; got != want {
		t.Errorf("guard:\ngot  %q\nwant %q", got, want)
	}

	good, err := hken.Encode(&hken.Venue{Code: "0", ID: "WHBvLDSa", NameEn: "Central Market", NameZh: "中環街市", Type: "IMPORT"})
	if err != nil {
		t.Fatal(err)
	}
	r.scan(t, r.tech)
	r.scan(t, r.tech) // again before the poster: still armed
	if d := r.f.Door(); d.Armed != "setup" {
		t.Errorf("door after the technician card again: %+v", d)
	}
	r.scan(t, good)
	r.scan(t, good) // the poster again: still waiting for the card
	if d := r.f.Door(); d.Armed != "confirm" {
		t.Errorf("door after the poster again: %+v", d)
	}
	r.scan(t, r.tech) // confirms
	want := "setup_armed:T-1 setup_armed:T-1:again setup_pending:T-1 setup_pending:T-1:again setup_done:T-1"
	if got := r.rec.take(); got != want {
		t.Errorf("technician:\ngot  %q\nwant %q", got, want)
	}
	if len(r.venues) != 1 {
		t.Errorf("venues set: %d, want 1", len(r.venues))
	}
}

// TestOtherCardCancelsSaid: another staff card acting cancels what a card
// armed, and its event and reply say so.
func TestOtherCardCancelsSaid(t *testing.T) {
	r := newDoorRig(t, nil)
	good, _ := hken.Encode(&hken.Venue{Code: "0", ID: "WHBvLDSa", NameEn: "Central Market", NameZh: "中環街市", Type: "IMPORT"})
	r.scan(t, r.guard)
	res := r.scan(t, r.super)
	if res.Door == nil || res.Door.Cancelled != "exempt" || res.Door.CancelledCard != "G-1" || !strings.Contains(staffDetail(res), "cancelled: the exempt entry armed of card G-1") {
		t.Errorf("supervisor after a guard: %+v %q", res.Door, staffDetail(res))
	}
	r.scan(t, r.tech)
	r.scan(t, good)
	res = r.scan(t, r.guard)
	if !strings.Contains(staffDetail(res), "cancelled: the venue poster waiting for confirmation of card T-1") {
		t.Errorf("guard after a poster: %q", staffDetail(res))
	}
	r.scan(t, r.tech)
	r.scan(t, r.guard2) // not cancelled by a refused card, a pass or a category of the wrong role
	r.scan(t, "G-pass")
	r.scan(t, staff.Under12.Code())
	want := "exempt_armed:G-1 open_started:S-1:cancelled(exempt:G-1) setup_armed:T-1 setup_pending:T-1 exempt_armed:G-1:cancelled(confirm:T-1) " +
		"setup_armed:T-1:cancelled(exempt:G-1) exempt_armed:G-2:cancelled(setup:T-1) scan:green(open) exempt_recorded:under12:G-2"
	if got := r.rec.take(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if len(r.venues) != 0 {
		t.Errorf("venue set: %+v", r.venues)
	}
}

func TestExemptCancelAndTimeout(t *testing.T) {
	r := newDoorRig(t, nil)
	r.scan(t, r.guard)
	r.scan(t, r.guard2) // another guard takes over
	r.now.Advance(DefaultExemptWindow - time.Second)
	poke(t, r.f)
	if got, want := r.rec.take(), "exempt_armed:G-1 exempt_armed:G-2:cancelled(exempt:G-1)"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	r.now.Advance(time.Second)
	poke(t, r.f)
	r.scan(t, staff.Under12.Code())
	if got, want := r.rec.take(), "exempt_cancelled:timeout:G-2 exempt_refused:needs_guard"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := r.f.Door(); got.Armed != "" {
		t.Errorf("still armed after the window: %+v", got)
	}
}

func TestWrongRole(t *testing.T) {
	r := newDoorRig(t, nil)
	r.scan(t, r.tech)
	r.scan(t, staff.Under12.Code()) // a technician cannot record exempt entries
	r.scan(t, r.guard)              // a guard cannot set the venue up ...
	p, err := hken.Encode(&hken.Venue{Code: "0", ID: "WHBvLDSa", NameEn: "Central Market", NameZh: "中環街市", Type: "IMPORT"})
	if err != nil {
		t.Fatal(err)
	}
	r.scan(t, p) // ... the poster does nothing but say a technician's card comes first
	r.scan(t, r.super)
	r.scan(t, staff.Disability.Code()) // a supervisor opens the door, records nothing
	got := r.rec.take()
	want := "setup_armed:T-1 exempt_refused:needs_guard:T-1 exempt_armed:G-1:cancelled(setup:T-1) setup_refused:needs_technician open_started:S-1:cancelled(exempt:G-1) exempt_refused:needs_guard"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if len(r.venues) != 0 {
		t.Errorf("the venue was set without a technician's card: %+v", r.venues)
	}
	if r.f.Door().Open == nil {
		t.Error("the supervisor's card did not open entry")
	}
}

func TestRefusedCards(t *testing.T) {
	r := newDoorRig(t, nil)
	from, until := t0.AddDate(0, -1, 0), t0.AddDate(1, 0, 0)
	for _, tc := range []struct{ name, payload, why string }{
		{"forged", cardText(t, "S-1", staff.Supervisor, forger, from, until), WhyForged},
		{"expired", cardText(t, "S-1", staff.Supervisor, operator, t0.AddDate(-1, 0, 0), t0), WhyExpired},
		{"not yet valid", cardText(t, "S-1", staff.Supervisor, operator, t0.Add(time.Hour), until), WhyNotYetValid},
		{"revoked", cardText(t, "G-9", staff.Guard, operator, from, until), WhyRevoked},
		{"malformed", "VKSTAFF1:GUARD:X", WhyMalformed},
		{"tampered", strings.Replace(r.guard, "GUARD", "SUPERVISOR", 1), WhyForged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := r.scan(t, tc.payload)
			if res.Door == nil || res.Door.Kind != CardRefused || res.Door.Why != tc.why || !res.Refused || res.Verdict != nil {
				t.Fatalf("got %+v %+v", res.Door, res)
			}
			if d := r.f.Door(); d.Open != nil || d.Armed != "" {
				t.Errorf("a refused card changed the door: %+v", d)
			}
		})
	}
	if got := r.rec.take(); strings.Count(got, "card_refused") != 6 || strings.Contains(got, "scan:") {
		t.Errorf("events: %s", got)
	}
}

func TestOpenEntry(t *testing.T) {
	r := newDoorRig(t, nil)
	r.scan(t, "G-pass")
	r.scan(t, r.super)
	if d := r.f.Door(); d.Open == nil || d.Open.By != "S-1" || !d.Open.Until.Equal(r.now.Now().Add(15*time.Minute)) {
		t.Fatalf("door: %+v", d.Open)
	}
	for _, p := range []string{"G1", "A2", "R3", "VKGARBAGE"} {
		res := r.scan(t, p)
		if !res.Open || res.Staff {
			t.Errorf("%s during open entry: got %+v", p, res)
		}
	}
	r.scan(t, r.super) // another supervisor scan closes it
	r.scan(t, "R4")
	want := "scan:green open_started:S-1 scan:green(open) scan:amber(open) scan:red(open) scan:red(open) open_ended:staff:S-1 scan:red"
	if got := r.rec.take(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	// It ends by itself after OpenFor, on the flow's clock.
	r.scan(t, r.super)
	r.now.Advance(15*time.Minute - scanStep - time.Second)
	if res := r.scan(t, "R5"); !res.Open {
		t.Error("closed before its time")
	}
	r.now.Advance(time.Second)
	poke(t, r.f)
	if res := r.scan(t, "R6"); res.Open {
		t.Error("still open after 15 minutes")
	}
	want = "open_started:S-1 scan:red(open) open_ended:timeout:S-1 scan:red"
	if got := r.rec.take(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	r.rec.mu.Lock()
	last := r.rec.door[len(r.rec.door)-1]
	r.rec.mu.Unlock()
	if last.Kind != OpenEnded || !last.Since.Equal(t0.Add(9*scanStep)) || last.Role != staff.Supervisor {
		t.Errorf("end event: %+v", last)
	}
}

func TestDoorButtons(t *testing.T) {
	r := newDoorRig(t, nil)
	if !r.f.OpenButton() {
		t.Fatal("OpenButton refused")
	}
	poke(t, r.f)
	if d := r.f.Door(); d.Open == nil || d.Open.By != buttonActor {
		t.Fatalf("after the button: %+v", d.Open)
	}
	r.f.OpenButton()
	r.f.ExemptButton(staff.Under12) // no guard card: refused
	poke(t, r.f)
	r.scan(t, r.guard)
	r.f.ExemptButton(staff.Disability)
	poke(t, r.f)
	want := "open_started:button open_ended:staff:button exempt_refused:needs_guard exempt_armed:G-1 exempt_recorded:disability:G-1"
	if got := r.rec.take(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestSetupFromPoster(t *testing.T) {
	r := newDoorRig(t, nil)
	good, err := hken.Encode(&hken.Venue{Code: "0", ID: "WHBvLDSa", NameEn: "Central Market", NameZh: "中環街市", Type: "IMPORT"})
	if err != nil {
		t.Fatal(err)
	}
	// The same poster with another venue's hash: a copied or made-up code.
	v, _ := hken.Decode(good)
	v.ID = "XXXXXXXX"
	wrong, _ := hken.Encode(v)
	wrong = strings.Replace(wrong, "XXXXXXXX", "WHBvLDSa", 1)
	// One poster per arming: a refused one disarms (the next says a
	// technician's card comes first; it is no pass).
	r.scan(t, r.tech)
	r.scan(t, wrong)
	r.scan(t, "HKEN:garbage")
	r.scan(t, r.tech)
	r.scan(t, "HKEN:garbage")
	want := "setup_armed:T-1 setup_refused:bad_poster:T-1 setup_refused:needs_technician setup_armed:T-1 setup_refused:bad_poster:T-1"
	if got := r.rec.take(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	// A good poster is shown, waiting for the same card again.
	r.scan(t, r.tech)
	res := r.scan(t, good)
	if res.Door.Kind != SetupPending || res.Door.VenueID != "WHBvLDSa" || res.Door.Venue != "Central Market" || len(r.venues) != 0 {
		t.Fatalf("poster: %+v, set %v", res.Door, r.venues)
	}
	if d := r.f.Door(); d.Armed != "confirm" || d.Pending != "WHBvLDSa Central Market" {
		t.Errorf("door state: %+v", d)
	}
	r.failSave = true
	r.scan(t, r.tech)
	r.failSave = false
	r.scan(t, r.tech)
	r.scan(t, good)
	res = r.scan(t, r.tech)
	want = "setup_armed:T-1 setup_pending:T-1 setup_refused:save_failed:T-1 setup_armed:T-1 setup_pending:T-1 setup_done:T-1"
	if got := r.rec.take(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if res.Door.VenueID != "WHBvLDSa" || res.Door.Venue != "Central Market" || len(r.venues) != 1 || r.venues[0].NameZh != "中環街市" {
		t.Errorf("set %+v, %+v", res.Door, r.venues)
	}
	// Disarmed: the poster does nothing again.
	r.scan(t, good)
	// Another poster while one waits: refused, nothing set.
	other, err := hken.Encode(&hken.Venue{Code: "0", ID: "AAAAAAAA", NameEn: "Other Market", Type: "IMPORT"})
	if err != nil {
		t.Fatal(err)
	}
	r.scan(t, r.tech)
	r.scan(t, good)
	r.scan(t, other)
	// Ended by time (with or without a poster), the card again or not.
	r.scan(t, r.tech)
	r.scan(t, r.tech)
	r.now.Advance(defaultSetupWindow)
	poke(t, r.f)
	r.scan(t, r.tech)
	r.scan(t, good)
	r.now.Advance(defaultSetupWindow)
	poke(t, r.f)
	want = "setup_refused:needs_technician setup_armed:T-1 setup_pending:T-1 setup_refused:one_poster:T-1 setup_armed:T-1 setup_armed:T-1:again setup_cancelled:timeout:T-1 setup_armed:T-1 setup_pending:T-1 setup_cancelled:timeout:T-1"
	if got := r.rec.take(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if len(r.venues) != 1 {
		t.Errorf("venues set: %d, want 1", len(r.venues))
	}
}

// TestSetupOnlyFromScanner: a poster through the web API is refused even
// in simulation, and disarms setup; another technician's card does not
// confirm a poster.
func TestSetupOnlyFromScanner(t *testing.T) {
	r := newDoorRig(t, func(o *Opts) { o.Door.WebDoor = true })
	good, _ := hken.Encode(&hken.Venue{Code: "0", ID: "WHBvLDSa", NameEn: "Central Market", NameZh: "中環街市", Type: "IMPORT"})
	other := cardText(t, "T-2", staff.Technician, operator, t0.AddDate(0, -1, 0), t0.AddDate(0, 1, 0))
	r.scan(t, r.tech)
	if res := webScan(t, r, good); res.Door == nil || res.Door.Kind != SetupRefused || res.Door.Why != WhyNotScanner {
		t.Errorf("poster through the web: %+v", res.Door)
	}
	r.scan(t, r.tech)
	r.scan(t, good)
	if res := r.scan(t, other); res.Door.Kind != SetupArmed || len(r.venues) != 0 {
		t.Errorf("another technician's card after the poster: %+v, set %v", res.Door, r.venues)
	}
}

// TestSetupAllowList: with the provisioning's allow-list, a poster of
// another venue is refused.
func TestSetupAllowList(t *testing.T) {
	r := newDoorRig(t, func(o *Opts) { o.Door.SetupVenues = []string{"AAAAAAAA"} })
	good, _ := hken.Encode(&hken.Venue{Code: "0", ID: "WHBvLDSa", NameEn: "Central Market", NameZh: "中環街市", Type: "IMPORT"})
	r.scan(t, r.tech)
	if res := r.scan(t, good); res.Door.Kind != SetupRefused || res.Door.Why != WhyNotAllowed || res.Door.VenueID != "WHBvLDSa" {
		t.Errorf("poster of a venue not allowed: %+v", res.Door)
	}
	if d := r.f.Door(); d.Armed != "" {
		t.Errorf("still armed: %+v", d)
	}
}

func TestTechnicianWithoutSetup(t *testing.T) {
	r := newDoorRig(t, func(o *Opts) { o.Door.Provision = nil })
	if res := r.scan(t, r.tech); res.Door.Kind != CardRefused || res.Door.Why != WhyNoAction {
		t.Errorf("technician card with setup off: %+v", res.Door)
	}
}

// TestDoorRepeats: a card read twice within DoorRepeat is one action,
// whatever the passes' repeat window; a guard's card read again later
// (the next exempt entry) is not a repeat.
func TestDoorRepeats(t *testing.T) {
	for _, window := range []time.Duration{0, 10 * time.Second} {
		r := newDoorRig(t, func(o *Opts) { o.RepeatWindow = window })
		r.scan(t, r.super)
		r.now.Advance(DoorRepeat - scanStep) // back within DoorRepeat of the first read
		r.scan(t, r.super)                   // the scanner read the card twice: ignored
		if r.f.Door().Open == nil {
			t.Fatal("a double read closed entry again")
		}
		r.scan(t, r.super)
		if r.f.Door().Open != nil {
			t.Error("a second scan after DoorRepeat did not close it")
		}
		for range 3 {
			r.scan(t, r.guard)
			r.scan(t, staff.Under12.Code())
		}
		want := "open_started:S-1 open_ended:staff:S-1" + strings.Repeat(" exempt_armed:G-1 exempt_recorded:under12:G-1", 3)
		if got := r.rec.take(); got != want {
			t.Errorf("window %v:\ngot  %q\nwant %q", window, got, want)
		}
	}
}

func TestResumeOpen(t *testing.T) {
	for _, tc := range []struct {
		name  string
		until time.Time
		open  bool
	}{{"still open", t0.Add(5 * time.Minute), true}, {"ended meanwhile", t0.Add(-time.Second), false}} {
		t.Run(tc.name, func(t *testing.T) {
			r := newDoorRig(t, func(o *Opts) {
				o.Door.Resume = &OpenState{Since: t0.Add(-10 * time.Minute), Until: tc.until, By: "S-1"}
			})
			poke(t, r.f)
			if got := r.f.Door().Open != nil; got != tc.open {
				t.Errorf("open: got %v, want %v", got, tc.open)
			}
			if res := r.scan(t, "R1"); res.Open != tc.open {
				t.Errorf("scan open: got %v", res.Open)
			}
		})
	}
}

func TestNoCardsNoDoor(t *testing.T) {
	r := newDoorRig(t, func(o *Opts) { o.Door = DoorOpts{} })
	for _, p := range []string{r.super, staff.Under12.Code()} {
		if res := r.scan(t, p); res.Staff || res.Verdict.Status != verify.Red {
			t.Errorf("%.20s with no card verifier: got %+v", p, res)
		}
	}
	if got, want := r.rec.take(), "scan:red scan:red"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestDoorOptsBounds(t *testing.T) {
	for _, o := range []DoorOpts{{OpenFor: 30 * time.Second}, {OpenFor: 13 * time.Hour}, {ExemptWindow: time.Second}, {setupWindow: time.Hour}} {
		if err := o.check(); err == nil {
			t.Errorf("%+v: want an error", o)
		}
	}
	o := DoorOpts{}
	if err := o.check(); err != nil || o.OpenFor != defaultOpenFor || o.ExemptWindow != DefaultExemptWindow {
		t.Errorf("defaults: %+v, %v", o, err)
	}
}

// TestStaffResultsNoVerdict: a staff card, a category code, the group
// code and a venue poster — in setup or not — are no passes: their result
// has no verdict, a message instead, and no scan sink (the counters) sees
// them. A poster outside setup says a technician's card comes first, and
// leaves a guard's exempt entry armed.
func TestStaffResultsNoVerdict(t *testing.T) {
	r := newDoorRig(t, func(o *Opts) { o.Group.Code = "VKGROUP:STAFF" })
	poster, err := hken.Encode(&hken.Venue{Code: "0", ID: "WHBvLDSa", NameEn: "Central Market", NameZh: "中環街市", Type: "IMPORT"})
	if err != nil {
		t.Fatal(err)
	}
	forged := cardText(t, "S-1", staff.Supervisor, forger, t0.AddDate(0, -1, 0), t0.AddDate(1, 0, 0))
	for _, tc := range []struct {
		name, payload string
		refused       bool
		message       string
	}{
		{"poster alone", poster, true, "venue poster: scan a technician card first"},
		{"guard card", r.guard, false, "guard card G-1: "},
		{"poster after a guard card", poster, true, "venue poster: scan a technician card first"},
		{"category", staff.Other.Code(), false, "exempt entry recorded: other"},
		{"category alone", staff.Other.Code(), true, "category refused"},
		{"forged card", forged, true, "staff card refused (forged)"},
		{"group code", "VKGROUP:STAFF", false, "group started"},
		{"group code again", "VKGROUP:STAFF", false, "group ended"},
		{"technician card", r.tech, false, "technician card T-1: "},
		{"poster in setup", poster, false, "poster of venue WHBvLDSa"},
		{"bad poster in setup", "HKEN:garbage", true, "poster refused (one_poster)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := r.scan(t, tc.payload)
			if !res.Staff || res.Verdict != nil || res.Refused != tc.refused || !strings.HasPrefix(res.Message, tc.message) {
				t.Errorf("got staff %v, verdict %v, refused %v, message %q; want staff, no verdict, refused %v, %q…",
					res.Staff, res.Verdict, res.Refused, res.Message, tc.refused, tc.message)
			}
		})
	}
	got := r.rec.take()
	if strings.Contains(got, "scan:") {
		t.Errorf("a staff payload reached the scan sinks: %s", got)
	}
	if !strings.Contains(got, "setup_refused:needs_technician exempt_armed:G-1 setup_refused:needs_technician exempt_recorded:other:G-1") {
		t.Errorf("a poster after a guard's card disarmed it: %s", got)
	}
}
