package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/venuekiosk/venuekiosk/display/screen"
	"github.com/venuekiosk/venuekiosk/firmware/clock"
	"github.com/venuekiosk/venuekiosk/firmware/version"
	"github.com/venuekiosk/venuekiosk/sync/client"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// SyncDir is the directory, in the state directory, where the sync client
// keeps the TUF metadata it trusts.
const SyncDir = "tuf"

// localSyncWait is how long start-up waits for a first sync from a
// directory source (a USB stick, the simulator's repository) before it
// reports ready anyway; the sync goes on in the background.
const localSyncWait = 20 * time.Second

// SyncStatus is the outcome of the last sync, for status pages.
type SyncStatus struct {
	Source    string    `json:"source"`
	Last      time.Time `json:"last,omitzero"`       // the last attempt ended (kiosk clock)
	LastOK    time.Time `json:"last_ok,omitzero"`    // the last success ended
	Issued    time.Time `json:"issued,omitzero"`     // signed time of the newest timestamp verified
	Error     string    `json:"error,omitempty"`     // the last attempt's error; "" when it succeeded
	Failures  int       `json:"failures,omitempty"`  // failed attempts in a row
	Downloads int64     `json:"downloads,omitempty"` // bytes read from the source since start
	// FloorReset says what became of the last signed floor reset found.
	FloorReset string `json:"floor_reset,omitempty"`
}

// FloorResetter applies a signed floor reset the sync client verified, when
// it names this kiosk (fleet.kiosk_id): clock.Trusted.Reset checks its
// version and expiry. It logs the reset to log.
func FloorResetter(clk *clock.Trusted, kiosk string, log *slog.Logger) func(*repo.FloorReset, string) error {
	return func(fr *repo.FloorReset, role string) error {
		if !fr.For(kiosk) {
			return fmt.Errorf("floor reset version %d is not for this kiosk (%q)", fr.Version, kiosk)
		}
		if err := clk.Reset(fr.Time, fr.Expires, fr.Version); err != nil {
			return err
		}
		log.Warn("time floor reset", "version", fr.Version, "to", fr.Time.UTC().Format(time.RFC3339), "signed_by", role)
		return nil
	}
}

// syncer runs the sync client and remembers how it went.
type syncer struct {
	cl *client.Client
	mu sync.Mutex
	st SyncStatus
}

// SyncStatus returns the outcome of the last sync; ok is false when no
// sync source is configured.
func (d *Daemon) SyncStatus() (s SyncStatus, ok bool) {
	if d.syncer == nil {
		return s, false
	}
	d.syncer.mu.Lock()
	defer d.syncer.mu.Unlock()
	return d.syncer.st, true
}

// startSync starts syncing from sync.source in the background. A
// directory source is synced first, up to localSyncWait, so that a kiosk
// started with a USB stick (or the simulator) begins with its data. A
// configuration that cannot sync is a problem shown in the status, never
// a reason not to start: the kiosk works offline on the data it has.
func (d *Daemon) startSync(ctx context.Context, goRun func(string, func(context.Context) error)) {
	cfg := d.cfg.Sync
	if cfg.Source == "" {
		d.log.Info("sync: no source configured (sync.source): the kiosk uses the data it has")
		return
	}
	root, err := client.ReadRoot(cfg.Root)
	if err != nil {
		d.problem(fmt.Sprintf("sync: cannot read the trusted root (sync.root): %v", err))
		return
	}
	cl, err := client.New(client.Opts{
		Source: cfg.Source,
		Root:   root,
		Dir:    filepath.Join(d.cfg.Kiosk.StateDir, SyncDir),
		Store:  d.st,
		Now: func() time.Time {
			at, _ := d.clk.Judge() // never earlier than the time floor
			return at
		},
		FloorFor:       d.clk.FloorFor,
		WantFloorReset: d.clk.Behind,
		FloorReset:     FloorResetter(d.clk, d.cfg.Fleet.KioskID, d.log),
		UserAgent:      "venuekiosk/" + version.Version,
		Logger:         d.log,
	})
	if err != nil {
		d.problem(fmt.Sprintf("sync: %v", err))
		return
	}
	d.syncer = &syncer{cl: cl, st: SyncStatus{Source: cl.Source()}}
	d.clk.SetCeiling(cl.RootExpires())
	sched := client.Schedule{Interval: cfg.Interval.D, First: min(cfg.Interval.D, time.Minute)}
	first := make(chan struct{})
	goRun("sync", func(ctx context.Context) error {
		if cl.Local() {
			res, err := cl.Sync(ctx)
			d.synced(ctx, res, err)
			sched.First = cfg.Interval.D
		}
		close(first)
		return cl.Run(ctx, sched, func(res *client.Result, err error) { d.synced(ctx, res, err) })
	})
	if cl.Local() {
		select {
		case <-first:
		case <-ctx.Done():
		case <-time.After(localSyncWait):
			d.log.Info("sync: still applying from the local source; starting meanwhile", "source", cl.Source())
		}
	}
}

