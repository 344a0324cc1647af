package visits

import (
	"context"
	"slices"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/scan"
	"github.com/venuekiosk/venuekiosk/firmware/store"
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
// pass whose keyed hash visited this venue during an exposure window is
// scanned again, within that exposure's notice period, the result gets a
// Notice (the latest such window). The verdict is left as it is. Without
// an exposure in its notice period, it costs nothing; with one, a keyed
// hash and one index descent.
func (l *Log) Annotate(r *scan.Result) {
	if r.Staff || !r.Trusted || r.Verdict == nil || r.Verdict.PassID.IsZero() {
		return
	}
	act := l.active(r.At)
	if len(act) == 0 {
		return
	}
	from := act[0].Start // act is sorted by start
	// Visits are kept to the second: one earlier in this scan's second is
	// "before" it (this scan's own visit is recorded after the match).
	to := r.At.Truncate(time.Second).Add(time.Second)
	stays, err := l.opts.Store.Stays(l.opts.Key.Hash(r.Verdict.PassID), from, to)
	if err != nil {
		// Never a reason to delay or change the verdict.
		l.log.Warn("visits: exposure match failed", "err", err)
		return
	}
	var hit *store.Exposure
	for i := range act {
		e := &act[i]
		for _, st := range stays {
			if t := st.In; !t.Before(e.Start) && t.Before(e.End) {
				if hit == nil || e.Start.After(hit.Start) {
					hit = e
				}
				break
			}
		}
	}
	if hit == nil {
		return
	}
	r.Notice = &scan.Notice{Start: hit.Start, End: hit.End}
	l.notices.Add(1)
}

// VenueNotice returns the exposure notice the footer shows at now: the
// latest exposure at this venue whose window has started and whose notice
// period has not ended (ok false: none).
func (l *Log) VenueNotice(now time.Time) (e store.Exposure, ok bool) {
	for _, x := range l.active(now) {
		if !ok || x.Start.After(e.Start) {
			e, ok = x, true
		}
	}
	return e, ok
}
