package scan

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/hken"
	"github.com/venuekiosk/venuekiosk/firmware/staff"
)

// The door: what staff do at the kiosk with their cards.
//
//   - A guard's card arms an exempt entry for ExemptWindow; the next
//     category code (VKEXEMPT:…) or category button records it, counted
//     per category, and disarms. The same guard card again keeps it
//     armed, for a full window from then (a door scanner reads a card
//     twice, and guards scan twice to be sure).
//   - A supervisor's card opens entry: no checks for OpenFor (scans are
//     still read and shown, never as a refusal); another supervisor card
//     closes it. A long press on the open button does the same, by
//     "button".
//   - A technician's card arms setup for setupWindow; the venue's
//     LeaveHomeSafe poster (HKEN:…), read by the scanner, is shown, and the
//     same card again sets the venue identity. The same card again before
//     a poster, or the same poster again, keeps setup armed for a full
//     window. One poster per arming: a refused one, or another poster,
//     disarms.
//
// Short of its next step, what one card armed ends only when its window
// passes (Why timeout) or when another staff card acts; the event of that card says what it
// cancelled (DoorEvent.Cancelled), so that the panel, the page and the
// reply to the scan say so. Nothing is cancelled without a word.
//
// A forged, expired, not-yet-valid or revoked card, or one whose
// revocation cannot be looked up, does nothing but say so. A category
// code with no guard card before it, or after another role's card, is
// refused and counted nowhere. The flow tells passes from staff codes by
// prefix (staff.Prefix, staff.CategoryPrefix, hken.Prefix): a staff
// payload never reaches the verifier, the annotators or the scan sinks;
// sinks that implement DoorSink hear of it.
//
// All of it is state owned by the flow's goroutine, timed by Opts.Now.

// Door defaults and bounds.
const (
	DefaultExemptWindow = 30 * time.Second
	defaultSetupWindow  = 2 * time.Minute
	defaultOpenFor      = 15 * time.Minute
	minOpenFor          = time.Minute
	maxOpenFor          = 12 * time.Hour
	// buttonActor names the open button in the log, where a card id
	// would be.
	buttonActor = "button"
	// defaultOpenLimit openings or closings of entry by one card within
	// defaultOpenLimitWindow: a supervisor's day, not a photographed card
	// re-opening entry every quarter of an hour.
	defaultOpenLimit       = 8
	defaultOpenLimitWindow = 24 * time.Hour
)

// CardVerifier checks staff cards; *staff.Verifier implements it.
type CardVerifier interface {
	Verify(payload string, at time.Time) (*staff.Card, error)
}

// ListAger is a CardVerifier that knows whether its revocation list is
// out of date (staff.Verifier.StaleList): then supervisors' and
// technicians' cards are refused, and guards' work with a warning.
type ListAger interface {
	StaleList(at time.Time) bool
}

// DoorOpts configures the door.
type DoorOpts struct {
	// Cards checks staff cards; nil: staff cards and category codes are
	// judged as passes (and refused).
	Cards CardVerifier
	// ExemptWindow is how long a guard's card waits for a category; 0:
	// DefaultExemptWindow.
	ExemptWindow time.Duration
	// OpenFor is how long entry stays open; 0: defaultOpenFor.
	OpenFor time.Duration
	// setupWindow is how long a technician's card waits for the poster;
	// 0: defaultSetupWindow.
	setupWindow time.Duration
	// Provision writes the venue identity of a scanned poster, given
	// decoded and as scanned (on the flow's goroutine: it must be quick),
	// once the technician confirmed it with their card again; nil:
	// technician cards do nothing.
	Provision func(v *hken.Venue, code string) error
	// SetupVenues, when set, are the only venue ids a poster may set (the
	// signed provisioning file's allow-list).
	SetupVenues []string
	// Resume, when set, is entry left open by a previous run, resumed at
	// start if it has not yet ended.
	Resume *OpenState
	// WebDoor honours door payloads — staff cards, category codes, a
	// poster in setup, the group code — that come through the web API
	// (Source Web), labelled as such: the simulator's page. Off (a real
	// kiosk), only the scanner carries them: a photo of a card posted to
	// the API, or a page of another site, does nothing.
	WebDoor bool
	// openLimit is how many times one card may open or close entry within
	// openLimitWindow; beyond, the card is refused until the oldest falls
	// out of the window (the open button is not limited). 0:
	// defaultOpenLimit, defaultOpenLimitWindow.
	openLimit       int
	openLimitWindow time.Duration
}