// showDataAge tells the panel's footer when the synced data was signed and
// the entry policy's maximum data age: the footer shows the data's age,
// and the stale notice once that age has passed (as the verifier turns
// green passes amber stale_data).
func (d *Daemon) showDataAge() {
	if d.scr == nil {
		return
	}
	var f screen.Footer
	if t, ok := d.st.DataTime(); ok {
		f.DataAt = t
	}
	if e := d.eng.p.Load(); e != nil && e.Policy != nil {
		f.MaxAge = e.Policy.MaxDataAge()
	}
	d.scr.SetFooter(f)
}

// synced records a sync's outcome, raises the time floor to the signed
// timestamp and, when data changed, rebuilds the verification engine
// (the entry policy is read from the store; trust keys, revocations and
// codes are read through the store at every scan, its key cache cleared by
// the sync's commit).
func (d *Daemon) synced(ctx context.Context, res *client.Result, err error) {
	s := d.syncer
	now := time.Now()
	s.mu.Lock()
	s.st.Last = now
	if res != nil {
		s.st.Downloads += res.Downloaded
		if res.FloorResetError != nil {
			s.st.FloorReset = res.FloorResetError.Error()
		} else if res.FloorReset != nil {
			s.st.FloorReset = fmt.Sprintf("applied version %d: floor set to %s", res.FloorReset.Version, res.FloorReset.Time.UTC().Format(time.RFC3339))
		}
	}
	if err != nil {
		s.st.Error = err.Error()
		s.st.Failures++
		s.mu.Unlock()
		if ctx.Err() == nil {
			d.log.Warn("sync failed; the kiosk keeps its data", "source", s.st.Source, "err", err)
		}
		return
	}
	s.st.Error, s.st.Failures, s.st.LastOK, s.st.Issued = "", 0, now, res.Issued
	s.mu.Unlock()

	// The sync's transaction already stored the floor (as far as the
	// evidence allows); this confirms the clock when it agrees with the
	// signed time, and raises the clock's copy of the floor.
	d.clk.SetCeiling(res.RootExpires)
	if _, err := d.clk.Signed(res.Issued, res.Expires); err != nil {
		d.log.Debug("sync: raising the time floor", "err", err)
	}
	defer d.showDataAge() // after the new policy is in force: its maximum age
	if len(res.Applied) == 0 {
		d.log.Debug("sync: nothing new", "new_timestamp", res.New, "issued", res.Issued, "bytes", res.Downloaded)
		return
	}
	for _, c := range res.Applied {
		d.log.Info("sync applied", "data", c.Dataset, "from", c.From, "to", c.To, "via", c.Via, "entries", c.Entries)
	}
	{
		name, err := d.eng.reload(ctx)
		if err != nil {
			d.problem(fmt.Sprintf("sync: the new entry policy is not in force: %v", err))
			return
		}
		d.mu.Lock()
		d.policyName = name
		d.mu.Unlock()
		d.log.Info("entry policy in force", "policy", name)
	}
}
