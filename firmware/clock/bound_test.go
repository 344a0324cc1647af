package clock

import (
	"errors"
	"testing"
	"time"
)

// resetFloor is a memFloor that can also be reset (store.Store's
// ResetTimeFloor).
type resetFloor struct {
	memFloor
	version int64
}

func (r *resetFloor) ResetTimeFloor(t time.Time, version int64) error {
	r.t, r.version = t, version
	r.writes++
	return nil
}

func (r *resetFloor) FloorResetVersion() (int64, error) { return r.version, nil }

var y2099 = time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)

// TestSignedTime2099: a timestamp signed with the online key alone, issued
// in 2099, raises the floor no further than the evidence allows; the
// kiosk keeps judging by its (correct) clock.
func TestSignedTime2099(t *testing.T) {
	fc := NewFake(t0)
	st := &memFloor{t: t0.Add(-time.Hour)}
	tr, err := NewTrusted(fc, st)
	if err != nil {
		t.Fatal(err)
	}
	fc.Advance(time.Minute)
	if _, err := tr.Signed(y2099, y2099.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if f := tr.Floor(); f.After(t0.Add(Slack)) {
		t.Errorf("floor %v after a 2099 timestamp; want at most %v", f, t0.Add(Slack))
	}
	if st.t.Year() == 2099 {
		t.Errorf("stored floor %v", st.t)
	}
	at, ok := tr.Judge()
	if !ok || !at.Equal(t0.Add(time.Minute)) {
		t.Errorf("Judge: %v %v; want the clock %v, trusted", at, ok, t0.Add(time.Minute))
	}
	if s := tr.State(); s.Ahead == nil || !s.Ahead.Time.Equal(y2099) {
		t.Errorf("State().Ahead = %+v; want the refused 2099 time", s.Ahead)
	}
	// An honest timestamp the clock agrees with clears the report.
	if _, err := tr.Signed(t0, t0.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if s := tr.State(); s.Ahead != nil || s.Confirmed.IsZero() {
		t.Errorf("after an honest timestamp: %+v; want confirmed, nothing ahead", s)
	}
}

// TestClockJump2099: the clock jumps to 2099 (a spoofed time server) after
// a signed time confirmed it: not trusted, not saved, reported; passes are
// judged by the floor moved on by the monotonic time. Back in range, the
// clock is trusted again.
func TestClockJump2099(t *testing.T) {
	fc := NewFake(t0)
	st := &memFloor{t: t0.Add(-time.Hour)}
	tr, _ := NewTrusted(fc, st)
	if _, err := tr.Signed(t0.Add(-time.Minute), t0.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	fc.Advance(30 * time.Minute)
	fc.Set(y2099)
	for range 3 {
		fc.Advance(20 * time.Minute) // past persistEvery
		at, ok := tr.Judge()
		if ok || at.Year() == 2099 {
			t.Fatalf("Judge with the clock in 2099: %v %v; want the kiosk's reckoning, untrusted", at, ok)
		}
	}
	want := t0.Add(90 * time.Minute)
	if at, _ := tr.Judge(); !at.Equal(want) {
		t.Errorf("Judge: %v; want the floor moved on by the monotonic time, %v", at, want)
	}
	var je *JumpError
	if _, err := tr.Now(); !errors.As(err, &je) {
		t.Errorf("Now: %v; want a JumpError", err)
	}
	if err := tr.Persist(); err != nil {
		t.Fatal(err)
	}
	if tr.Floor().Year() == 2099 || st.t.Year() == 2099 {
		t.Errorf("floor %v, stored %v: the jump was saved", tr.Floor(), st.t)
	}
	if s := tr.State(); s.Jump == nil || s.Jump.Time.Year() != 2099 || s.Trusted {
		t.Errorf("State: %+v; want the jump reported, untrusted", s)
	}
	fc.Set(want) // the time server is fixed
	if at, ok := tr.Judge(); !ok || !at.Equal(want) {
		t.Errorf("Judge after the clock came back: %v %v", at, ok)
	}
	if s := tr.State(); s.Jump != nil {
		t.Errorf("jump still reported: %+v", s.Jump)
	}
}

// TestClockJumpBeforeConfirmation: before any signed time confirmed the
// clock, a reading far ahead is trusted only up to the ceiling the
// trusted root sets, and never saved beyond the slack.
func TestClockJumpBeforeConfirmation(t *testing.T) {
	fc := NewFake(t0)
	st := &memFloor{t: t0}
	tr, _ := NewTrusted(fc, st)
	tr.SetCeiling(t0.AddDate(1, 0, 0))
	fc.Set(y2099)
	if at, ok := tr.Judge(); ok || at.Year() == 2099 {
		t.Errorf("Judge in 2099 past the root's expiry: %v %v; want untrusted", at, ok)
	}
	month := t0.AddDate(0, 1, 0) // off for a month, or a month ahead
	fc.Set(month)
	if at, ok := tr.Judge(); !ok || !at.Equal(month) {
		t.Errorf("Judge a month on: %v %v; want the clock, trusted", at, ok)
	}
	tr.Persist()
	if f := tr.Floor(); f.After(t0.Add(Slack)) || st.t.After(t0.Add(Slack)) {
		t.Errorf("floor %v, stored %v; want at most %v until a signed time confirms the clock", f, st.t, t0.Add(Slack))
	}
	if s := tr.State(); s.Jump == nil || !s.Jump.Trusted {
		t.Errorf("State().Jump = %+v; want a trusted, unsaved jump", s.Jump)
	}
	// A sync whose signed time the clock agrees with confirms it.
	if _, err := tr.Signed(month.Add(-time.Hour), month.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if f := tr.Floor(); !f.Equal(month) {
		t.Errorf("floor after confirmation %v, want %v", f, month)
	}
}

// TestFloorReset: a kiosk whose floor an older firmware saved in 2099 is
// repaired by a signed reset, once; a replay or an expired reset changes
// nothing.
func TestFloorReset(t *testing.T) {
	fc := NewFake(t0)
	st := &resetFloor{memFloor: memFloor{t: y2099}}
	tr, _ := NewTrusted(fc, st)
	if at, ok := tr.Judge(); ok || at.Year() != 2099 {
		t.Fatalf("before the reset: %v %v", at, ok)
	}
	if !tr.Behind() {
		t.Error("Behind: false with the floor in 2099")
	}
	at := t0.Add(-2 * time.Hour)
	if err := tr.Reset(at, t0.AddDate(0, 0, 7), 1); err != nil {
		t.Fatal(err)
	}
	if !st.t.Equal(at) || !tr.Floor().Equal(at) || st.version != 1 {
		t.Errorf("after the reset: stored %v version %d, floor %v; want %v version 1", st.t, st.version, tr.Floor(), at)
	}
	if j, ok := tr.Judge(); !ok || !j.Equal(t0) {
		t.Errorf("Judge after the reset: %v %v; want the clock", j, ok)
	}
	if s := tr.State(); s.Reset == nil || s.Reset.Version != 1 {
		t.Errorf("State().Reset = %+v", s.Reset)
	}
	before := tr.Floor()
	if err := tr.Reset(at.Add(-time.Hour), t0.AddDate(0, 0, 7), 1); !errors.Is(err, ErrResetReplayed) {
		t.Errorf("replayed reset: %v; want ErrResetReplayed", err)
	}
	if err := tr.Reset(at.AddDate(0, 0, -20), t0.AddDate(0, 0, -10), 2); !errors.Is(err, ErrResetExpired) {
		t.Errorf("expired reset: %v; want ErrResetExpired", err)
	}
	if !tr.Floor().Equal(before) {
		t.Errorf("refused resets moved the floor to %v, from %v", tr.Floor(), before)
	}
	// An unset clock (1970) cannot judge expiry: the reset applies.
	fc.Set(time.Unix(0, 0))
	if err := tr.Reset(at.AddDate(0, 0, -20), t0.AddDate(0, 0, -10), 2); err != nil {
		t.Errorf("reset with the clock unset: %v", err)
	}
	if err := tr.Reset(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), t0, 3); err == nil {
		t.Error("reset before the build floor: want an error")
	}
	if _, err := NewTrusted(fc, &memFloor{}); err != nil {
		t.Fatal(err)
	}
	plain, _ := NewTrusted(fc, &memFloor{})
	if err := plain.Reset(at, t0, 1); !errors.Is(err, ErrResetStore) {
		t.Errorf("reset on a store that cannot: %v", err)
	}
}
