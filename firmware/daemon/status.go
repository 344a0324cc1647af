package daemon

import (
	"sync"
	"time"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/provision"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// screenSink shows each verdict in the status area: the holder check as
// configured (panel.holder), the holder's exposure notice, and a group's
// progress and result.
type screenSink struct {
	scr  interface{ ShowStatus(*layout.Status) }
	mode layout.HolderMode
	// posterVenue returns the venue the last poster set (its Chinese
	// name for the Chinese lines of "Venue set"); nil: none.
	posterVenue func() *provision.Venue
}

func groupLine(g *scan.Group, member int) *layout.GroupLine {
	return &layout.GroupLine{Member: member, N: len(g.Members),
		Green: g.Count(verify.Green), Amber: g.Count(verify.Amber), Red: g.Count(verify.Red)}
}

// Scanned implements scan.Sink. While entry is open a scan is shown,
// never as a refusal.
func (s *screenSink) Scanned(r scan.Result) {
	st := layout.VerdictStatusMode(r.Verdict, s.mode)
	switch {
	case r.Exit:
		st = layout.GoodbyeStatus() // leaving: no verdict, no holder
	case r.Open:
		st = layout.OpenScanStatus(r.Verdict, s.mode)
	}
	if r.Notice != nil {
		st.Exposure = layout.Window{Start: r.Notice.Start, End: r.Notice.End}
	}
	if r.Group != nil && r.Member > 0 {
		st.Group = groupLine(r.Group, r.Member)
	}
	s.scr.ShowStatus(st)
}

// DoorChanged implements scan.DoorSink: each staff action says what it
// did; open entry changes the idle status area until it ends.
func (s *screenSink) DoorChanged(e scan.DoorEvent) {
	if o, ok := s.scr.(interface{ SetEntryOpen(time.Time) }); ok {
		switch e.Kind {
		case scan.OpenStarted:
			o.SetEntryOpen(e.Until)
		case scan.OpenEnded:
			o.SetEntryOpen(time.Time{})
		}
	}
	st := doorStatus(e)
	if st == nil {
		st = exitStatus(e)
	}
	if st != nil {
		if k := cancelNote(e); k != "" {
			st.Note, st.NoteArgs = k, nil // another card's step ended: said
		}
		if e.Kind == scan.SetupDone && s.posterVenue != nil {
			if v := s.posterVenue(); v != nil && v.ID == e.VenueID && v.NameZH != "" {
				st.ArgsZH = []string{"name", v.NameZH}
			}
		}
		s.scr.ShowStatus(st)
	}
}

// GroupChanged implements scan.GroupSink.
func (s *screenSink) GroupChanged(g scan.Group) {
	if g.Closed == "" {
		s.scr.ShowStatus(layout.GroupStartedStatus(scan.MaxGroup))
		return
	}
	s.scr.ShowStatus(layout.GroupStatus(*groupLine(&g, 0)))
}

// pageState keeps what the local page shows of exposure notices and groups
// beyond the last verdicts: the holder's notice only for as long as the
// panel shows it, the open (or last) group's members as statuses.
type pageState struct {
	hold time.Duration // the panel's status hold
	now  func() time.Time

	mu     sync.Mutex
	notice *NoticeJSON
	shown  time.Time // when notice was shown
	group  *scan.Group
	closed time.Time
}

// NoticeJSON is an exposure notice for the holder of the pass just
// scanned, on the page for the panel's status hold and no longer.
type NoticeJSON struct {
	Seq   uint64    `json:"seq"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	EN    string    `json:"en"`
	ZH    string    `json:"zh"`
}

// GroupJSON is the open or last group: its members' statuses, its result
// — none while it has no member: the group code that opened it is no
// pass, and an empty group has no verdict.
type GroupJSON struct {
	scan.Group
	Status string `json:"verdict,omitempty"`
}

// Scanned implements scan.Sink.
func (p *pageState) Scanned(r scan.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r.Group != nil {
		p.group = r.Group
	}
	p.notice = nil
	if r.Notice != nil {
		when := r.Notice.Start.Local().Format("2006-01-02 15:04") + "–" + r.Notice.End.Local().Format("15:04")
		p.notice = &NoticeJSON{Seq: r.Seq, Start: r.Notice.Start.UTC(), End: r.Notice.End.UTC(),
			EN: i18n.Get(i18n.EN).T(i18n.ExposurePersonal, "when", when),
			ZH: i18n.Get(i18n.ZHHant).T(i18n.ExposurePersonal, "when", when)}
		p.shown = p.now()
	}
}

// GroupChanged implements scan.GroupSink.
func (p *pageState) GroupChanged(g scan.Group) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.group = &g
	if g.Closed != "" {
		p.closed = p.now()
	}
}

// snapshot returns the notice while it is on the panel, and the group with
// its members' exposure flags only while they are.
func (p *pageState) snapshot() (*NoticeJSON, *GroupJSON) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	var n *NoticeJSON
	if p.notice != nil && now.Sub(p.shown) < p.hold {
		c := *p.notice
		n = &c
	}
	var g *GroupJSON
	if p.group != nil {
		c := *p.group
		c.Members = append([]scan.Member(nil), p.group.Members...)
		if n == nil {
			for i := range c.Members {
				c.Members[i].Notice = false
			}
		}
		g = &GroupJSON{Group: c}
		if len(c.Members) > 0 {
			g.Status = c.Status().String()
		}
	}
	return n, g
}