func (o *DoorOpts) check() error {
	if o.ExemptWindow == 0 {
		o.ExemptWindow = DefaultExemptWindow
	}
	if o.setupWindow == 0 {
		o.setupWindow = defaultSetupWindow
	}
	if o.OpenFor == 0 {
		o.OpenFor = defaultOpenFor
	}
	if o.openLimit == 0 {
		o.openLimit = defaultOpenLimit
	}
	if o.openLimitWindow == 0 {
		o.openLimitWindow = defaultOpenLimitWindow
	}
	if o.ExemptWindow < 5*time.Second || o.ExemptWindow > 10*time.Minute {
		return fmt.Errorf("scan: exempt window %v: want 5s to 10m", o.ExemptWindow)
	}
	if o.setupWindow < 10*time.Second || o.setupWindow > 30*time.Minute {
		return fmt.Errorf("scan: setup window %v: want 10s to 30m", o.setupWindow)
	}
	if o.OpenFor < minOpenFor || o.OpenFor > maxOpenFor {
		return fmt.Errorf("scan: open for %v: want %v to %v", o.OpenFor, minOpenFor, maxOpenFor)
	}
	return nil
}

// DoorKind says what happened at the door.
type DoorKind string

// Door events.
const (
	CardRefused     DoorKind = "card_refused"     // Why says why; nothing else happened
	ExemptArmed     DoorKind = "exempt_armed"     // a guard's card: a category next
	ExemptCancelled DoorKind = "exempt_cancelled" // the window passed (Why "timeout"); another card's event says Cancelled
	ExemptRecorded  DoorKind = "exempt_recorded"  // Category counted
	ExemptRefused   DoorKind = "exempt_refused"   // a category without a guard's card (Why)
	OpenStarted     DoorKind = "open_started"     // entry open until Until
	OpenEnded       DoorKind = "open_ended"       // Why "staff" or "timeout"
	SetupArmed      DoorKind = "setup_armed"      // a technician's card: the poster next
	SetupPending    DoorKind = "setup_pending"    // the poster read: VenueID, Venue shown; the same card again confirms
	SetupDone       DoorKind = "setup_done"       // Venue set
	SetupRefused    DoorKind = "setup_refused"    // the poster was not usable (Why); setup is disarmed. Why "needs_technician": a poster outside setup
	SetupCancelled  DoorKind = "setup_cancelled"  // the window passed (Why "timeout"); another card's event says Cancelled
)

// Reasons (DoorEvent.Why).
const (
	WhyForged          = "forged"           // the signature does not verify
	WhyMalformed       = "malformed"        // not a well-formed card
	WhyExpired         = "expired"          // past its validity
	WhyNotYetValid     = "not_yet_valid"    // before its validity
	WhyRevoked         = "revoked"          // on the synced revocations
	WhyNoKey           = "no_key"           // the kiosk has no operator key
	WhyLookup          = "lookup"           // the revocations could not be read
	WhyNoAction        = "no_action"        // a valid card with nothing to do here
	WhyNeedsGuard      = "needs_guard"      // a category needs a guard's card first
	WhyNeedsTechnician = "needs_technician" // a venue poster outside setup: a technician's card first
	WhyBadPoster       = "bad_poster"       // not a LeaveHomeSafe venue code, or its hash is wrong
	WhySaveFailed      = "save_failed"      // the venue could not be written
	WhyStaff           = "staff"            // ended by staff
	WhyTimeout         = "timeout"          // ended by itself
	WhyTooLong         = "too_long"         // valid for longer than the policy allows its role
	WhyElsewhere       = "elsewhere"        // bound to other venues or kiosks
	WhyRateLimited     = "rate_limited"     // the card opened or closed entry too often
	WhyNotScanner      = "not_scanner"      // not from the kiosk's scanner (the web API)
	WhyNotAllowed      = "not_allowed"      // a poster of a venue the provisioning does not allow
	WhyStaleList       = "stale_list"       // the staff-card revocation list is out of date: no supervisor or technician action
	WhyOnePoster       = "one_poster"       // a second poster in one setup
)

