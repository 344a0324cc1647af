package layout

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// HolderMode says how much of the holder the status area shows with a
// green or amber verdict, for the guard to compare with an identity
// document. Red verdicts never show the holder.
type HolderMode int

// Holder modes.
const (
	HolderInitials HolderMode = iota // initials and birth year (the default)
	HolderName                       // full name and birth year
	HolderNone                       // nothing
)

var holderNames = [...]string{HolderInitials: "initials", HolderName: "name", HolderNone: "none"}

// HolderModes returns the holder modes' configuration names, in the order
// of the constants: what ParseHolderMode reads, and the one list that
// configuration, help and documentation are checked against.
func HolderModes() []string { return slices.Clone(holderNames[:]) }

// ParseHolderMode reads the configuration's spelling, one of HolderModes.
func ParseHolderMode(s string) (HolderMode, error) {
	for i, n := range holderNames {
		if s == n {
			return HolderMode(i), nil
		}
	}
	return 0, fmt.Errorf("layout: holder mode %q: want one of %s", s, strings.Join(HolderModes(), ", "))
}

// Window is a span of time an exposure notice names.
type Window struct{ Start, End time.Time }

// IsZero reports whether w is unset.
func (w Window) IsZero() bool { return w.Start.IsZero() }

// format writes w in loc: "2026-11-20 14:00–16:00" within one day,
// "2026-11-20 22:00–11-21 02:00" across midnight.
func (w Window) format(loc *time.Location) string {
	a, b := w.Start.In(loc), w.End.In(loc)
	if a.Format(time.DateOnly) == b.Format(time.DateOnly) {
		return a.Format("2006-01-02 15:04") + "–" + b.Format("15:04")
	}
	return a.Format("2006-01-02 15:04") + "–" + b.Format("01-02 15:04")
}

// GroupLine is a group's progress (Member > 0: this scan's place in it) or
// its result (Member 0), under the headline. Counts only.
type GroupLine struct {
	Member            int
	N                 int // members so far
	Green, Amber, Red int
}

// texts returns the line's long and short forms in c's language.
func (g *GroupLine) texts(c *i18n.Catalog) (long, short string) {
	if g.Member > 0 {
		s := c.T(i18n.GroupMember, "n", strconv.Itoa(g.Member))
		return s, s
	}
	args := []string{"n", strconv.Itoa(g.N), "green", strconv.Itoa(g.Green), "amber", strconv.Itoa(g.Amber), "red", strconv.Itoa(g.Red)}
	return c.T(i18n.GroupSummary, args...), c.T(i18n.GroupSummaryShort, args...)
}

// VerdictStatusMode returns the status of a verdict, with the holder as
// mode says (for green and amber verdicts only). The full date of birth
// never reaches the panel; the name only in HolderName mode.
func VerdictStatusMode(v *verify.Verdict, mode HolderMode) *Status {
	st := VerdictStatus(v, mode != HolderNone && v.Status != verify.Red)
	if mode == HolderName && v.Status != verify.Red {
		st.Name = strings.TrimSpace(v.Holder.Name)
	}
	return st
}

// GroupStartedStatus says a group is open for up to max passes.
func GroupStartedStatus(max int) *Status {
	return &Status{Symbol: Info, Headline: i18n.GroupStarted, Args: []string{"max", strconv.Itoa(max)}}
}

// GroupStatus is a closed group's one result: the worst member's symbol
// and headline, and the counts. A group without members says it ended.
func GroupStatus(g GroupLine) *Status {
	if g.N == 0 {
		return MessageStatus(Info, i18n.GroupCancelled)
	}
	worst := verify.Green
	switch {
	case g.Red > 0:
		worst = verify.Red
	case g.Amber > 0:
		worst = verify.Amber
	}
	st := VerdictStatus(&verify.Verdict{Status: worst}, false)
	g.Member = 0
	st.Group = &g
	return st
}

// detailExtras returns the lines the exposure notice and the group line
// add above a status's other details, richest first; [nil] when there are
// none, so that a plain verdict is laid out as before.
func detailExtras(s *Status, langs []i18n.Lang, loc *time.Location) [][]string {
	if s.Exposure.IsZero() && s.Group == nil {
		return [][]string{nil}
	}
	c0 := i18n.Get(langs[0])
	var all, first, short []string
	if !s.Exposure.IsZero() {
		when := s.Exposure.format(loc)
		for _, lg := range langs {
			all = append(all, i18n.Get(lg).T(i18n.ExposurePersonal, "when", when))
		}
		first, short = all[:1], []string{c0.T(i18n.ExposurePersonalShort)}
	}
	var grp, grpShort []string
	if s.Group != nil {
		l, sh := s.Group.texts(c0)
		grp, grpShort = []string{l}, []string{sh}
	}
	cat := func(a, b []string) []string { return append(append([]string{}, a...), b...) }
	out := [][]string{cat(all, grp), cat(first, grp), cat(short, grp), cat(short, grpShort)}
	// The exposure notice is never dropped for the group's counts.
	if len(short) > 0 {
		out = append(out, short)
	} else {
		out = append(out, grpShort)
	}
	return out
}
