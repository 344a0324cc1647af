package visits

import (
	"context"
	"slices"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// Refresh rereads this venue's exposure data from the store. Run calls it
// every Refresh; sync may call it after applying new data.
func (l *Log) Refresh(ctx context.Context) error {
	var ex []store.Exposure
	if l.opts.Venue != "" {
		var err error
		if ex, err = l.opts.Store.Exposures(ctx, l.opts.Venue); err != nil {
			return err
		}
	}
	slices.SortFunc(ex, func(a, b store.Exposure) int { return a.Start.Compare(b.Start) })
	l.exposures.Store(&ex)
	return nil
}

// active returns the exposures whose notice period covers at: their notice
// has not ended, and their window started before at.
func (l *Log) active(at time.Time) []store.Exposure {
	var out []store.Exposure
	for _, e := range *l.exposures.Load() {
		if e.Start.Before(at) && at.Before(e.NoticeUntil) {
			out = append(out, e)
		}
	}
	return out
}

// Annotate implements scan.Annotator: the offline exposure match. When a
// pass whose keyed hash stayed at this venue during an exposure window is
// scanned again, within that exposure's notice period, the result gets a
// Notice (the latest such window). The verdict is left as it is. Without
// an exposure in its notice period, it costs nothing; with one, a keyed
// hash and one index descent.
//
// A stay is the interval [check-in, check-out): to the check-out an exit
// scan recorded, or else to the check-in plus the assumed stay (the
// exposure's own, else the policy's for this venue's category). It
// matches a window [start, end) when the two overlap. Both are half-open,
// so intervals that only touch do not overlap: a visitor who left as the
// case arrived, or arrived as the case left, was not there with them.
// Stays are stored to the minute, the check-in rounded down and the
// check-out up. An assumed stay runs from the end of the check-in's
// minute: the visitor may have arrived at its last second. So rounding
// can only add up to a minute, never lose an overlap: a check-in in the
// minute exactly two hours (the assumed stay) before a window matches it,
// one in the minute before that cannot have reached it and does not.
//
// At an exit scan the stay it closes (the pass's latest check-in of the
// day, as the visit log records it) is matched as ending now.
//
// Every pass scanned while this venue's notice period runs, matched or
// not, authenticated or not, also gets the venue's notice
// (Result.VenueNotice): the same for everyone, so that the guard hands
// out the printed advice.
func (l *Log) Annotate(r *scan.Result) {
	if r.Staff || !r.Trusted || r.Verdict == nil {
		return
	}
	act := l.active(r.At)
	if len(act) == 0 {
		return
	}
	if e, ok := latest(act); ok {
		r.VenueNotice = &scan.Notice{Start: e.Start, End: e.End}
	}
	if r.Verdict.PassID.IsZero() {
		return
	}
	// act is sorted by start: a stay reaching into the earliest window
	// checked in at most store.MaxStay before it.
	from := act[0].Start.Add(-store.MaxStay)
	// Check-ins are kept to the minute: one earlier in this scan's minute
	// is "before" it (this scan's own visit is recorded after the match).
	to := r.At.Truncate(time.Minute).Add(time.Minute)
	stays, err := l.opts.Store.Stays(l.opts.Key.Hash(r.Verdict.PassID), from, to)
	if err != nil {
		// Never a reason to delay or change the verdict.
		l.log.Warn("visits: exposure match failed", "err", err)
		return
	}
	if r.Exit {
		l.leaving(stays, r.At)
	}
	if hit := l.match(stays, act); hit != nil {
		r.Notice = &scan.Notice{Start: hit.Start, End: hit.End}
		l.notices.Add(1)
	}
}

// match returns the latest of the exposures ex (sorted by start) that one
// of the stays overlaps, or nil.
func (l *Log) match(stays []store.Stay, ex []store.Exposure) *store.Exposure {
	if len(stays) == 0 {
		return nil
	}
	policyStay := l.opts.AssumedStay()
	for i := len(ex) - 1; i >= 0; i-- {
		e := &ex[i]
		assumed := policyStay
		if e.AssumedStay != 0 {
			assumed = e.AssumedStay
		}
		for _, st := range stays {
			if Overlaps(st.In, StayEnd(st, assumed), e.Start, e.End) {
				return e
			}
		}
	}
	return nil
}

// leaving closes, in stays (oldest first), the stay an exit scan at at
// closes: the latest that checked in that day, not after at. It ends at
// at's minute's end, or later if an earlier exit scan said so.
func (l *Log) leaving(stays []store.Stay, at time.Time) {
	from := l.dayStart(at)
	for i := len(stays) - 1; i >= 0; i-- {
		st := &stays[i]
		if st.In.After(at) {
			continue
		}
		if st.In.Before(from) {
			return
		}
		out := at.Truncate(time.Minute)
		if !out.Equal(at) {
			out = out.Add(time.Minute)
		}
		out = later(out, st.In.Add(time.Minute))
		st.Out = later(st.Out, out)
		return
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// latest returns the exposure of ex that started last.
func latest(ex []store.Exposure) (e store.Exposure, ok bool) {
	for _, x := range ex {
		if !ok || x.Start.After(e.Start) {
			e, ok = x, true
		}
	}
	return e, ok
}

// StayEnd returns when st ended at the latest: its check-out, or without
// one the end of its check-in's minute plus the assumed stay.
func StayEnd(st store.Stay, assumed time.Duration) time.Time {
	if !st.Out.IsZero() {
		return st.Out
	}
	return st.In.Add(time.Minute + assumed)
}

// Overlaps reports whether the stay [in, out) and the exposure window
// [start, end) have a moment in common. Touching intervals do not: out ==
// start, or in == end, is no overlap.
func Overlaps(in, out, start, end time.Time) bool {
	return in.Before(end) && start.Before(out)
}

// VenueNotice returns the exposure notice the footer shows at now: the
// latest exposure at this venue whose window has started and whose notice
// period has not ended (ok false: none).
func (l *Log) VenueNotice(now time.Time) (e store.Exposure, ok bool) {
	return latest(l.active(now))
}