// DoorEvent is one thing that happened at the door. Nothing in it is
// about a visitor: a staff card's id and role, a category, times.
type DoorEvent struct {
	Kind     DoorKind       `json:"kind"`
	At       time.Time      `json:"at"`                 // Opts.Now
	Card     string         `json:"card,omitempty"`     // the staff card's id, or buttonActor
	Role     staff.Role     `json:"role,omitempty"`     // the card's role
	Why      string         `json:"why,omitempty"`      // refusals and ends
	Category staff.Category `json:"category,omitempty"` // ExemptRecorded
	Since    time.Time      `json:"since,omitzero"`     // OpenEnded: when it opened
	Until    time.Time      `json:"until,omitzero"`     // armed or open: when it ends by itself
	VenueID  string         `json:"venue_id,omitempty"` // SetupPending, SetupDone
	Venue    string         `json:"venue,omitempty"`    // SetupPending, SetupDone: the venue's name
	// Source is where the payload came from: Serial, or Web in simulation
	// (DoorOpts.WebDoor); "" for buttons and timeouts.
	Source Source `json:"source,omitempty"`
	// StaleList warns that a guard's card was taken while the staff-card
	// revocation list is out of date.
	StaleList bool `json:"stale_list,omitempty"`
	// Again says the same card (or, in setup, the same poster) was
	// scanned again while its step waited: it stays armed, Until from
	// now.
	Again bool `json:"again,omitempty"`
	// Cancelled is the step another card had armed that this event
	// cancelled — "exempt", "setup" or "confirm", as DoorState.Armed
	// says — and CancelledCard that card's id; "" when none was.
	Cancelled     string `json:"cancelled,omitempty"`
	CancelledCard string `json:"cancelled_card,omitempty"`
}

// DoorSink is implemented by sinks that show the door: DoorChanged is
// called, in sink order on the flow's goroutine, for every event.
type DoorSink interface {
	DoorChanged(e DoorEvent)
}

// OpenState is entry opened without checks.
type OpenState struct {
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
	By    string    `json:"by"` // a supervisor's card id, or buttonActor
}

// DoorState is the door as of now: whether entry is open and what staff
// armed, for status pages.
type DoorState struct {
	Open  *OpenState `json:"open,omitempty"`
	Armed string     `json:"armed,omitempty"` // "exempt", "setup", or "confirm" (a poster read) while a card waits
	Until time.Time  `json:"armed_until,omitzero"`
	// Pending is the venue a poster would set, until the technician's
	// card confirms it: "ID name".
	Pending string `json:"pending_venue,omitempty"`
}

// armed is a card waiting for its next step.
type armed struct {
	role  staff.Role
	card  string
	until time.Time
	// A technician's: the poster read, waiting for the same card again.
	venue *hken.Venue
	code  string
}

// step names what a waits for, as DoorState.Armed does.
func (a *armed) step() string {
	switch {
	case a.role != staff.Technician:
		return "exempt"
	case a.venue != nil:
		return "confirm"
	}
	return "setup"
}

// disarm drops what a card armed, for another card acting now, and says
// so in e.
func (f *Flow) disarm(e *DoorEvent) {
	if a := f.door.armed; a != nil {
		f.door.armed = nil
		e.Cancelled, e.CancelledCard = a.step(), a.card
	}
}

// door is the flow's door state, owned by Run's goroutine.
type door struct {
	armed   *armed
	open    *OpenState
	state   atomic.Pointer[DoorState] // a copy for other goroutines
	recent  map[[32]byte]time.Time    // staff payloads read within DoorRepeat
	toggles map[string][]time.Time    // by card id: its openings and closings within openLimitWindow
}

// maxToggleCards bounds the cards whose openings are remembered.
const maxToggleCards = 256

// mayToggle reports whether card may open or close entry now, and counts
// it when it may.
func (f *Flow) mayToggle(card string, now time.Time) bool {
	if f.door.toggles == nil {
		f.door.toggles = map[string][]time.Time{}
	}
	w := f.opts.Door.openLimitWindow
	for id, ts := range f.door.toggles {
		i := 0
		for i < len(ts) && now.Sub(ts[i]) >= w {
			i++
		}
		if ts = ts[i:]; len(ts) == 0 {
			delete(f.door.toggles, id)
		} else {
			f.door.toggles[id] = ts
		}
	}
	ts := f.door.toggles[card]
	if len(ts) >= f.opts.Door.openLimit {
		return false
	}
	if ts == nil && len(f.door.toggles) >= maxToggleCards {
		return false // hundreds of supervisor cards in a day: something is wrong
	}
	f.door.toggles[card] = append(ts, now)
	return true
}

