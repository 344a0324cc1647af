package daemon

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/drivers/button"
	"github.com/venuekiosk/venuekiosk/firmware/fleet"
	"github.com/venuekiosk/venuekiosk/firmware/hken"
	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/firmware/provision"
	"github.com/venuekiosk/venuekiosk/firmware/staff"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// The door: staff cards checked against the operator's keys
// and the synced revocations, exempt entries counted in the store, open
// entry logged with who opened and closed it, and the venue set from its
// LeaveHomeSafe poster. Nothing about a visitor is kept: counts, times
// and staff card ids.

// loadOperatorKeys reads [staff] operator_keys. A missing file is logged
// (and staff cards are refused as unchecked); an unreadable one is a
// problem the status line shows.
func (d *Daemon) loadOperatorKeys() []ed25519.PublicKey {
	var keys []ed25519.PublicKey
	for _, path := range d.cfg.Staff.OperatorKeys {
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			d.log.Info("staff cards: no operator key here", "file", path)
			continue
		}
		if err == nil {
			var k ed25519.PublicKey
			if k, err = venueqr.ParsePublicKey(b); err == nil {
				keys = append(keys, k)
				continue
			}
		}
		d.problem(fmt.Sprintf("staff cards: operator key %s: %v", path, err))
	}
	if len(keys) == 0 {
		d.log.Warn("staff cards: no operator key; every staff card is refused")
	}
	return keys
}

// doorOpts maps [staff] to the flow's door and resumes entry left open
// by the last run (or closes it in the log when its time has passed).
func (d *Daemon) doorOpts(ctx context.Context) scan.DoorOpts {
	cfg := d.cfg.Staff
	o := scan.DoorOpts{
		Cards: &staff.Verifier{Keys: d.loadOperatorKeys(), Revoked: d.st,
			// The entry policy in force bounds each role's card lifetime.
			MaxLife: d.cardLife,
			Venue:   d.cfg.Venue.ID, Kiosk: d.cfg.Fleet.KioskID,
			ListTime: d.staffListTime, MaxListAge: d.maxDataAge},
		ExemptWindow: cfg.ExemptWindow.D,
		OpenFor:      cfg.OpenFor.D,
		// Door payloads through the web API only on the simulator's page.
		WebDoor: d.cfg.Kiosk.Simulate,
	}
	if cfg.Setup {
		o.SetupVenues = cfg.SetupVenues
		o.Provision = func(v *hken.Venue, code string) error {
			pv, err := provision.VenueFromPoster(code)
			if err != nil {
				return err
			}
			res, err := provision.SetVenue(d.cfg.Kiosk.StateDir, pv)
			if err != nil {
				return err
			}
			d.posterVenue.Store(&pv)
			d.log.Info("setup: venue set from its LeaveHomeSafe poster; restart kioskd to apply", "venue", pv.ID, "name_en", pv.NameEN, "changed", res.Changed)
			return nil
		}
	}
	o.Resume = d.door.resume(ctx, d.now())
	return o
}

// cardLife is the longest a staff card of role may be valid for, as the
// entry policy in force says (its defaults without one).
func (d *Daemon) cardLife(r staff.Role) time.Duration {
	var rule policy.StaffRule
	if p := d.eng.p.Load().Policy; p != nil {
		rule = p.Staff
	}
	return rule.MaxCardLife(string(r))
}

// staffListTime is when the staff-card revocation list in force was
// signed; ok is false when the kiosk has none.
func (d *Daemon) staffListTime() (time.Time, bool) {
	v, ok, err := d.st.DataVersion(context.Background(), store.DataStaffRevocations)
	if err != nil || !ok {
		return time.Time{}, false
	}
	return v.SignedAt, true
}

// maxDataAge is the entry policy's maximum data age (0: unbounded).
func (d *Daemon) maxDataAge() time.Duration {
	if p := d.eng.p.Load().Policy; p != nil {
		return p.MaxDataAge()
	}
	return 0
}

func (d *Daemon) now() time.Time {
	if d.hw.Now != nil {
		return d.hw.Now()
	}
	return time.Now()
}

