package visits

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// Defaults and bounds of Opts.
const (
	DefaultRefresh  = 30 * time.Second
	DefaultExpire   = time.Hour
	DefaultQueueLen = 4096
	// RetryExpire is how soon a failed retention pass is tried again.
	RetryExpire = 5 * time.Minute
	// FutureSlack bounds how far ahead of the trusted time a visit may be
	// dated before retention treats it as a clock error and erases it.
	FutureSlack = 24 * time.Hour
)

// TimeSource gives the time and whether it is trusted; *clock.Trusted
// implements it.
type TimeSource interface {
	Judge() (time.Time, bool)
}

// Opts configures a Log.
type Opts struct {
	Store *store.Store // required
	Key   *Key         // required
	// Venue is this kiosk's venue ID as exposure data names it; "": no
	// venue, no exposure notices.
	Venue string
	// Time is the trusted time retention and notices go by; required.
	// While it is not trusted, retention waits (a wrong clock must not
	// erase a month, nor keep one).
	Time TimeSource
	// Retention returns how long visits are kept (the entry policy's
	// VisitRetention); nil: policy.DefaultVisitRetentionDays.
	Retention func() time.Duration
	// AssumedStay returns how long a visit without a check-out is taken
	// to last (the entry policy's AssumedStay for this venue's category),
	// unless an exposure sets its own; nil: policy.DefaultAssumedStay.
	// Called on the scan path: it must be quick.
	AssumedStay func() time.Duration
	// Refresh is how often exposure data is reread; 0: DefaultRefresh.
	Refresh time.Duration
	// Expire is how often retention runs; 0: DefaultExpire (at most an
	// hour).
	Expire time.Duration
	// QueueLen bounds the visits waiting to be written; 0:
	// DefaultQueueLen. Beyond it visits are dropped and counted.
	QueueLen int
	// Location is the time zone whose days an exit scan's check-out
	// keeps to: it closes a check-in of the same day; nil: time.Local.
	Location *time.Location
	// Logger; nil: slog.Default(). It never receives a hash or a pass ID.
	Logger *slog.Logger
}

// Log is the visit log. Its methods are safe for concurrent use.
type Log struct {
	opts Opts
	log  *slog.Logger

	exposures atomic.Pointer[[]store.Exposure] // this venue's, by start

	mu      sync.Mutex // guards pending
	pending []entry
	kick    chan struct{}

	// Counts for the technician (State, kioskctl): nothing says whose.
	recorded     atomic.Uint64 // check-ins
	checkedOut   atomic.Uint64 // exit scans that closed a stay
	ignoredExits atomic.Uint64 // exit scans without a check-in that day
	dropped      atomic.Uint64
	notices      atomic.Uint64
	lastExp      atomic.Pointer[Expired]
}

// Expired is the last retention pass, for status pages.
type Expired struct {
	At        time.Time // trusted time of the pass
	Retention time.Duration
	store.Expiry
}

