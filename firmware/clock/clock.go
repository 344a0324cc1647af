package clock

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Clock tells the time. Tests use Fake; the daemon uses System.
type Clock interface {
	Now() time.Time
}

// Monotonic is a Clock that also tells how much time really passed: a
// reading no one can set (CLOCK_MONOTONIC). Trusted bounds how far the
// wall clock and signed times may run ahead with it. A Clock without it
// is treated as if no time passed.
type Monotonic interface {
	Elapsed() time.Duration
}

// System is the system clock.
type System struct{}

// Now implements Clock.
func (System) Now() time.Time { return time.Now() }

// processStart carries Go's monotonic reading.
var processStart = time.Now()

// Elapsed implements Monotonic: the monotonic time since the process
// started, which no change of the wall clock moves.
func (System) Elapsed() time.Duration { return time.Since(processStart) }

// Fake is a settable clock for tests, safe for concurrent use. Advance
// moves its wall and monotonic readings together; Set moves only the wall
// clock, as a time server stepping the clock does.
type Fake struct {
	mu   sync.Mutex
	t    time.Time
	mono time.Duration
}

// NewFake returns a Fake set to t.
func NewFake(t time.Time) *Fake { return &Fake{t: t} }

// Now implements Clock.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

// Elapsed implements Monotonic.
func (f *Fake) Elapsed() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mono
}

// Set sets the wall clock (the monotonic reading does not move).
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	f.t = t
	f.mu.Unlock()
}

// Advance moves the time forward by d.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mono += d
	f.mu.Unlock()
}

// FloorStore persists the time floor. internal/store implements it.
type FloorStore interface {
	TimeFloor() (time.Time, error)
	RaiseTimeFloor(t time.Time) error
}

// ResetStore is a FloorStore that can also lower the floor, for a signed
// floor reset (Trusted.Reset), and remembers the last reset's version.
// internal/store implements it.
type ResetStore interface {
	FloorStore
	ResetTimeFloor(t time.Time, version int64) error
	FloorResetVersion() (int64, error)
}

// BuildFloor is the earliest time any kiosk can be in: no firmware runs
// before it was built. The build may set it later with -ldflags -X.
var BuildFloor = "2026-01-01T00:00:00Z"

// UntrustedError says the clock reads earlier than the floor.
type UntrustedError struct {
	Now, Floor time.Time
}

func (e *UntrustedError) Error() string {
	return fmt.Sprintf("clock reads %s, before the last known good time %s: time is not trusted",
		e.Now.UTC().Format(time.RFC3339), e.Floor.UTC().Format(time.RFC3339))
}

// JumpError says the clock reads later than the kiosk's evidence allows:
// it jumped forward (a wrong or spoofed time server) since the kiosk last
// had proof of the time.
type JumpError struct {
	Now, Limit time.Time
}

func (e *JumpError) Error() string {
	return fmt.Sprintf("clock reads %s, after %s, the latest time the kiosk's evidence allows: time is not trusted",
		e.Now.UTC().Format(time.RFC3339), e.Limit.UTC().Format(time.RFC3339))
}

// Tolerance is how far behind the floor the clock may be and still be
// trusted: the floor is persisted only every few minutes, and a signed
// timestamp may be a little ahead of a correct clock.
const Tolerance = 2 * time.Minute

// Slack is how far the clock, or a signed time, may run ahead of the
// kiosk's evidence of the time and still raise the floor: a kiosk off
// overnight finds its clock that much further on, and a wrong reading
// can push the floor no further than this (per boot).
const Slack = 12 * time.Hour

// CeilingMargin is how far past the trusted root's expiry a clock reading
// may be and still be trusted before any signed time confirmed it: a
// kiosk that cannot sync for a year after its root expired can sync no
// more anyway.
const CeilingMargin = 366 * 24 * time.Hour