// startDoorButtons runs the open button (a long press) and the category
// buttons when configured; a missing button is a problem, and the cards
// and printed codes still work.
func (d *Daemon) startDoorButtons(goRun func(string, func(context.Context) error)) {
	cfg := d.cfg.Staff
	open := func(name string) *button.Dev {
		pin, err := button.Lookup(name)
		if err != nil {
			d.problem("staff button missing: " + err.Error())
			return nil
		}
		dev, err := button.New(pin, nil)
		if err != nil {
			d.problem("staff button: " + err.Error())
			return nil
		}
		return dev
	}
	if cfg.OpenButton != "" {
		if dev := open(cfg.OpenButton); dev != nil {
			goRun("open button", func(ctx context.Context) error {
				return dev.RunHold(ctx, cfg.LongPress.D, func() { d.flow.OpenButton() })
			})
		}
	}
	for i, name := range cfg.ExemptButtons {
		cat := staff.Categories()[i]
		if dev := open(name); dev != nil {
			goRun("category button "+string(cat), func(ctx context.Context) error {
				return dev.Run(ctx, func() { d.flow.ExemptButton(cat) })
			})
		}
	}
}

// doorLog is the door's sink: it logs each event and writes exempt counts
// and the open-entry log to the store on its own goroutine, in order.
type doorLog struct {
	st  *store.Store
	loc *time.Location
	log *slog.Logger

	work chan scan.DoorEvent

	mu      sync.Mutex
	last    *scan.DoorEvent
	pending map[string]store.ExemptCounts // by day, not yet written
	open    int64                         // the open override's id in the store; 0: none
	dropped uint64
	venue   string // venue.id in force, for the record of a venue change
}

func newDoorLog(st *store.Store, loc *time.Location, log *slog.Logger) *doorLog {
	return &doorLog{st: st, loc: loc, log: log, work: make(chan scan.DoorEvent, 64), pending: map[string]store.ExemptCounts{}}
}

// setupSetting holds the last venue change made at the kiosk (a
// fleet.Setup), reported in every fleet status.
const setupSetting = "door.setup_last"

// lastSetup reads the last venue change made at the kiosk; nil: none.
func lastSetup(ctx context.Context, st *store.Store) *fleet.Setup {
	v, ok, err := st.Setting(ctx, setupSetting)
	if err != nil || !ok {
		return nil
	}
	var u fleet.Setup
	if json.Unmarshal([]byte(v), &u) != nil {
		return nil
	}
	return &u
}

// resume returns entry left open by the last run, to resume; an override
// whose time passed while the kiosk was off is closed in the log.
func (l *doorLog) resume(ctx context.Context, now time.Time) *scan.OpenState {
	o, ok, err := l.st.OpenOverride(ctx)
	if err != nil {
		l.log.Warn("door: reading the open-entry log", "err", err)
		return nil
	}
	if !ok {
		return nil
	}
	if now.Before(o.Until) {
		l.open = o.ID
		return &scan.OpenState{Since: o.Started, Until: o.Until, By: o.StartedBy}
	}
	if err := l.st.EndOverride(ctx, o.ID, o.Until, "restart", store.EndRestart); err != nil {
		l.log.Warn("door: closing the open-entry log", "err", err)
	}
	return nil
}

// Scanned implements scan.Sink: the door hears of passes through the flow.
func (l *doorLog) Scanned(scan.Result) {}

// DoorChanged implements scan.DoorSink.
func (l *doorLog) DoorChanged(e scan.DoorEvent) {
	attrs := []any{"event", string(e.Kind)}
	if e.Card != "" {
		attrs = append(attrs, "card", e.Card, "role", string(e.Role))
	}
	if e.Why != "" {
		attrs = append(attrs, "why", e.Why)
	}
	if e.Category != "" {
		attrs = append(attrs, "category", string(e.Category))
	}
	if !e.Until.IsZero() {
		attrs = append(attrs, "until", e.Until.Format(time.RFC3339))
	}
	if e.Again {
		attrs = append(attrs, "again", true)
	}
	if e.Cancelled != "" {
		attrs = append(attrs, "cancelled", e.Cancelled, "cancelled_card", e.CancelledCard)
	}
	if e.Source == scan.Web {
		attrs = append(attrs, "source", "web (simulation)")
	}
	l.log.Info("door", attrs...)
	l.mu.Lock()
	c := e
	l.last = &c
	if e.Kind == scan.ExemptRecorded {
		day := e.At.In(l.loc).Format(time.DateOnly)
		n := l.pending[day]
		n.Add(e.Category, 1)
		l.pending[day] = n
	}
	l.mu.Unlock()
	switch e.Kind {
	case scan.ExemptRecorded, scan.OpenStarted, scan.OpenEnded, scan.SetupDone:
		select {
		case l.work <- e:
		default:
			// Staff act at human speed; 64 waiting means the store is
			// stuck. Say so rather than block the scan flow.
			l.mu.Lock()
			l.dropped++
			l.mu.Unlock()
			l.log.Error("door: the store is not keeping up; an event was not written", "event", string(e.Kind))
		}
	}
}

