package clock

import (
	"errors"
	"testing"
	"time"
)

type memFloor struct {
	t      time.Time
	writes int
	err    error
}

func (m *memFloor) TimeFloor() (time.Time, error) { return m.t, m.err }
func (m *memFloor) RaiseTimeFloor(t time.Time) error {
	if t.After(m.t) {
		m.t = t
	}
	m.writes++
	return nil
}

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func TestTrustedRejectsTimeBeforeFloor(t *testing.T) {
	fc := NewFake(t0)
	st := &memFloor{t: t0.Add(time.Hour)}
	tr, err := NewTrusted(fc, st)
	if err != nil {
		t.Fatal(err)
	}
	_, err = tr.Now()
	var ue *UntrustedError
	if !errors.As(err, &ue) {
		t.Fatalf("clock an hour behind the floor: got %v, want UntrustedError", err)
	}
	fc.Set(t0.Add(time.Hour - time.Minute)) // within tolerance
	if _, err := tr.Now(); err != nil {
		t.Errorf("within tolerance: %v", err)
	}
}

func TestTrustedBootsIn1970(t *testing.T) {
	tr, err := NewTrusted(NewFake(time.Unix(0, 0)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Now(); err == nil {
		t.Error("1970: want untrusted (before the build floor)")
	}
}

func TestFloorRisesAndPersistsSparingly(t *testing.T) {
	fc := NewFake(t0)
	st := &memFloor{t: t0.Add(-time.Hour)}
	tr, _ := NewTrusted(fc, st)
	for i := 0; i < 60; i++ {
		fc.Advance(time.Minute)
		if _, err := tr.Now(); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := tr.Floor(), t0.Add(time.Hour); !got.Equal(want) {
		t.Errorf("floor: got %v, want %v", got, want)
	}
	if st.writes < 5 || st.writes > 7 {
		t.Errorf("60 minutes of readings wrote the floor %d times, want about 6 (every 10 minutes)", st.writes)
	}
	// The clock jumps back (RTC-less reboot semantics): not trusted.
	fc.Set(t0)
	if _, err := tr.Now(); err == nil {
		t.Error("clock jumped back an hour: want untrusted")
	}
}

// TestSignedRaises: with the clock unset (1970), a signed time within the
// evidence's bound raises the floor and persists it at once.
func TestSignedRaises(t *testing.T) {
	fc := NewFake(time.Unix(0, 0))
	st := &memFloor{t: t0}
	tr, _ := NewTrusted(fc, st)
	signed := t0.Add(time.Hour) // within the slack of the evidence
	if _, err := tr.Signed(signed, signed.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if !st.t.Equal(signed) || !tr.Floor().Equal(signed) {
		t.Errorf("after Signed: store %v, floor %v; want %v", st.t, tr.Floor(), signed)
	}
	if _, err := tr.Signed(t0, t0.Add(time.Minute)); err != nil || !tr.Floor().Equal(signed) {
		t.Errorf("a lower signed time moved the floor to %v (%v)", tr.Floor(), err)
	}
	if at, ok := tr.Judge(); ok || !at.Equal(signed) {
		t.Errorf("Judge: %v %v; want the floor, untrusted", at, ok)
	}
	// A trusted clock is better evidence than a signed time ahead of it.
	fc.Set(signed)
	if _, err := tr.Signed(signed.Add(time.Hour), signed.Add(48*time.Hour)); err != nil || !tr.Floor().Equal(signed) {
		t.Errorf("a signed time an hour ahead of a trusted clock moved the floor to %v (%v)", tr.Floor(), err)
	}
}

func TestStoreError(t *testing.T) {
	if _, err := NewTrusted(NewFake(t0), &memFloor{err: errors.New("io")}); err == nil {
		t.Error("want the store's error")
	}
}

func TestJudge(t *testing.T) {
	fc := NewFake(t0)
	tr, _ := NewTrusted(fc, &memFloor{t: t0.Add(time.Hour)})
	at, ok := tr.Judge()
	if ok || !at.Equal(t0.Add(time.Hour)) {
		t.Errorf("untrusted: got %v %v, want the floor and false", at, ok)
	}
	fc.Set(t0.Add(2 * time.Hour))
	at, ok = tr.Judge()
	if !ok || !at.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("trusted: got %v %v, want the clock and true", at, ok)
	}
}