// DoorRepeat is how long the same staff card or code read again is taken
// for the scanner reading it twice (a card held in front of it), not a
// second action. It is shorter than the passes' repeat window, which
// never applies to staff codes: a guard scans their card again for each
// exempt entry, and staff scan the group code again to end a group.
const DoorRepeat = 2 * time.Second

// doorRepeat reports whether payload was read within DoorRepeat, and
// remembers it.
func (f *Flow) doorRepeat(payload string, now time.Time) bool {
	if f.door.recent == nil {
		f.door.recent = map[[32]byte]time.Time{}
	}
	for k, t := range f.door.recent {
		if now.Sub(t) > DoorRepeat {
			delete(f.door.recent, k)
		}
	}
	h := sha256.Sum256([]byte(trimPayload(payload)))
	_, seen := f.door.recent[h]
	if seen || len(f.door.recent) < maxRecent {
		f.door.recent[h] = now
	}
	return seen
}

// Door returns the door's state (safe from any goroutine).
func (f *Flow) Door() DoorState {
	if s := f.door.state.Load(); s != nil {
		return *s
	}
	return DoorState{}
}

func (f *Flow) publishDoor() {
	s := &DoorState{}
	if f.door.open != nil {
		o := *f.door.open
		s.Open = &o
	}
	if a := f.door.armed; a != nil {
		s.Armed, s.Until = a.step(), a.until
		if a.venue != nil {
			s.Pending = a.venue.ID + " " + venueName(a.venue)
		}
	}
	f.door.state.Store(s)
}

// resumeDoor resumes entry left open by a previous run.
func (f *Flow) resumeDoor(now time.Time) {
	if r := f.opts.Door.Resume; r != nil && now.Before(r.Until) {
		o := *r
		f.door.open = &o
		f.opts.Logger.Info("door: entry still open from before the restart", "by", o.By, "until", o.Until.Format(time.RFC3339))
	}
	f.publishDoor()
}

// isDoorPayload reports whether payload is for the door rather than the
// verifier: a staff card, a category code, a venue poster (in setup or
// not: a poster is never a pass).
func (f *Flow) isDoorPayload(p string) bool {
	if f.opts.Door.Cards == nil {
		return false
	}
	p = trimPayload(p)
	return staff.IsCard(p) || staff.IsCategoryCode(p) || strings.HasPrefix(p, hken.Prefix)
}

// OpenButton opens entry, or closes it, as a supervisor's card does (a
// long press on the open button). It never blocks; it reports false when
// the flow is not taking work.
func (f *Flow) OpenButton() bool { return f.submitJob(job{button: &doorButton{open: true}}) }

// ExemptButton picks category c for an armed exempt entry, as its printed
// code does (a category button).
func (f *Flow) ExemptButton(c staff.Category) bool {
	return f.submitJob(job{button: &doorButton{category: c}})
}

// doorButton is a button press for the door.
type doorButton struct {
	open     bool
	category staff.Category
}

func (f *Flow) submitJob(j job) bool {
	select {
	case <-f.done:
		return false
	default:
	}
	select {
	case f.queue <- j:
		return true
	default:
		return false
	}
}

// pressed handles a door button.
func (f *Flow) pressed(b *doorButton, now time.Time) {
	switch {
	case b.open:
		f.toggleOpen(buttonActor, now)
	default:
		f.doorEvent(f.category(b.category, now))
	}
}

// fromScanner reports whether a door payload in s may act: it came from
// the scanner, or from the web API in simulation (DoorOpts.WebDoor).
func (f *Flow) fromScanner(s Scan) bool {
	return s.Source == Serial || f.opts.Door.WebDoor
}

// notFromScanner refuses a door payload (a staff card, a category code, a
// poster, the group code) that came through the web API on a real kiosk:
// it does nothing but say so.
func (f *Flow) notFromScanner(s Scan, now time.Time) Result {
	at, trusted := f.opts.Time.Judge()
	r := Result{Seq: atomic64Add(&f.seq), Source: s.Source, At: at, Trusted: trusted, Staff: true, Refused: true}
	e := DoorEvent{Kind: CardRefused, At: now, Why: WhyNotScanner, Source: s.Source}
	f.doorEvent(e)
	r.Message = describe(e)
	r.Door = &e
	return r
}