// run writes events until ctx ends, then what is left.
func (l *doorLog) run(ctx context.Context) {
	for {
		select {
		case e := <-l.work:
			l.write(e)
		case <-ctx.Done():
			for {
				select {
				case e := <-l.work:
					l.write(e)
				default:
					return
				}
			}
		}
	}
}

func (l *doorLog) write(e scan.DoorEvent) {
	ctx := context.Background()
	var err error
	switch e.Kind {
	case scan.ExemptRecorded:
		day := e.At.In(l.loc)
		err = l.st.AddExempt(ctx, day, e.Category, 1)
		if err == nil {
			l.mu.Lock()
			key := day.Format(time.DateOnly)
			n := l.pending[key]
			n.Add(e.Category, -1)
			if n == (store.ExemptCounts{}) {
				delete(l.pending, key)
			} else {
				l.pending[key] = n
			}
			l.mu.Unlock()
		}
	case scan.OpenStarted:
		var id int64
		id, err = l.st.StartOverride(ctx, e.At.In(l.loc), e.Until, e.Card)
		l.mu.Lock()
		l.open = id
		l.mu.Unlock()
	case scan.OpenEnded:
		l.mu.Lock()
		id := l.open
		l.open = 0
		l.mu.Unlock()
		if id == 0 {
			return
		}
		by, why := e.Card, store.EndStaff
		if e.Why == scan.WhyTimeout {
			by, why = "timeout", store.EndTimeout
		}
		err = l.st.EndOverride(ctx, id, e.At, by, why)
	case scan.SetupDone:
		// For the fleet: which card moved the kiosk to which venue.
		var b []byte
		b, err = json.Marshal(fleet.Setup{At: e.At.UTC(), From: l.venue, To: e.VenueID, Card: staff.IDHash(e.Card)})
		if err == nil {
			err = l.st.SetSetting(ctx, setupSetting, string(b))
		}
	}
	if err != nil {
		l.log.Error("door: writing to the store", "event", string(e.Kind), "err", err)
	}
}

// DoorJSON is the door as GET /api/state shows it: staff card ids, counts
// and times, nothing about a visitor.
type DoorJSON struct {
	scan.DoorState
	Last      *scan.DoorEvent      `json:"last,omitempty"`
	Exempt    store.ExemptCounts   `json:"exempt_today"`
	Overrides store.OverrideCounts `json:"open_today"`
	Revoked   int64                `json:"staff_cards_revoked"`
	Dropped   uint64               `json:"dropped,omitempty"`
	// Setup is the last venue change made at the kiosk, as the fleet
	// status reports it.
	Setup *fleet.Setup `json:"setup_last,omitempty"`
	// StaleList says the staff-card revocation list is older than the
	// policy's maximum data age (or missing): supervisors' and technicians'
	// cards are refused.
	StaleList bool `json:"staff_list_stale,omitempty"`
}

func (d *Daemon) doorState(ctx context.Context) *DoorJSON {
	if d.flow == nil || d.door == nil {
		return nil
	}
	now := d.now()
	j := &DoorJSON{DoorState: d.flow.Door()}
	l := d.door
	day := now.In(l.loc)
	ex, err := l.st.ExemptCounts(ctx, day)
	if err != nil {
		d.log.Warn("door: reading exempt counts", "err", err)
	}
	l.mu.Lock()
	if l.last != nil {
		c := *l.last
		j.Last = &c
	}
	p := l.pending[day.Format(time.DateOnly)]
	j.Dropped = l.dropped
	l.mu.Unlock()
	for _, c := range staff.Categories() {
		ex.Add(c, p.Get(c))
	}
	j.Exempt = ex
	if cs, err := l.st.OverrideCountsRange(ctx, day, day, now); err == nil && len(cs) == 1 {
		j.Overrides = cs[0]
	}
	j.Overrides.Day = day.Format(time.DateOnly)
	j.Revoked, _ = l.st.StaffRevocationCount(ctx)
	j.Setup = lastSetup(ctx, l.st)
	if t, ok := d.staffListTime(); d.maxDataAge() > 0 && (!ok || now.Sub(t) > d.maxDataAge()) {
		j.StaleList = true
	}
	return j
}

