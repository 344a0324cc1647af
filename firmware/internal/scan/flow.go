package scan

import (
	"context"
	"crypto/sha256"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// Source says where a payload came from.
type Source string

// Sources.
const (
	Serial Source = "serial"
	Web    Source = "web"
)

// Scan is one payload to judge.
type Scan struct {
	Payload string
	Source  Source
	Read    time.Time // when the scanner delivered it; zero: now
}

// Result is a judged scan. Verdict carries the holder's name and date of
// birth for the guard; sinks must never store or log them. A staff code
// (Staff) is no pass: its result has no verdict.
type Result struct {
	Seq     uint64
	Verdict *verify.Verdict
	Source  Source
	At      time.Time // the time the pass was judged by
	Trusted bool      // whether At came from a trusted clock
	Repeat  bool      // the same payload within the repeat window: not counted again
	Latency time.Duration

	// Notice is an exposure notice for this holder, set by an Annotator
	// (firmware/visits); nil: none.
	Notice *Notice
	// Group is the open group as of this scan (a copy); nil outside group
	// mode. Member is this scan's place in it (1…MaxGroup), 0 when its pass
	// was already a member.
	Group  *Group
	Member int
	// Staff says the payload was a staff code, not a pass: the staff
	// group code (it opened or ended a group: Group says which), a staff
	// card, a category code or a venue poster (door.go: Door says what
	// happened). A staff result has no verdict (Verdict is nil) and
	// touches no counter: no sink sees it as a scan; GroupSinks and
	// DoorSinks hear of it. Message says what happened, in words, for the
	// request that sent it; Refused that it did nothing but say why.
	Staff   bool
	Message string
	Refused bool
	Door    *DoorEvent
	// Open says entry was open (no checks) when this pass was scanned:
	// it is shown, never as a refusal.
	Open bool
	// Exit says the pass was scanned on its way out (exit.go): sinks say
	// goodbye rather than show the verdict; the visit log records a
	// check-out.
	Exit bool
	// VenueNotice is this venue's exposure notice while its notice period
	// runs, set by an Annotator (firmware/visits) for every pass scanned:
	// the guard hands out the printed advice. Nothing personal: the same
	// for everyone. nil: none.
	VenueNotice *Notice
}

// Notice is an exposure notice for the holder of a scanned pass: the pass
// was here during the exposure window [Start, End) of this venue.
type Notice struct {
	Start, End time.Time
}

// Annotator adds to a result after the verdict and before the sinks (the
// exposure match). It runs on the flow's goroutine, ahead of the lights:
// it must take well under a millisecond.
type Annotator interface {
	Annotate(r *Result)
}

// Sink receives results, in order, on the flow's goroutine. Lights must
// return at once; slow sinks hand the work to their own goroutine.
type Sink interface {
	Scanned(r Result)
}

// Verifier judges a payload; *verify.Engine implements it.
type Verifier interface {
	Verify(payload string, at time.Time) *verify.Verdict
}

// TimeSource gives the time to judge by and whether it is trusted;
// *clock.Trusted implements it.
type TimeSource interface {
	Judge() (time.Time, bool)
}

// Opts configures a Flow.
type Opts struct {
	Verifier     Verifier
	Time         TimeSource
	Sinks        []Sink        // called in order: lights first
	RepeatWindow time.Duration // 0: every scan counts
	QueueLen     int           // default 16
	Annotators   []Annotator   // called in order before the sinks
	Group        GroupOpts     // group mode (companions)
	Door         DoorOpts      // staff cards: exempt entries, open entry, setup (door.go)
	Exit         ExitOpts      // exit scans: check-outs (exit.go)
	// Now reads the wall clock for latency and the repeat window; nil: time.Now.
	Now func() time.Time
	// Logger receives the flow's log; nil: slog.Default().
	Logger *slog.Logger
}

// Flow is the scan flow.
type Flow struct {
	opts    Opts
	queue   chan job
	seq     uint64
	recent  map[[32]byte]time.Time
	dropped atomic.Uint64
	beat    atomic.Value // time.Time
	done    chan struct{}
	once    sync.Once

	group    *group // the open group; owned by Run's goroutine
	groupSeq uint64
	door     door // owned by Run's goroutine (door.go)

	exitUntil time.Time // the exit button's window; owned by Run's goroutine (exit.go)
}

type job struct {
	scan   Scan
	reply  chan Result
	toggle bool // open or end a group (a button)
	button *doorButton
	check  bool // only look at the clock (tests)
	exit   bool // the exit button
}

// ErrStopped is returned by Scan after Run has returned.
var ErrStopped = errors.New("scan: flow stopped")

// New returns a flow; call Run to start it.
func New(opts Opts) *Flow {
	if opts.QueueLen <= 0 {
		opts.QueueLen = 16
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if err := opts.Group.check(); err != nil {
		// The configuration is checked before this; never start a group
		// from a code the kiosk cannot judge.
		opts.Logger.Error("group mode off", "err", err)
		opts.Group = GroupOpts{Window: defaultGroupWindow}
	}
	if err := opts.Door.check(); err != nil {
		// As for groups: checked before; staff cards are refused rather
		// than judged on bounds the kiosk cannot keep.
		opts.Logger.Error("staff cards off", "err", err)
		opts.Door = DoorOpts{}
		opts.Door.check()
	}
	if err := opts.Exit.check(); err != nil {
		// Checked before; an unknown mode judges entry.
		opts.Logger.Error("exit scans off", "err", err)
		opts.Exit = ExitOpts{Mode: EntryMode}
	}
	return &Flow{
		opts:   opts,
		queue:  make(chan job, opts.QueueLen),
		recent: make(map[[32]byte]time.Time),
		done:   make(chan struct{}),
	}
}

// Submit queues a scan without blocking. It reports false, and counts the
// drop, when the queue is full.
func (f *Flow) Submit(s Scan) bool {
	select {
	case <-f.done:
		return false
	default:
	}
	select {
	case f.queue <- job{scan: s}:
		return true
	default:
		n := f.dropped.Add(1)
		f.opts.Logger.Warn("scan queue full; scan dropped", "dropped_total", n)
		return false
	}
}

// Scan judges s through the flow and waits for its result (for the web
// page, which shows the verdict to whoever pasted the payload).
func (f *Flow) Scan(ctx context.Context, s Scan) (Result, error) {
	reply := make(chan Result, 1)
	select {
	case f.queue <- job{scan: s, reply: reply}:
	case <-ctx.Done():
		return Result{}, ctx.Err()
	case <-f.done:
		return Result{}, ErrStopped
	}
	select {
	case r := <-reply:
		return r, nil
	case <-ctx.Done():
		return Result{}, ctx.Err()
	case <-f.done:
		return Result{}, ErrStopped
	}
}

// Dropped returns how many scans were dropped because the queue was full.
func (f *Flow) Dropped() uint64 { return f.dropped.Load() }

// Run processes scans until ctx is done. A scan being judged when ctx ends
// is finished first.
func (f *Flow) Run(ctx context.Context) error {
	defer f.once.Do(func() { close(f.done) })
	tick := time.NewTicker(HeartbeatEvery)
	defer tick.Stop()
	f.beat.Store(f.opts.Now())
	f.resumeDoor(f.opts.Now())
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			f.expireGroup(f.opts.Now())
			f.expireDoor(f.opts.Now())
		case j := <-f.queue:
			f.expireGroup(f.opts.Now())
			f.expireDoor(f.opts.Now())
			switch {
			case j.check:
				if j.reply != nil {
					j.reply <- Result{}
				}
			case j.button != nil:
				f.pressed(j.button, f.opts.Now())
			case j.exit:
				f.armExit(f.opts.Now())
			case j.toggle:
				if f.group == nil {
					f.openGroup(f.opts.Now())
				} else {
					f.closeGroup(Ended)
				}
			default:
				r := f.process(j.scan)
				if j.reply != nil {
					j.reply <- r
				}
			}
		}
		f.beat.Store(f.opts.Now())
	}
}