// Trusted is the kiosk's trusted clock.
//
// It keeps a time floor (the latest time it had good reason to believe,
// persisted) and bounds how far ahead anything may move it:
//
//   - an anchor: a time confirmed in this boot — the system clock agreeing
//     with a signed timestamp — and the monotonic reading then. While there
//     is one, a reading later than anchor + monotonic elapsed + Slack is a
//     jump: not trusted, not saved, reported (Jump);
//   - before any anchor, readings are trusted up to the ceiling (the
//     trusted root's expiry plus CeilingMargin, SetCeiling), but saved only
//     up to the floor the kiosk started with + monotonic elapsed + Slack;
//   - signed times (Signed) raise the floor only within the same bound,
//     unless the clock agrees with them;
//   - only a signed floor reset (Reset, offline keys) lowers the floor.
type Trusted struct {
	clock Clock
	store FloorStore
	// PersistEvery bounds how often the floor is written while the clock
	// runs normally (flash wears).
	persistEvery time.Duration

	mu        sync.Mutex
	floor     time.Time
	floorMono time.Duration // the monotonic reading when floor was set
	// high is the latest trusted reading in this run (it may be past the
	// floor when the floor may not follow the clock yet): a clock going
	// back behind it is not trusted either. In memory only.
	high       time.Time
	highMono   time.Duration
	persisted  time.Time
	start      time.Time     // the floor the kiosk started with (or a reset set)
	startMono  time.Duration // its monotonic reading
	anchor     time.Time     // a confirmed time; zero: none in this boot
	anchorMono time.Duration
	ceiling    time.Time // zero: none
	jump       *Event    // the clock's last refused jump, while it lasts
	ahead      *Event    // the last signed time refused
	reset      *Event    // the last floor reset applied
	logf       func(msg string, args ...any)
}

// NewTrusted loads the floor from store (which may be nil in tests).
func NewTrusted(c Clock, store FloorStore) (*Trusted, error) {
	t := &Trusted{clock: c, store: store, persistEvery: 10 * time.Minute, logf: warn}
	bf, err := time.Parse(time.RFC3339, BuildFloor)
	if err != nil {
		return nil, fmt.Errorf("clock: BuildFloor %q: %v", BuildFloor, err)
	}
	t.floor = bf
	if store != nil {
		f, err := store.TimeFloor()
		if err != nil {
			return nil, fmt.Errorf("clock: reading the time floor: %w", err)
		}
		if f.After(t.floor) {
			t.floor = f
		}
		t.persisted = t.floor
	}
	m := t.mono()
	t.floorMono, t.start, t.startMono = m, t.floor, m
	return t, nil
}

// SetLogger sends the clock's warnings (a jump, a signed time refused, a
// floor reset) to log instead of slog.Default(). Call it before the clock
// is shared.
func (t *Trusted) SetLogger(log *slog.Logger) { t.logf = log.Warn }

func (t *Trusted) mono() time.Duration {
	if m, ok := t.clock.(Monotonic); ok {
		return m.Elapsed()
	}
	return 0
}

// estimate is the floor moved on by the monotonic time since it was set:
// the time the kiosk judges by when the clock is not trusted.
func (t *Trusted) estimate(m time.Duration) time.Time {
	return t.floor.Add(max(0, m-t.floorMono))
}

// lowest is the earliest clock reading trusted: the floor, or the latest
// trusted reading of this run, less Tolerance.
func (t *Trusted) lowest() time.Time {
	if t.high.After(t.floor) {
		return t.high.Add(-Tolerance)
	}
	return t.floor.Add(-Tolerance)
}

// saveLimit is the latest time the floor may be raised to without an
// offline authority or agreement between the clock and signed time.
func (t *Trusted) saveLimit(m time.Duration) time.Time {
	if !t.anchor.IsZero() {
		return t.anchor.Add(max(0, m-t.anchorMono) + Slack)
	}
	return t.start.Add(max(0, m-t.startMono) + Slack)
}

// trustLimit is the latest clock reading trusted for judging.
func (t *Trusted) trustLimit(m time.Duration) (time.Time, bool) {
	if !t.anchor.IsZero() {
		return t.saveLimit(m), true
	}
	if !t.ceiling.IsZero() {
		return t.ceiling, true
	}
	return time.Time{}, false
}