// doorStatus is what the status area shows for a door event; nil: nothing
// (the open-entry display follows SetEntryOpen).
func doorStatus(e scan.DoorEvent) *layout.Status {
	msg := func(sym layout.Symbol, k i18n.Key) *layout.Status { return layout.MessageStatus(sym, k) }
	switch e.Kind {
	case scan.CardRefused:
		k := i18n.StaffRefused
		switch e.Why {
		case scan.WhyExpired:
			k = i18n.StaffExpired
		case scan.WhyNotYetValid:
			k = i18n.StaffNotYetValid
		case scan.WhyRevoked:
			k = i18n.StaffRevoked
		case scan.WhyNoKey, scan.WhyLookup:
			k = i18n.StaffUnchecked
		case scan.WhyNoAction:
			k = i18n.StaffNoAction
		case scan.WhyTooLong:
			k = i18n.StaffTooLong
		case scan.WhyElsewhere:
			k = i18n.StaffElsewhere
		case scan.WhyRateLimited:
			k = i18n.StaffRateLimited
		case scan.WhyNotScanner:
			k = i18n.StaffNotScanner
		case scan.WhyStaleList:
			k = i18n.StaffListStale
		}
		return msg(layout.Bang, k)
	case scan.ExemptArmed:
		s := msg(layout.Info, i18n.StaffExemptArmed)
		s.Note = i18n.StaffPickCategory
		if e.StaleList {
			s.Note = i18n.StaffListOld // the warning: a revoked card may pass
		}
		return s
	case scan.ExemptCancelled:
		return msg(layout.Info, i18n.StaffExemptCancelled)
	case scan.ExemptRecorded:
		s := msg(layout.Info, i18n.ExemptConfirmed)
		s.Note = categoryKey(e.Category)
		return s
	case scan.ExemptRefused:
		return msg(layout.Bang, i18n.StaffGuardFirst)
	case scan.OpenStarted:
		s := msg(layout.Info, i18n.OpenModeShort)
		s.Note, s.NoteArgs = i18n.OpenUntil, layout.UntilArgs(e.Until, time.Local)
		return s
	case scan.OpenEnded:
		return msg(layout.Info, i18n.OpenEnded)
	case scan.SetupArmed:
		return msg(layout.Info, i18n.SetupArmed)
	case scan.SetupPending:
		s := msg(layout.Info, i18n.SetupConfirm)
		s.Args = []string{"name", e.Venue + " (" + e.VenueID + ")"}
		return s
	case scan.SetupDone:
		s := msg(layout.Info, i18n.SetupDone)
		s.Args = []string{"name", e.Venue}
		s.Note = i18n.SetupRestart
		return s
	case scan.SetupRefused:
		if e.Why == scan.WhyNeedsTechnician {
			return msg(layout.Info, i18n.SetupTechnicianFirst) // no pass, no refusal: what to do
		}
		return msg(layout.Bang, i18n.SetupPosterRefused)
	case scan.SetupCancelled:
		return msg(layout.Info, i18n.SetupCancelled)
	}
	return nil
}

// cancelNote is the note that says what another card's step e cancelled,
// when e's own message does not: a guard's card after a technician's
// setup says "Setup ended" under "next entry exempt"; another guard taking
// over an exempt entry says nothing more. "" when there is nothing to say.
func cancelNote(e scan.DoorEvent) i18n.Key {
	own := map[scan.DoorKind]string{scan.ExemptArmed: "exempt", scan.SetupArmed: "setup"}[e.Kind]
	switch {
	case e.Cancelled == "" || e.Cancelled == own:
		return ""
	case e.Cancelled == "exempt":
		return i18n.StaffExemptCancelled
	}
	return i18n.SetupCancelled
}

func categoryKey(c staff.Category) i18n.Key {
	switch c {
	case staff.Under12:
		return i18n.ExemptUnder12
	case staff.Over65:
		return i18n.ExemptOver65
	case staff.Disability:
		return i18n.ExemptDisability
	}
	return i18n.ExemptOther
}