// New returns a visit log; call Run to write visits and keep retention.
func New(opts Opts) (*Log, error) {
	switch {
	case opts.Store == nil:
		return nil, errors.New("visits: Opts.Store is required")
	case opts.Key == nil:
		return nil, errors.New("visits: Opts.Key is required")
	case opts.Time == nil:
		return nil, errors.New("visits: Opts.Time is required")
	}
	if opts.Retention == nil {
		opts.Retention = func() time.Duration { return time.Duration(policy.DefaultVisitRetentionDays) * 24 * time.Hour }
	}
	if opts.AssumedStay == nil {
		opts.AssumedStay = func() time.Duration { return policy.DefaultAssumedStay }
	}
	if opts.Refresh <= 0 {
		opts.Refresh = DefaultRefresh
	}
	if opts.Expire <= 0 || opts.Expire > DefaultExpire {
		opts.Expire = DefaultExpire
	}
	if opts.QueueLen <= 0 {
		opts.QueueLen = DefaultQueueLen
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	l := &Log{opts: opts, log: opts.Logger, kick: make(chan struct{}, 1)}
	l.exposures.Store(&[]store.Exposure{})
	return l, nil
}

var (
	_ scan.Annotator = (*Log)(nil)
	_ scan.Sink      = (*Log)(nil)
)

// Run writes visits, rereads exposure data every Refresh and runs
// retention at once and every Expire, until ctx ends; then it writes what
// is pending and returns.
func (l *Log) Run(ctx context.Context) {
	if err := l.Refresh(ctx); err != nil {
		l.log.Warn("visits: reading exposure data", "err", err)
	}
	refresh := time.NewTicker(l.opts.Refresh)
	defer refresh.Stop()
	expire := time.NewTimer(0)
	defer expire.Stop()
	for {
		select {
		case <-ctx.Done():
			l.flush(context.Background())
			return
		case <-l.kick:
			l.flush(ctx)
		case <-refresh.C:
			if err := l.Refresh(ctx); err != nil && ctx.Err() == nil {
				l.log.Warn("visits: reading exposure data", "err", err)
			}
		case <-expire.C:
			next := l.opts.Expire
			if _, err := l.Expire(ctx); err != nil && ctx.Err() == nil {
				l.log.Warn("visits: retention failed; retrying", "err", err, "in", RetryExpire)
				next = min(next, RetryExpire)
			}
			expire.Reset(next)
		}
	}
}

// Expire erases the visits older than the retention (and any dated in the
// future beyond FutureSlack) now, and reclaims their space. It does
// nothing, without error, while the time is not trusted.
func (l *Log) Expire(ctx context.Context) (Expired, error) {
	now, trusted := l.opts.Time.Judge()
	if !trusted {
		l.log.Info("visits: time not trusted; retention waits")
		return Expired{}, nil
	}
	keep := l.opts.Retention()
	e, err := l.opts.Store.ExpireVisits(ctx, now.Add(-keep), now.Add(FutureSlack))
	if err != nil {
		return Expired{}, err
	}
	x := Expired{At: now, Retention: keep, Expiry: e}
	l.lastExp.Store(&x)
	if e.Deleted > 0 || e.Converted {
		l.log.Info("visits: retention", "erased", e.Deleted, "retention", keep.String(),
			"pages_freed", e.Freed, "db_bytes_before", e.SizeBefore, "db_bytes_after", e.SizeAfter)
	}
	return x, nil
}

// Stats are the visit log's counts for a technician: nothing says whose.
type Stats struct {
	Logged       int64     // visits in the log
	CheckedOut   int64     // of them, closed by an exit scan
	Oldest       time.Time // the oldest visit's time; zero: none
	Exposed      int64     // logged stays overlapping this venue's exposure windows
	Recorded     uint64    // visits (check-ins) recorded since start
	Exits        uint64    // check-outs recorded since start
	ExitsIgnored uint64    // exit scans since start without a check-in that day
	Dropped      uint64    // visits dropped because the writer fell behind
	Notices      uint64    // exposure notices shown since start
	Last         *Expired  // the last retention pass; nil: none yet
}

// Stats counts the log.
func (l *Log) Stats(ctx context.Context) (Stats, error) {
	st := Stats{Recorded: l.recorded.Load(), Exits: l.checkedOut.Load(), ExitsIgnored: l.ignoredExits.Load(),
		Dropped: l.dropped.Load(), Notices: l.notices.Load(), Last: l.lastExp.Load()}
	vs, err := l.opts.Store.VisitStats(ctx)
	if err != nil {
		return st, err
	}
	st.Logged, st.CheckedOut, st.Oldest = vs.Visits, vs.CheckedOut, vs.Oldest
	if l.opts.Venue != "" {
		if st.Exposed, err = l.opts.Store.ExposedVisits(ctx, l.opts.Venue, l.opts.AssumedStay()); err != nil {
			return st, err
		}
	}
	return st, nil
}
