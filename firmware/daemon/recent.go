package daemon

import (
	"sync"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// recentEntry is a verdict as the local page and /api/state show it:
// nothing personal — no holder, no pass identifier.
type recentEntry struct {
	Seq     uint64          `json:"seq"`
	At      time.Time       `json:"at"`
	Verdict string          `json:"verdict"`
	Format  string          `json:"format"`
	Reasons []verify.Reason `json:"reasons"`
	Source  scan.Source     `json:"source"`
	Repeat  bool            `json:"repeat"`
	Trusted bool            `json:"trusted_time"`
	Open    bool            `json:"open,omitempty"` // scanned while entry was open: shown, never refused
	Exit    bool            `json:"exit,omitempty"` // scanned on its way out: a check-out, not a verdict
}

// recent keeps the last few verdicts.
type recent struct {
	mu   sync.Mutex
	list []recentEntry // newest first
	max  int
}

func (r *recent) Scanned(res scan.Result) {
	e := recentEntry{
		Seq:     res.Seq,
		At:      time.Now().UTC().Truncate(time.Second),
		Verdict: res.Verdict.Status.String(),
		Format:  res.Verdict.Format,
		Reasons: append([]verify.Reason{}, res.Verdict.Reasons...),
		Source:  res.Source,
		Repeat:  res.Repeat,
		Trusted: res.Trusted,
		Open:    res.Open,
		Exit:    res.Exit,
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append([]recentEntry{e}, r.list...)
	if len(r.list) > r.max {
		r.list = r.list[:r.max]
	}
}

func (r *recent) snapshot() []recentEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recentEntry{}, r.list...)
}