// doorScan handles a staff payload and returns its result.
func (f *Flow) doorScan(s Scan, now time.Time, repeat bool) (r Result) {
	at, trusted := f.opts.Time.Judge()
	r = Result{Seq: atomic64Add(&f.seq), Source: s.Source, At: at, Trusted: trusted, Repeat: repeat, Staff: true}
	p := trimPayload(s.Payload)
	var e DoorEvent
	defer func() {
		if s.Source != Serial {
			r.Message = "simulation, through the web API: " + r.Message
		}
	}()
	switch {
	case repeat:
		// The scanner read the card or code twice: one action.
		r.Message = "read twice by the scanner: one action"
		return r
	case staff.IsCategoryCode(p):
		c, err := staff.ParseCategoryCode(p)
		if err != nil {
			e = DoorEvent{Kind: ExemptRefused, At: now, Why: WhyMalformed}
		} else {
			e = f.category(c, now)
		}
	case strings.HasPrefix(p, hken.Prefix):
		if a := f.door.armed; a == nil || a.role != staff.Technician {
			// A venue poster is no pass: outside setup it does nothing
			// (and leaves a guard's exempt entry armed), and says what
			// would.
			e = DoorEvent{Kind: SetupRefused, At: now, Why: WhyNeedsTechnician}
			break
		}
		e = f.poster(p, s.Source, now)
	default:
		// The card's validity is judged on the trusted clock's time, which
		// never goes back below the time floor: an expired card stays
		// expired whatever the kiosk's clock says.
		card, err := f.opts.Door.Cards.Verify(p, at)
		if err != nil {
			e = DoorEvent{Kind: CardRefused, At: now, Why: refusal(err)}
			if card != nil {
				e.Card, e.Role = card.ID, card.Role
			}
			break
		}
		// A list that is out of date cannot tell a revoked card: no opening
		// of entry or change of venue on it; a guard's count goes on, said.
		stale := false
		if la, ok := f.opts.Door.Cards.(ListAger); ok && la.StaleList(at) {
			if card.Role != staff.Guard {
				e = DoorEvent{Kind: CardRefused, At: now, Card: card.ID, Role: card.Role, Why: WhyStaleList}
				break
			}
			stale = true
		}
		e = f.card(card, now)
		e.StaleList = stale
	}
	e.Source = s.Source
	f.doorEvent(e)
	switch e.Kind {
	case CardRefused, ExemptRefused, SetupRefused:
		r.Refused = true
	}
	r.Message = describe(e)
	r.Door = &e
	return r
}

// refusal maps a card error to a reason.
func refusal(err error) string {
	switch {
	case errors.Is(err, staff.ErrSignature):
		return WhyForged
	case errors.Is(err, staff.ErrExpired):
		return WhyExpired
	case errors.Is(err, staff.ErrNotYetValid):
		return WhyNotYetValid
	case errors.Is(err, staff.ErrRevoked):
		return WhyRevoked
	case errors.Is(err, staff.ErrNoKey):
		return WhyNoKey
	case errors.Is(err, staff.ErrLookup):
		return WhyLookup
	case errors.Is(err, staff.ErrTooLong):
		return WhyTooLong
	case errors.Is(err, staff.ErrElsewhere):
		return WhyElsewhere
	}
	return WhyMalformed
}

// describe says what e did, for the reply to a scan request and the log:
// a step kept armed by the same card again, and one of another card's
// that e cancelled, are said.
func describe(e DoorEvent) string {
	s := describeKind(e)
	if e.Again {
		s = "scanned again, still waiting: " + s
	}
	if e.Cancelled != "" {
		s += "; cancelled: " + stepWords(e.Cancelled) + " of card " + e.CancelledCard
	}
	return s
}

// stepWords names an armed step (DoorState.Armed) in words.
func stepWords(step string) string {
	switch step {
	case "exempt":
		return "the exempt entry armed"
	case "setup":
		return "the setup armed"
	case "confirm":
		return "the venue poster waiting for confirmation"
	}
	return step
}

