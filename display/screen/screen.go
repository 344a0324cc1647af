package screen

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// Defaults and bounds of Opts.
const (
	DefaultFullEvery  = 10
	DefaultStatusHold = 6 * time.Second
	// FullInterval is the longest time between full refreshes while
	// partial ones happen.
	FullInterval = time.Hour
	// Recheck is how often an untrusted clock is looked at again.
	Recheck = 10 * time.Second
)

// Opts configures a Controller.
type Opts struct {
	Layout *layout.Layout  // required; its size must match the panel
	Signer *venueqr.Signer // nil: no venue code ("venue not set up")
	Time   TrustedTime     // required: *clock.Trusted
	Clock  Clock           // nil: SystemClock
	Langs  []i18n.Lang     // one to layout.MaxLangs; nil: English
	Loc    *time.Location  // the footer clock's zone; nil: Local
	Venue  [2]string       // the venue's name: English, Chinese
	// FullEvery is the number of partial refresh rounds after which the
	// next round is a full refresh (config panel.full_every); 0: 10.
	FullEvery int
	// StatusHold is how long a verdict stays (config panel.status_hold);
	// 0: 6s.
	StatusHold time.Duration
	// ShowHolder shows the holder's initials and birth year with a verdict.
	ShowHolder bool
	// Alternate shows two languages one at a time, in turn each time the
	// status area is redrawn (and with each rotation of the code while it
	// is idle); open entry always shows both.
	Alternate bool
	// HKEN is the venue's LeaveHomeSafe code, shown as HKENMode says
	// (layout.HKENOff: never); HKENEvery is each code's turn in
	// layout.HKENAlternate mode (0: DefaultHKENEvery). New refuses a code
	// the panel cannot show at layout.MinModulePx.
	HKEN      string
	HKENMode  layout.HKENMode
	HKENEvery time.Duration
	// Logger receives the controller's log; nil: slog.Default().
	Logger *slog.Logger
}

// DefaultHKENEvery is each code's turn in the LeaveHomeSafe alternate mode.
const DefaultHKENEvery = 20 * time.Second

// Footer is the synced data's state, shown in the footer.
type Footer struct {
	DataAt     time.Time // when the data was last updated; zero: never
	StaleSince time.Time // non-zero: out of date since then
	// MaxAge, when non-zero, is the entry policy's maximum data age: once
	// the trusted time is more than MaxAge past DataAt, the footer says
	// the data is out of date (since DataAt+MaxAge) without another
	// SetFooter — the same rule as the verifier's stale_data.
	MaxAge time.Duration
}

// staleSince returns when f's data went out of date by the trusted time t
// (trusted: whether t is), or the zero time.
func (f Footer) staleSince(t time.Time, trusted bool) time.Time {
	switch {
	case !f.StaleSince.IsZero():
		return f.StaleSince
	case f.MaxAge <= 0 || f.DataAt.IsZero() || !trusted:
		return time.Time{}
	case t.Sub(f.DataAt) > f.MaxAge:
		return f.DataAt.Add(f.MaxAge)
	}
	return time.Time{}
}

// Stats counts what the controller sent to the panel.
type Stats struct {
	Full          uint64 // full refreshes
	Partial       uint64 // partial refreshes, all windows
	PartialQR     uint64
	PartialStatus uint64
	PartialFooter uint64
	Errors        uint64 // refreshes the panel failed
	Bytes         uint64 // bytes the panel sent, if it counts them (ByteCounter)
}

// Controller owns the panel. Its methods are safe for concurrent use; the
// work happens on the goroutine running Run.
type Controller struct {
	panel Panel
	opts  Opts
	clk   Clock

	signal chan struct{} // cap 1: pending has news

	mu      sync.Mutex
	pending pending
	stats   Stats
	shown   *image.Gray // a copy of what the panel shows; nil before the first refresh
	running bool

	beat atomic.Int64 // wall time of the loop's last turn, unix ns
	// holder is true from the moment a status with a holder's details is
	// taken until a frame without them is on the panel.
	holder atomic.Bool
}

