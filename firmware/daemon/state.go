package daemon

import (
	"context"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/indicator"
	"github.com/venuekiosk/venuekiosk/firmware/clock"
	"github.com/venuekiosk/venuekiosk/firmware/version"
)

// State is what GET /api/state returns. It holds nothing personal: no
// holder, no pass identifier, no payload.
type State struct {
	Summary  string          `json:"summary"`
	Lights   indicator.State `json:"lights"`
	Last     *recentEntry    `json:"last"`
	Recent   []recentEntry   `json:"recent"`
	Counters CountersJSON    `json:"counters"`
	Scanner  ScannerJSON     `json:"scanner"`
	Panel    PanelJSON       `json:"panel"`
	Clock    ClockJSON       `json:"clock"`
	Kiosk    map[string]any  `json:"kiosk"`

	// The visit log's counts, this venue's exposure notice, the holder's
	// exposure notice while the panel shows it, and the open or last
	// group (visits.go, status.go).
	Visits        *VisitsJSON        `json:"visits,omitempty"`
	VenueExposure *VenueExposureJSON `json:"venue_exposure,omitempty"`
	Notice        *NoticeJSON        `json:"exposure_notice,omitempty"`
	Group         *GroupJSON         `json:"group,omitempty"`
	// Door is staff at the door: open entry, exempt entries today, the
	// last staff action (door.go).
	Door *DoorJSON `json:"door,omitempty"`
}

// CountersJSON is today's counts.
type CountersJSON struct {
	Day     string `json:"day"`
	Green   int64  `json:"green"`
	Amber   int64  `json:"amber"`
	Red     int64  `json:"red"`
	Entries int64  `json:"entries"`
	Dropped uint64 `json:"dropped"` // scans dropped because the flow was behind
}

// ScannerJSON is the scanner's state.
type ScannerJSON struct {
	Connected bool   `json:"connected"`
	State     string `json:"state"`
}

// PanelJSON is the panel's state; Version changes whenever the image does.
// OK is false, and Fault says why, when the controller did not answer the
// start-up probe, the panel is configured but missing, or refreshes
// failed.
type PanelJSON struct {
	Model         string `json:"model"`
	OK            bool   `json:"ok"`
	Fault         string `json:"fault,omitempty"`
	Version       uint64 `json:"version"`
	Full          uint64 `json:"full_refreshes"`
	Partial       uint64 `json:"partial_refreshes"`
	Errors        uint64 `json:"errors"`
	BytesOnTheBus uint64 `json:"spi_bytes"`
}

// ClockJSON is the trusted clock's state: trusted, the floor, and any
// clock jump, signed time refused or floor reset applied.
type ClockJSON = clock.State

// State returns the kiosk's state now.
func (d *Daemon) State(ctx context.Context) State {
	now := time.Now()
	s := State{Summary: d.statusLine(), Lights: d.ind.State(), Recent: d.recent.snapshot()}
	if len(s.Recent) > 0 {
		s.Last = &s.Recent[0]
	}
	c := d.counters.today(ctx, now)
	s.Counters = CountersJSON{Day: now.Format(time.DateOnly), Green: c.Green, Amber: c.Amber, Red: c.Red, Entries: c.Entries, Dropped: d.flow.Dropped()}
	d.mu.Lock()
	s.Scanner = ScannerJSON{Connected: d.scannerOK, State: d.scannerWhy}
	d.mu.Unlock()
	s.Panel.Model = orNone(d.hw.PanelName)
	if h := d.panelHealth(); h.OK {
		s.Panel.OK = true
	} else {
		s.Panel.Fault = h.State
	}
	if d.scr != nil {
		st := d.scr.Stats()
		s.Panel.Full, s.Panel.Partial, s.Panel.Errors, s.Panel.BytesOnTheBus = st.Full, st.Partial, st.Errors, st.Bytes
		s.Panel.Version = st.Full + st.Partial
	}
	s.Clock = d.clk.State()
	s.Visits, s.VenueExposure = d.visitsState(ctx)
	if d.page != nil {
		s.Notice, s.Group = d.page.snapshot()
	}
	s.Door = d.doorState(ctx)
	d.mu.Lock()
	policyName := d.policyName
	d.mu.Unlock()
	s.Kiosk = map[string]any{
		"version": version.Version,
		"venue":   d.cfg.Venue.ID,
		"policy":  policyName,
		"uptime":  time.Since(d.started).Round(time.Second).String(),
	}
	if vs, err := d.st.DataVersions(ctx); err == nil {
		data := map[string]any{}
		for _, v := range vs {
			data[v.Name] = map[string]any{"version": v.Version, "signed": v.SignedAt.UTC(), "source": v.Source}
		}
		s.Kiosk["data"] = data
	}
	return s
}
