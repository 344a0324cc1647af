package clock

import (
	"fmt"
	"sync"
	"time"
)

// Clock tells the time. Tests use Fake; the daemon uses System.
type Clock interface {
	Now() time.Time
}

// System is the system clock.
type System struct{}

// Now implements Clock.
func (System) Now() time.Time { return time.Now() }

// Fake is a settable clock for tests, safe for concurrent use.
type Fake struct {
	mu sync.Mutex
	t  time.Time
}

// NewFake returns a Fake set to t.
func NewFake(t time.Time) *Fake { return &Fake{t: t} }

// Now implements Clock.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

// Set sets the time.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	f.t = t
	f.mu.Unlock()
}

// Advance moves the time forward by d.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

// FloorStore persists the time floor. firmware/store implements it.
type FloorStore interface {
	TimeFloor() (time.Time, error)
	RaiseTimeFloor(t time.Time) error
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

// Trusted is the kiosk's trusted clock.
type Trusted struct {
	clock Clock
	store FloorStore
	// PersistEvery bounds how often the floor is written while the clock
	// runs normally (flash wears).
	persistEvery time.Duration

	mu        sync.Mutex
	floor     time.Time
	persisted time.Time
}

// Tolerance is how far behind the floor the clock may be and still be
// trusted: the floor is persisted only every few minutes, and a signed
// timestamp may be a little ahead of a correct clock.
const Tolerance = 2 * time.Minute

// NewTrusted loads the floor from store (which may be nil in tests).
func NewTrusted(c Clock, store FloorStore) (*Trusted, error) {
	t := &Trusted{clock: c, store: store, persistEvery: 10 * time.Minute}
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
	return t, nil
}

// Now returns the current time if it can be trusted, or an
// *UntrustedError. A trusted reading raises the floor (persisted at most
// every few minutes).
func (t *Trusted) Now() (time.Time, error) {
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if now.Before(t.floor.Add(-Tolerance)) {
		return now, &UntrustedError{Now: now, Floor: t.floor}
	}
	if now.After(t.floor) {
		t.floor = now
	}
	if t.store != nil && now.Sub(t.persisted) >= t.persistEvery {
		if err := t.store.RaiseTimeFloor(now); err == nil {
			t.persisted = now
		}
	}
	return now, nil
}

// Judge returns the time to judge passes by: the clock when it is trusted,
// otherwise the floor (the clock is ignored for validity decisions), and
// whether the clock was trusted.
func (t *Trusted) Judge() (at time.Time, trusted bool) {
	now, err := t.Now()
	if err != nil {
		return t.Floor(), false
	}
	return now, true
}

// Floor returns the current floor.
func (t *Trusted) Floor() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.floor
}

// Raise raises the floor to at (the signed timestamp of a sync) and
// persists it at once. A lower value changes nothing.
func (t *Trusted) Raise(at time.Time) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !at.After(t.floor) {
		return nil
	}
	t.floor = at
	if t.store == nil {
		return nil
	}
	if err := t.store.RaiseTimeFloor(at); err != nil {
		return fmt.Errorf("clock: persisting the time floor: %w", err)
	}
	t.persisted = at
	return nil
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