func describeKind(e DoorEvent) string {
	switch e.Kind {
	case CardRefused:
		switch e.Why {
		case WhyNotScanner:
			return "staff codes work only from the kiosk's scanner: refused from " + string(e.Source) + ", nothing done"
		case WhyStaleList:
			return "staff card refused: the staff card revocation list is out of date (sync the kiosk); nothing done"
		}
		return "staff card refused (" + e.Why + "): nothing done"
	case ExemptArmed:
		if e.StaleList {
			return "guard card " + e.Card + ": scan a category code or press a category button (warning: the staff card revocation list is out of date)"
		}
		return "guard card " + e.Card + ": scan a category code or press a category button"
	case ExemptCancelled:
		return "exempt entry cancelled (" + e.Why + ")"
	case ExemptRecorded:
		return "exempt entry recorded: " + string(e.Category)
	case ExemptRefused:
		return "category refused (" + e.Why + "): scan a guard's card first; nothing counted"
	case OpenStarted:
		return "entry open, no checks, until " + e.Until.UTC().Format(time.RFC3339) + " (by " + e.Card + ")"
	case OpenEnded:
		return "entry checks resumed (" + e.Why + ", by " + e.Card + ")"
	case SetupArmed:
		return "technician card " + e.Card + ": scan the venue's LeaveHomeSafe poster"
	case SetupPending:
		return "poster of venue " + e.VenueID + " (" + e.Venue + "): scan technician card " + e.Card + " again to set it"
	case SetupDone:
		return "venue set to " + e.VenueID + ": restart the kiosk to apply"
	case SetupRefused:
		if e.Why == WhyNeedsTechnician {
			return "venue poster: scan a technician card first; nothing changed"
		}
		return "poster refused (" + e.Why + "): nothing changed"
	case SetupCancelled:
		return "setup ended (" + e.Why + ")"
	}
	return string(e.Kind)
}

// card acts on a valid card.
func (f *Flow) card(c *staff.Card, now time.Time) DoorEvent {
	e := DoorEvent{At: now, Card: c.ID, Role: c.Role}
	a := f.door.armed
	switch c.Role {
	case staff.Supervisor:
		if !f.mayToggle(c.ID, now) {
			e.Kind, e.Why = CardRefused, WhyRateLimited
			return e
		}
		var cancelled DoorEvent
		f.disarm(&cancelled)
		e = f.openEvent(c.ID, now)
		e.Cancelled, e.CancelledCard = cancelled.Cancelled, cancelled.CancelledCard
		return e
	case staff.Guard:
		if a != nil && a.role == staff.Guard && a.card == c.ID {
			// The same card again: still armed, for a full window.
			a.until = now.Add(f.opts.Door.ExemptWindow)
			e.Kind, e.Until, e.Again = ExemptArmed, a.until, true
			return e
		}
		f.disarm(&e)
		f.door.armed = &armed{role: c.Role, card: c.ID, until: now.Add(f.opts.Door.ExemptWindow)}
		e.Kind, e.Until = ExemptArmed, f.door.armed.until
	case staff.Technician:
		if f.opts.Door.Provision == nil {
			e.Kind, e.Why = CardRefused, WhyNoAction
			return e
		}
		if a != nil && a.role == staff.Technician && a.card == c.ID {
			if a.venue != nil {
				f.door.armed = nil
				return f.setVenue(a, now)
			}
			// The same card again before a poster: still armed.
			a.until = now.Add(f.opts.Door.setupWindow)
			e.Kind, e.Until, e.Again = SetupArmed, a.until, true
			return e
		}
		f.disarm(&e)
		f.door.armed = &armed{role: c.Role, card: c.ID, until: now.Add(f.opts.Door.setupWindow)}
		e.Kind, e.Until = SetupArmed, f.door.armed.until
	default:
		e.Kind, e.Why = CardRefused, WhyNoAction
	}
	return e
}

// category records an exempt entry when a guard's card armed one.
func (f *Flow) category(c staff.Category, now time.Time) DoorEvent {
	a := f.door.armed
	if a == nil || a.role != staff.Guard || !c.Valid() {
		e := DoorEvent{Kind: ExemptRefused, At: now, Why: WhyNeedsGuard}
		if a != nil {
			e.Card, e.Role = a.card, a.role
		}
		return e
	}
	f.door.armed = nil
	return DoorEvent{Kind: ExemptRecorded, At: now, Card: a.card, Role: a.role, Category: c}
}

