package scan

import (
	"crypto/sha256"
	"fmt"
	"regexp"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// Group mode: a holder presents their own pass and those of up to eight
// companions (LeaveHomeSafe's companion passes). Staff start a group with
// the staff group code (or a button, ToggleGroup); the flow then collects
// up to MaxGroup scans within the group window and shows one result for
// the group: amber or red if any member is.
//
// The group is a small state machine owned by the flow's goroutine:
//
//	closed ──code/button──► open ──ninth member──► closed (full)
//	                         │ ──code/button─────► closed (ended)
//	                         └ ──window passed───► closed (timeout)
//
// Every member is judged, lit, shown and counted as a scan of its own;
// sinks that implement GroupSink also hear when a group opens and closes.
//
// The code is a staff code, not a pass: it never goes through the passes'
// repeat window. Read twice within DoorRepeat (a code held in front of the
// scanner) it is one action; scanned again after that it ends the open
// group, and the next scan starts a new one at once.

// Group mode bounds and defaults.
const (
	// groupPrefix starts every staff group code: "VKGROUP:" followed by
	// 4 to 32 of A–Z, 0–9 and '-' (QR alphanumeric mode, so the printed
	// code stays small), e.g. "VKGROUP:CENTRAL-STAFF".
	groupPrefix = "VKGROUP:"
	// MaxGroup is the most members of a group: a holder and eight
	// companions.
	MaxGroup           = 9
	defaultGroupWindow = 2 * time.Minute
	minGroupWindow     = 10 * time.Second
	maxGroupWindow     = 10 * time.Minute
)

var groupCode = regexp.MustCompile(`^VKGROUP:[A-Z0-9-]{4,32}$`)

// validGroupCode checks a staff group code's format.
func validGroupCode(code string) error {
	if !groupCode.MatchString(code) {
		return fmt.Errorf("scan: group code: want %s followed by 4 to 32 of A-Z, 0-9 and '-'", groupPrefix)
	}
	return nil
}

// GroupOpts configures group mode.
type GroupOpts struct {
	// Code is the staff group code (see groupPrefix); "": no code starts a
	// group (a button may, through ToggleGroup).
	Code string
	// Window is how long a group stays open after it starts; 0:
	// defaultGroupWindow.
	Window time.Duration
}

func (o *GroupOpts) check() error {
	if o.Code != "" {
		if err := validGroupCode(o.Code); err != nil {
			return err
		}
	}
	if o.Window == 0 {
		o.Window = defaultGroupWindow
	}
	if o.Window < minGroupWindow || o.Window > maxGroupWindow {
		return fmt.Errorf("scan: group window %v: want %v to %v", o.Window, minGroupWindow, maxGroupWindow)
	}
	return nil
}

// CloseReason says why a group closed; "" while it is open.
type CloseReason string

// Reasons a group closes.
const (
	Full     CloseReason = "full"    // the ninth member was scanned
	Ended    CloseReason = "ended"   // staff ended it (the code or the button again)
	TimedOut CloseReason = "timeout" // the window passed
)

// Member is one member of a group as the page shows it: nothing personal.
type Member struct {
	Seq    uint64        `json:"seq"`
	Status verify.Status `json:"verdict"`
	Format string        `json:"format"`
	Notice bool          `json:"exposure_notice"`
}

// Group is a group's state. Sinks get copies.
type Group struct {
	ID       uint64      `json:"id"` // 1, 2, … since the flow started
	Started  time.Time   `json:"started"`
	Deadline time.Time   `json:"deadline"`
	Members  []Member    `json:"members"`
	Closed   CloseReason `json:"closed,omitempty"`
}

// Status is the group's result: the worst of its members' (green while it
// has none).
func (g *Group) Status() verify.Status {
	s := verify.Green
	for _, m := range g.Members {
		s = max(s, m.Status)
	}
	return s
}

// Count returns how many members have status s.
func (g *Group) Count(s verify.Status) int {
	n := 0
	for _, m := range g.Members {
		if m.Status == s {
			n++
		}
	}
	return n
}

func (g *Group) clone() *Group {
	c := *g
	c.Members = append([]Member(nil), g.Members...)
	return &c
}

// GroupSink is implemented by sinks that show group mode: GroupChanged is
// called, in sink order on the flow's goroutine, when a group opens (no
// members yet) and when it closes (Closed says why). Members arrive as
// results in between, with Result.Group set.
type GroupSink interface {
	GroupChanged(g Group)
}

// group is the open group and what identifies its members' passes.
type group struct {
	Group
	seen map[[32]byte]bool // payload hashes, for this group only
}

// ToggleGroup opens a group, or ends the open one, as the staff code does
// (for a button). It never blocks; it reports false when the flow is not
// taking work.
func (f *Flow) ToggleGroup() bool {
	select {
	case <-f.done:
		return false
	default:
	}
	select {
	case f.queue <- job{toggle: true}:
		return true
	default:
		return false
	}
}

func (f *Flow) isGroupCode(payload string) bool {
	return f.opts.Group.Code != "" && trimPayload(payload) == f.opts.Group.Code
}

// staff handles the staff group code (or the button): it opens a group or
// ends the open one. The result says what happened, in words, for the
// scan request that sent it — no verdict; only GroupSinks hear of it.
// Group is the group it opened, or the one it ended (Closed set).
func (f *Flow) staff(s Scan, now time.Time, repeat bool) Result {
	at, trusted := f.opts.Time.Judge()
	r := Result{Seq: atomic64Add(&f.seq), Source: s.Source, At: at, Trusted: trusted, Repeat: repeat, Staff: true}
	switch {
	case repeat:
		// The scanner read the code twice: not a second toggle.
		r.Message = "staff group code read twice by the scanner: one action"
		if f.group != nil {
			r.Group = f.group.clone()
		}
	case f.group == nil:
		f.openGroup(now)
		r.Message = fmt.Sprintf("group started: scan up to %d passes within %v", MaxGroup, f.opts.Group.Window)
		r.Group = f.group.clone()
	default:
		g := f.group.clone()
		f.closeGroup(Ended)
		g.Closed = Ended
		r.Message = fmt.Sprintf("group ended by staff with %d members", len(g.Members))
		r.Group = g
	}
	return r
}

func (f *Flow) openGroup(now time.Time) {
	f.groupSeq++
	f.group = &group{
		Group: Group{ID: f.groupSeq, Started: now, Deadline: now.Add(f.opts.Group.Window)},
		seen:  map[[32]byte]bool{},
	}
	f.groupChanged(f.group.clone())
}

func (f *Flow) closeGroup(why CloseReason) {
	g := f.group
	f.group = nil
	g.Closed = why
	f.groupChanged(g.clone())
}

// expireGroup closes the open group when its window has passed.
func (f *Flow) expireGroup(now time.Time) {
	if f.group != nil && !now.Before(f.group.Deadline) {
		f.closeGroup(TimedOut)
	}
}

// join adds r to the open group (unless its pass is already a member) and
// sets r.Group and r.Member.
func (f *Flow) join(r *Result, payload string) {
	g := f.group
	h := sha256.Sum256([]byte(trimPayload(payload)))
	if !g.seen[h] {
		g.seen[h] = true
		g.Members = append(g.Members, Member{Seq: r.Seq, Status: r.Verdict.Status, Format: r.Verdict.Format, Notice: r.Notice != nil})
		r.Member = len(g.Members)
	}
	r.Group = g.clone()
}

func (f *Flow) groupChanged(g *Group) {
	for _, s := range f.opts.Sinks {
		if gs, ok := s.(GroupSink); ok {
			gs.GroupChanged(*g.clone())
		}
	}
}
