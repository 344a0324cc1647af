package daemon

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/firmware/visits"
)

// venueNoticeEvery is how often the footer's exposure notice is brought up
// to date with the synced exposure data (which the visit log rereads every
// visits.DefaultRefresh).
const venueNoticeEvery = 15 * time.Second

// openVisits loads (on first start: creates) the visit-log key and opens
// the visit log. kioskctl provision creates the key on a provisioned
// kiosk, with the same visits.LoadOrCreateKey.
func (d *Daemon) openVisits() error {
	path := filepath.Join(d.cfg.Kiosk.StateDir, visits.KeyFile)
	key, created, err := visits.LoadOrCreateKey(path)
	if err != nil {
		return fmt.Errorf("visit log key: %w", err)
	}
	if created {
		d.log.Info("visits: created the visit-log key (kept on this kiosk only)", "file", path)
	}
	d.visits, err = visits.New(visits.Opts{
		Logger: d.log,
		Store:  d.st,
		Key:    key,
		Venue:  d.cfg.Venue.ID,
		Time:   d.clk,
		Retention: func() time.Duration {
			if e := d.eng.p.Load(); e != nil && e.Policy != nil {
				return e.Policy.VisitRetention()
			}
			return policy.Default().VisitRetention()
		},
		AssumedStay: func() time.Duration {
			if e := d.eng.p.Load(); e != nil && e.Policy != nil {
				return e.Policy.AssumedStay(d.cfg.Venue.Category)
			}
			return policy.Default().AssumedStay(d.cfg.Venue.Category)
		},
		Location: time.Local,
	})
	return err
}

// venueNoticeLoop keeps the footer's exposure notice in step with the
// synced data: shown from the exposure's start for the period the data
// says, for this venue only.
func (d *Daemon) venueNoticeLoop(ctx context.Context) error {
	var shown time.Time
	t := time.NewTicker(venueNoticeEvery)
	defer t.Stop()
	for {
		now, trusted := d.clk.Judge()
		var want time.Time
		if e, ok := d.visits.VenueNotice(now); ok && trusted {
			want = e.Start
		}
		if !want.Equal(shown) {
			d.scr.SetExposureNotice(want)
			shown = want
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// VisitsJSON is the visit log as GET /api/state shows it: counts a
// technician may see, nothing that says whose.
type VisitsJSON struct {
	Logged        int64     `json:"logged"`                  // visits in the log
	CheckedOut    int64     `json:"checked_out"`             // of them, closed by an exit scan
	Exits         uint64    `json:"exits"`                   // check-outs recorded since start
	ExitsIgnored  uint64    `json:"exits_ignored"`           // exit scans since start without a check-in that day
	Oldest        time.Time `json:"oldest,omitzero"`         // absent: none
	RetentionDays int       `json:"retention_days"`          // the policy's
	Exposed       int64     `json:"matched_visits"`          // logged stays overlapping this venue's exposure windows
	Notices       uint64    `json:"notices_shown"`           // since start
	Dropped       uint64    `json:"dropped"`                 // not written: the writer fell behind
	LastErased    int64     `json:"last_erased"`             // by the last retention pass
	LastExpiry    time.Time `json:"last_retention,omitzero"` // absent: none yet
}

// VenueExposureJSON is the exposure notice the footer shows, with the
// authority's own words (the same for everyone at this venue).
type VenueExposureJSON struct {
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	NoticeUntil time.Time `json:"notice_until"`
	NoticeEN    string    `json:"notice_en,omitempty"`
	NoticeZH    string    `json:"notice_zh,omitempty"`
}

func (d *Daemon) visitsState(ctx context.Context) (*VisitsJSON, *VenueExposureJSON) {
	if d.visits == nil {
		return nil, nil
	}
	st, err := d.visits.Stats(ctx)
	if err != nil {
		d.log.Warn("visits: counting", "err", err)
	}
	v := &VisitsJSON{Logged: st.Logged, CheckedOut: st.CheckedOut, Exits: st.Exits, ExitsIgnored: st.ExitsIgnored,
		Exposed: st.Exposed, Notices: st.Notices, Dropped: st.Dropped}
	if !st.Oldest.IsZero() {
		v.Oldest = st.Oldest.UTC()
	}
	if e := d.eng.p.Load(); e != nil && e.Policy != nil {
		v.RetentionDays = int(e.Policy.VisitRetention() / (24 * time.Hour))
	}
	if st.Last != nil {
		v.LastErased, v.LastExpiry = st.Last.Deleted, st.Last.At.UTC()
	}
	var ve *VenueExposureJSON
	if now, trusted := d.clk.Judge(); trusted {
		if e, ok := d.visits.VenueNotice(now); ok {
			ve = &VenueExposureJSON{Start: e.Start.UTC(), End: e.End.UTC(), NoticeUntil: e.NoticeUntil.UTC(),
				NoticeEN: e.NoticeEN, NoticeZH: e.NoticeZH}
		}
	}
	return v, ve
}