// poster reads a LeaveHomeSafe poster during setup: one poster per
// arming, from the scanner only. A usable one is shown, waiting for the
// same technician's card again; anything else disarms setup.
func (f *Flow) poster(p string, src Source, now time.Time) DoorEvent {
	a := f.door.armed
	e := DoorEvent{At: now, Card: a.card, Role: a.role}
	if a.venue != nil && p == a.code && src == Serial {
		// The same poster again: still waiting for the card, a full
		// window from now.
		a.until = now.Add(f.opts.Door.setupWindow)
		e.Kind, e.VenueID, e.Venue, e.Until, e.Again = SetupPending, a.venue.ID, venueName(a.venue), a.until, true
		return e
	}
	f.door.armed = nil
	switch v, err := hken.Decode(p); {
	case src != Serial:
		e.Kind, e.Why = SetupRefused, WhyNotScanner
	case a.venue != nil:
		e.Kind, e.Why = SetupRefused, WhyOnePoster
	case err != nil || !v.HashOK:
		e.Kind, e.Why = SetupRefused, WhyBadPoster
	case len(f.opts.Door.SetupVenues) > 0 && !slices.Contains(f.opts.Door.SetupVenues, v.ID):
		e.Kind, e.Why, e.VenueID = SetupRefused, WhyNotAllowed, v.ID
	default:
		f.door.armed = &armed{role: a.role, card: a.card, until: now.Add(f.opts.Door.setupWindow), venue: v, code: p}
		e.Kind, e.VenueID, e.Venue, e.Until = SetupPending, v.ID, venueName(v), f.door.armed.until
	}
	return e
}

// setVenue writes the venue a confirmed poster names.
func (f *Flow) setVenue(a *armed, now time.Time) DoorEvent {
	e := DoorEvent{At: now, Card: a.card, Role: a.role, VenueID: a.venue.ID, Venue: venueName(a.venue)}
	if err := f.opts.Door.Provision(a.venue, a.code); err != nil {
		f.opts.Logger.Error("door: setting the venue from a poster", "err", err)
		e.Kind, e.Why = SetupRefused, WhySaveFailed
		return e
	}
	e.Kind = SetupDone
	return e
}

// venueName is the poster's English name, or its Chinese one.
func venueName(v *hken.Venue) string {
	if v.NameEn != "" {
		return v.NameEn
	}
	return v.NameZh
}

// toggleOpen opens entry, or closes it, by by.
func (f *Flow) toggleOpen(by string, now time.Time) {
	f.doorEvent(f.openEvent(by, now))
}

func (f *Flow) openEvent(by string, now time.Time) DoorEvent {
	if o := f.door.open; o != nil {
		f.door.open = nil
		return DoorEvent{Kind: OpenEnded, At: now, Card: by, Role: roleOf(by), Why: WhyStaff, Since: o.Since}
	}
	f.door.open = &OpenState{Since: now, Until: now.Add(f.opts.Door.OpenFor), By: by}
	return DoorEvent{Kind: OpenStarted, At: now, Card: by, Role: roleOf(by), Until: f.door.open.Until}
}

func roleOf(by string) staff.Role {
	if by == buttonActor {
		return ""
	}
	return staff.Supervisor
}

// expireDoor ends what has run out by now.
func (f *Flow) expireDoor(now time.Time) {
	if a := f.door.armed; a != nil && !now.Before(a.until) {
		f.door.armed = nil
		k := ExemptCancelled
		if a.role == staff.Technician {
			k = SetupCancelled
		}
		f.doorEvent(DoorEvent{Kind: k, At: now, Card: a.card, Role: a.role, Why: WhyTimeout})
	}
	if o := f.door.open; o != nil && !now.Before(o.Until) {
		f.door.open = nil
		f.doorEvent(DoorEvent{Kind: OpenEnded, At: now, Card: o.By, Role: roleOf(o.By), Why: WhyTimeout, Since: o.Since})
	}
}

// doorEvent publishes the state and tells the door sinks.
func (f *Flow) doorEvent(e DoorEvent) {
	f.publishDoor()
	for _, s := range f.opts.Sinks {
		if ds, ok := s.(DoorSink); ok {
			ds.DoorChanged(e)
		}
	}
}