// Now returns the current time if it can be trusted, or an
// *UntrustedError (the clock reads before the floor) or a *JumpError (it
// reads after what the evidence allows). A trusted reading raises the
// floor within the evidence's bound (persisted at most every few minutes).
func (t *Trusted) Now() (time.Time, error) {
	now := t.clock.Now()
	m := t.mono()
	t.mu.Lock()
	defer t.mu.Unlock()
	if now.Before(t.lowest()) {
		return now, &UntrustedError{Now: now, Floor: t.lowest().Add(Tolerance)}
	}
	if lim, ok := t.trustLimit(m); ok && now.After(lim) {
		t.noteJump(now, lim, false)
		return now, &JumpError{Now: now, Limit: lim}
	}
	raise := now
	if lim := t.saveLimit(m); raise.After(lim) {
		t.noteJump(now, lim, true)
		raise = lim
	} else if t.jump != nil {
		t.logf("clock: the clock is back within the kiosk's evidence", "clock", now.UTC().Format(time.RFC3339))
		t.jump = nil
	}
	if raise.After(t.floor) {
		t.floor, t.floorMono = raise, m
	}
	if now.After(t.high) {
		t.high, t.highMono = now, m
	}
	if t.store != nil && t.floor.Sub(t.persisted) >= t.persistEvery {
		if err := t.store.RaiseTimeFloor(t.floor); err == nil {
			t.persisted = t.floor
		}
	}
	return now, nil
}

// noteJump records (and logs once) a clock reading beyond the evidence.
func (t *Trusted) noteJump(now, lim time.Time, trusted bool) {
	if j := t.jump; j != nil && j.Trusted == trusted && absDur(now.Sub(lim)-j.Time.Sub(j.Limit)) < Slack {
		j.Time, j.Limit = now, lim
		return
	}
	t.jump = &Event{Time: now, Limit: lim, Trusted: trusted}
	if trusted {
		t.logf("clock: the clock jumped ahead of the kiosk's evidence; trusted, but the time floor is not raised past the limit until a signed time confirms it",
			"clock", now.UTC().Format(time.RFC3339), "limit", lim.UTC().Format(time.RFC3339))
		return
	}
	t.logf("clock: the clock jumped ahead of the kiosk's evidence; not trusted, passes are judged by the kiosk's own reckoning",
		"clock", now.UTC().Format(time.RFC3339), "limit", lim.UTC().Format(time.RFC3339))
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// Judge returns the time to judge passes by: the clock when it is trusted,
// otherwise the floor moved on by the monotonic time since it was set (the
// clock is ignored for validity decisions), and whether the clock was
// trusted.
func (t *Trusted) Judge() (at time.Time, trusted bool) {
	now, err := t.Now()
	if err != nil {
		m := t.mono()
		t.mu.Lock()
		defer t.mu.Unlock()
		at := t.estimate(m)
		var ue *UntrustedError
		if errors.As(err, &ue) && t.high.After(at) {
			// The clock went back: judge by the latest trusted reading,
			// moved on.
			if h := t.high.Add(max(0, m-t.highMono)); h.After(at) {
				at = h
			}
		}
		return at, false
	}
	return now, true
}

// Floor returns the current floor.
func (t *Trusted) Floor() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.floor
}

// Behind reports whether the clock reads earlier than the floor (beyond
// Tolerance): the clock is unset — or the floor is wrong, which only a
// signed floor reset repairs.
func (t *Trusted) Behind() bool {
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	return now.Before(t.floor.Add(-Tolerance)) // the saved floor, not this run's readings
}

// SetCeiling sets the latest time a clock reading is trusted before any
// signed time confirmed the clock: the trusted root's expiry (offline
// keys) plus CeilingMargin. A zero time sets none.
func (t *Trusted) SetCeiling(rootExpires time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if rootExpires.IsZero() {
		t.ceiling = time.Time{}
		return
	}
	t.ceiling = rootExpires.Add(CeilingMargin)
}

// Persist writes the current floor (on shutdown).
func (t *Trusted) Persist() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.store == nil || !t.floor.After(t.persisted) {
		return nil
	}
	if err := t.store.RaiseTimeFloor(t.floor); err != nil {
		return err
	}
	t.persisted = t.floor
	return nil
}
