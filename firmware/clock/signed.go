package clock

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Event is a time the kiosk refused to take (a clock jump, a signed time
// ahead of its evidence) or a floor reset it applied.
type Event struct {
	Time  time.Time `json:"time"`           // the reading, the signed time, or the reset's time
	Limit time.Time `json:"limit,omitzero"` // the latest time the evidence allowed
	Seen  time.Time `json:"seen,omitzero"`  // when (by the kiosk's reckoning)
	// Trusted is true for a clock jump that is still trusted for judging
	// (no signed time confirmed the clock yet) but not saved.
	Trusted bool  `json:"trusted,omitempty"`
	Version int64 `json:"version,omitempty"` // a reset's version
}

// State is the clock's state for status pages and fleet reports.
type State struct {
	Trusted bool      `json:"trusted"`
	Floor   time.Time `json:"floor"`
	// Confirmed is when a signed time last confirmed the clock in this
	// boot (zero: not yet).
	Confirmed time.Time `json:"confirmed,omitzero"`
	Jump      *Event    `json:"jump,omitempty"`
	Ahead     *Event    `json:"signed_ahead,omitempty"`
	Reset     *Event    `json:"reset,omitempty"`
}

// State returns the clock's state.
func (t *Trusted) State() State {
	_, trusted := t.Judge()
	t.mu.Lock()
	defer t.mu.Unlock()
	s := State{Trusted: trusted, Floor: t.floor.UTC(), Confirmed: t.anchor}
	copyEv := func(e *Event) *Event {
		if e == nil {
			return nil
		}
		c := *e
		return &c
	}
	s.Jump, s.Ahead, s.Reset = copyEv(t.jump), copyEv(t.ahead), copyEv(t.reset)
	return s
}

// FloorFor returns the time a sync whose verified timestamp metadata was
// issued at issued and expires at expires may raise the floor to (the
// zero time: none). Signed takes the same decision and remembers it.
func (t *Trusted) FloorFor(issued, expires time.Time) time.Time {
	now, m := t.clock.Now(), t.mono()
	t.mu.Lock()
	defer t.mu.Unlock()
	f, _ := t.signedFloor(issued, expires, now, m)
	return f
}

// agrees reports whether the clock reading now confirms a signed time:
// it is inside the signed metadata's validity, and not behind the floor.
func (t *Trusted) agrees(issued, expires, now time.Time) bool {
	return !now.Before(issued.Add(-Tolerance)) && now.Before(expires) && !now.Before(t.floor.Add(-Tolerance))
}

func (t *Trusted) signedFloor(issued, expires, now time.Time, m time.Duration) (f time.Time, confirmed bool) {
	if t.agrees(issued, expires, now) {
		if issued.After(now) {
			return issued, true // ahead by less than Tolerance
		}
		return now, true
	}
	if t.trustedAt(now, m) {
		// The clock is trusted and reads before the signed time: the
		// signed time is ahead of the better evidence.
		if issued.After(now.Add(Tolerance)) {
			return time.Time{}, false
		}
		return issued, false
	}
	if issued.After(t.saveLimit(m)) {
		return time.Time{}, false
	}
	return issued, false
}

// trustedAt reports whether the clock reading now is trusted.
func (t *Trusted) trustedAt(now time.Time, m time.Duration) bool {
	if now.Before(t.lowest()) {
		return false
	}
	lim, ok := t.trustLimit(m)
	return !ok || !now.After(lim)
}

// Signed takes the signed time of a verified sync: the issue and expiry
// times of the timestamp metadata it trusted. When the clock reads inside
// that window the two independent sources agree: the clock is confirmed
// (it anchors the bound on later readings) and the floor rises to it.
// Otherwise a signed time raises the floor only when it is no later than
// a trusted clock or, with the clock untrusted, than the bound of the
// evidence (the floor the kiosk started with + monotonic elapsed +
// Slack); a signed time beyond is logged and reported (State's Ahead),
// never saved. It returns the floor.
func (t *Trusted) Signed(issued, expires time.Time) (time.Time, error) {
	now, m := t.clock.Now(), t.mono()
	t.mu.Lock()
	defer t.mu.Unlock()
	f, confirmed := t.signedFloor(issued, expires, now, m)
	switch {
	case confirmed:
		t.anchor, t.anchorMono = now, m
		if t.jump != nil {
			t.logf("clock: a signed time confirms the clock", "clock", now.UTC().Format(time.RFC3339))
			t.jump = nil
		}
		t.ahead = nil
	case f.IsZero():
		lim := now
		if !t.trustedAt(now, m) {
			lim = t.saveLimit(m)
		}
		if t.ahead == nil || !t.ahead.Time.Equal(issued) {
			t.logf("clock: signed time is ahead of the kiosk's evidence; the time floor is not raised",
				"signed", issued.UTC().Format(time.RFC3339), "limit", lim.UTC().Format(time.RFC3339))
		}
		t.ahead = &Event{Time: issued, Limit: lim, Seen: t.estimate(m)}
	default:
		t.ahead = nil
	}
	if !f.After(t.floor) {
		return t.floor, nil
	}
	t.floor, t.floorMono = f, m
	if t.store == nil {
		return t.floor, nil
	}
	if err := t.store.RaiseTimeFloor(f); err != nil {
		return t.floor, fmt.Errorf("clock: persisting the time floor: %w", err)
	}
	t.persisted = f
	return t.floor, nil
}

// Errors Reset returns.
var (
	ErrResetReplayed = errors.New("clock: floor reset already applied (its version is not newer than the last one)")
	ErrResetExpired  = errors.New("clock: floor reset expired")
	ErrResetStore    = errors.New("clock: the store cannot reset the time floor")
)

// Reset applies a floor reset whose signature (root or targets keys: an
// offline authority) the caller verified: the floor becomes at, even when
// lower, and the bound on later readings starts again from it. version
// must be newer than the last reset applied (a replay changes nothing);
// a reset is refused when the clock reads past expires — unless the clock
// reads before at, i.e. it is unset and cannot judge.
func (t *Trusted) Reset(at, expires time.Time, version int64) error {
	rs, ok := t.store.(ResetStore)
	if !ok || t.store == nil {
		return ErrResetStore
	}
	bf, _ := time.Parse(time.RFC3339, BuildFloor)
	if at.Before(bf) {
		return fmt.Errorf("clock: floor reset to %s, before this firmware was built (%s)", at.UTC().Format(time.RFC3339), BuildFloor)
	}
	last, err := rs.FloorResetVersion()
	if err != nil {
		return fmt.Errorf("clock: %w", err)
	}
	if version <= last {
		return fmt.Errorf("%w: version %d, last applied %d", ErrResetReplayed, version, last)
	}
	now, m := t.clock.Now(), t.mono()
	if !now.Before(at.Add(-Tolerance)) && !now.Before(expires) {
		return fmt.Errorf("%w at %s; the clock reads %s", ErrResetExpired, expires.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := rs.ResetTimeFloor(at, version); err != nil {
		return fmt.Errorf("clock: resetting the time floor: %w", err)
	}
	old := t.floor
	t.floor, t.floorMono, t.persisted = at, m, at
	t.start, t.startMono = at, m
	t.anchor, t.anchorMono = time.Time{}, 0
	t.high, t.highMono = time.Time{}, 0
	t.jump, t.ahead = nil, nil
	t.reset = &Event{Time: at, Seen: now, Version: version}
	t.logf("clock: time floor reset by a signed file", "from", old.UTC().Format(time.RFC3339), "to", at.UTC().Format(time.RFC3339), "version", version)
	return nil
}

func warn(msg string, args ...any) { slog.Warn(msg, args...) }