// Processed returns the number of scans judged so far.
func (f *Flow) Processed() uint64 { return atomic.LoadUint64(&f.seq) }

// Heartbeat returns when the flow's goroutine last proved it was alive: it
// beats every HeartbeatEvery while idle and after every scan. A hung flow
// stops beating; the watchdog stops pinging systemd.
func (f *Flow) Heartbeat() time.Time {
	if t, ok := f.beat.Load().(time.Time); ok {
		return t
	}
	return time.Time{}
}

// HeartbeatEvery is how often an idle flow beats.
const HeartbeatEvery = time.Second

func (f *Flow) process(s Scan) Result {
	start := s.Read
	wall := f.opts.Now()
	if start.IsZero() {
		start = wall
	}
	if f.isDoorPayload(s.Payload) {
		if !f.fromScanner(s) {
			return f.notFromScanner(s, wall)
		}
		return f.doorScan(s, wall, f.doorRepeat(s.Payload, wall))
	}
	if f.isGroupCode(s.Payload) {
		if !f.fromScanner(s) {
			return f.notFromScanner(s, wall)
		}
		// A staff code, not a pass: the scanner reading it twice is one
		// action (DoorRepeat), and scanning it again later ends the group
		// or starts the next, whatever the passes' repeat window.
		return f.staff(s, wall, f.doorRepeat(s.Payload, wall))
	}
	repeat := f.repeat(s.Payload, wall)
	at, trusted := f.opts.Time.Judge()
	v := f.opts.Verifier.Verify(s.Payload, at)
	r := Result{
		Seq:     atomic64Add(&f.seq),
		Verdict: v,
		Source:  s.Source,
		At:      at,
		Trusted: trusted,
		Repeat:  repeat,
		Open:    f.door.open != nil,
		Exit:    f.exitScan(wall),
	}
	for _, a := range f.opts.Annotators {
		a.Annotate(&r)
	}
	if f.group != nil && !r.Exit {
		f.join(&r, s.Payload)
	}
	for _, sink := range f.opts.Sinks {
		sink.Scanned(r)
		if r.Latency == 0 {
			// The first sink is the lights: latency is measured to it.
			r.Latency = f.opts.Now().Sub(start)
		}
	}
	if f.group != nil && len(f.group.Members) >= MaxGroup {
		f.closeGroup(Full)
	}
	return r
}

func atomic64Add(p *uint64) uint64 { return atomic.AddUint64(p, 1) }

// trimPayload drops the line ending a scanner may leave, as the verifier
// does.
func trimPayload(p string) string { return strings.TrimRight(p, "\r\n") }

// maxRecent bounds the repeat-window memory.
const maxRecent = 1024

// repeat reports whether payload was seen within the window, and remembers
// it. Old entries are pruned as they are met.
func (f *Flow) repeat(payload string, now time.Time) bool {
	if f.opts.RepeatWindow <= 0 {
		return false
	}
	for k, t := range f.recent {
		if now.Sub(t) > f.opts.RepeatWindow {
			delete(f.recent, k)
		}
	}
	h := sha256.Sum256([]byte(payload))
	_, seen := f.recent[h]
	if !seen && len(f.recent) >= maxRecent {
		return false // a flood of distinct passes: count them all
	}
	f.recent[h] = now
	return seen
}