// HeartbeatEvery is the longest the loop sleeps: a loop that does not turn
// within a few of these is hung, and the daemon stops pinging the watchdog.
const HeartbeatEvery = 5 * time.Second

// Heartbeat returns when the loop last turned (zero before Run). It is
// wall-clock time, whatever Opts.Clock is.
func (c *Controller) Heartbeat() time.Time {
	n := c.beat.Load()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// pending holds the inputs not yet applied; latest wins.
type pending struct {
	status    *layout.Status
	hasStatus bool
	footer    *Footer
	exposure  *time.Time
	noScanner *bool
	open      *bool
	openUntil *time.Time
	wake      bool
	syncs     []chan struct{}
}

// New returns a controller for p.
func New(p Panel, opts Opts) (*Controller, error) {
	if opts.Layout == nil || opts.Time == nil {
		return nil, errors.New("screen: Opts.Layout and Opts.Time are required")
	}
	if b := p.Bounds(); b != opts.Layout.Bounds() {
		return nil, fmt.Errorf("screen: panel bounds %v, layout %v", b, opts.Layout.Bounds())
	}
	if opts.FullEvery == 0 {
		opts.FullEvery = DefaultFullEvery
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.FullEvery < 1 || opts.FullEvery > 1000 {
		return nil, fmt.Errorf("screen: FullEvery %d: want 1 to 1000", opts.FullEvery)
	}
	if opts.StatusHold == 0 {
		opts.StatusHold = DefaultStatusHold
	}
	if opts.StatusHold < time.Second || opts.StatusHold > 5*time.Minute {
		return nil, fmt.Errorf("screen: StatusHold %v: want 1s to 5m", opts.StatusHold)
	}
	if len(opts.Langs) > layout.MaxLangs {
		return nil, fmt.Errorf("screen: %d languages: want 1 to %d", len(opts.Langs), layout.MaxLangs)
	}
	if opts.HKENMode != layout.HKENOff {
		if opts.HKEN == "" {
			return nil, errors.New("screen: a LeaveHomeSafe mode without a code")
		}
		if err := opts.Layout.CheckHKEN(opts.HKEN, opts.HKENMode); err != nil {
			return nil, fmt.Errorf("screen: %w", err)
		}
	}
	if opts.HKENEvery == 0 {
		opts.HKENEvery = DefaultHKENEvery
	}
	if opts.HKENEvery < time.Second || opts.HKENEvery > time.Hour {
		return nil, fmt.Errorf("screen: HKENEvery %v: want 1s to 1h", opts.HKENEvery)
	}
	if opts.Clock == nil {
		opts.Clock = SystemClock{}
	}
	if opts.Loc == nil {
		opts.Loc = time.Local
	}
	return &Controller{panel: p, opts: opts, clk: opts.Clock, signal: make(chan struct{}, 1)}, nil
}

func (c *Controller) notify() {
	select {
	case c.signal <- struct{}{}:
	default:
	}
}

// ShowVerdict shows v in the status area for the status hold. It never
// blocks. Of the holder, only initials and birth year are kept (and only
// with Opts.ShowHolder), until the status reverts.
func (c *Controller) ShowVerdict(v *verify.Verdict) {
	st := layout.VerdictStatus(v, c.opts.ShowHolder)
	c.mu.Lock()
	c.pending.status, c.pending.hasStatus = st, true
	c.mu.Unlock()
	c.notify()
}

// ShowStatus shows st in the status area for the status hold (a verdict
// with an exposure notice, a group's progress or result). It never blocks.
// What st holds of the holder is dropped when the status reverts.
func (c *Controller) ShowStatus(st *layout.Status) {
	c.mu.Lock()
	c.pending.status, c.pending.hasStatus = st, true
	c.mu.Unlock()
	c.notify()
}

// ShowMessage shows a message (staff card, exempt entry) with a symbol in
// the status area for the status hold. It never blocks.
func (c *Controller) ShowMessage(sym layout.Symbol, k i18n.Key) {
	c.mu.Lock()
	c.pending.status, c.pending.hasStatus = layout.MessageStatus(sym, k), true
	c.mu.Unlock()
	c.notify()
}

// SetFooter sets the synced data's state (at start and after each sync).
// The footer is redrawn at once if its pixels change; from then on its
// clock and the data's age follow the minute, and the stale notice shows
// by itself once Footer.MaxAge has passed.
func (c *Controller) SetFooter(f Footer) {
	c.mu.Lock()
	c.pending.footer = &f
	c.mu.Unlock()
	c.notify()
}

// SetExposureNotice shows an exposure notice for the given date in the
// footer (zero clears it), from the next rotation.
func (c *Controller) SetExposureNotice(date time.Time) {
	c.mu.Lock()
	c.pending.exposure = &date
	c.mu.Unlock()
	c.notify()
}

// SetNoScanner says whether the scanner is missing; the idle status area
// says so.
func (c *Controller) SetNoScanner(missing bool) {
	c.mu.Lock()
	c.pending.noScanner = &missing
	c.mu.Unlock()
	c.notify()
}

// SetOpen says whether entry is open (no pass checks).
func (c *Controller) SetOpen(open bool) {
	c.mu.Lock()
	c.pending.open = &open
	c.mu.Unlock()
	c.notify()
}

// SetEntryOpen opens entry until until (the idle status area says so in
// every language, with the time), or, with the zero time, closes it.
func (c *Controller) SetEntryOpen(until time.Time) {
	open := !until.IsZero()
	c.mu.Lock()
	c.pending.open, c.pending.openUntil = &open, &until
	c.mu.Unlock()
	c.notify()
}

// Wake makes the next refresh a full one (after the panel slept, or the
// system resumed), and redraws at once.
func (c *Controller) Wake() {
	c.mu.Lock()
	c.pending.wake = true
	c.mu.Unlock()
	c.notify()
}

// Stats returns the refresh counts.
func (c *Controller) Stats() Stats {
	c.mu.Lock()
	s := c.stats
	c.mu.Unlock()
	if bc, ok := c.panel.(ByteCounter); ok {
		s.Bytes = bc.BytesSent()
	}
	return s
}

// WritePNG writes what the panel shows now as a 1-bit PNG (for the local
// web page). It fails before the first refresh.
func (c *Controller) WritePNG(w io.Writer) error {
	c.mu.Lock()
	var p *image.Paletted
	if c.shown != nil {
		p = layout.Paletted(c.shown)
	}
	c.mu.Unlock()
	if p == nil {
		return errors.New("screen: nothing shown yet")
	}
	return png.Encode(w, p)
}

// HolderShown reports whether the panel shows (or is about to show) a
// holder's details: initials, birth year or name.
func (c *Controller) HolderShown() bool { return c.holder.Load() }

// WritePNGWithoutStatus writes what the panel shows, as WritePNG does, with
// the status area blank: what may leave the kiosk while a holder is shown.
func (c *Controller) WritePNGWithoutStatus(w io.Writer) error {
	c.mu.Lock()
	var p *image.Paletted
	if c.shown != nil {
		p = layout.Paletted(c.shown)
	}
	c.mu.Unlock()
	if p == nil {
		return errors.New("screen: nothing shown yet")
	}
	draw.Draw(p, c.opts.Layout.StatusWindow(), image.White, image.Point{}, draw.Src)
	return png.Encode(w, p)
}

// sync waits until the controller has applied everything pending and
// every event due by its clock (tests).
func (c *Controller) sync(ctx context.Context) error {
	ch := make(chan struct{})
	c.mu.Lock()
	c.pending.syncs = append(c.pending.syncs, ch)
	c.mu.Unlock()
	c.notify()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
