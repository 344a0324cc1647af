package screen

import (
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/display/venueqr"
)

// A panel that can wake ahead is woken once per rotation, WakeAhead
// before the slot boundary and not earlier; the rotation is then the
// usual partial refresh of the QR window.
func TestWakeAheadOfRotation(t *testing.T) {
	r := start(t, rigOpts{prepare: true})
	pp := r.c.panel.(*preparingPanel)
	r.panel.take()
	period := venueqr.DefaultPeriod
	for i := 1; i <= 3; i++ {
		now := r.clk.Now()
		boundary := time.Unix((now.Unix()/int64(period/time.Second)+1)*int64(period/time.Second), 0)
		r.advance(boundary.Sub(now)-time.Second, 5*time.Second)
		if got := len(pp.preparedAt()); got != i-1 {
			t.Fatalf("rotation %d: woken %d times a second before the boundary; want %d (not yet)", i, got, i-1)
		}
		r.advance(900*time.Millisecond, 900*time.Millisecond) // 100 ms before it
		at := pp.preparedAt()
		if len(at) != i {
			t.Fatalf("rotation %d: woken %d times 100 ms before the boundary; want %d", i, len(at), i)
		}
		if ahead := boundary.Sub(at[i-1]); ahead <= 0 || ahead > WakeAhead {
			t.Errorf("rotation %d: woken %v before the boundary; want within (0, %v]", i, ahead, WakeAhead)
		}
		for _, c := range r.panel.take() {
			if c.full || c.r != r.l.FooterWindow() { // the footer's clock ticks at each minute
				t.Errorf("rotation %d: a refresh of %v before the boundary", i, c.r)
			}
		}
		r.toBoundary(period)
		qr := 0
		for _, c := range r.panel.take() {
			if c.full {
				t.Errorf("rotation %d: a full refresh", i)
			}
			if c.r == r.l.QRWindow() {
				qr++
			}
		}
		if qr != 1 {
			t.Errorf("rotation %d: %d QR window refreshes; want 1", i, qr)
		}
		if got := len(pp.preparedAt()); got != i {
			t.Errorf("rotation %d: woken %d times after it; want %d (once a slot)", i, got, i)
		}
	}
}

// No wake-up ahead of a rotation that will be a full refresh (it resets
// the controller for its own registers anyway).
func TestNoWakeAheadOfFull(t *testing.T) {
	r := start(t, rigOpts{prepare: true, fullEvery: 1})
	pp := r.c.panel.(*preparingPanel)
	nearBoundary := func() {
		period := venueqr.DefaultPeriod
		now := r.clk.Now()
		boundary := time.Unix((now.Unix()/int64(period/time.Second)+1)*int64(period/time.Second), 0)
		r.advance(boundary.Sub(now)-100*time.Millisecond, 5*time.Second)
		r.toBoundary(period)
	}
	nearBoundary() // one partial; the next is full
	r.panel.take()
	nearBoundary()
	full := false
	for _, c := range r.panel.take() {
		full = full || c.full
	}
	if !full {
		t.Fatal("fullEvery 1: the second rotation was not a full refresh")
	}
	if n := len(pp.preparedAt()); n != 1 {
		t.Errorf("woken %d times over a partial and a full rotation; want 1 (before the partial)", n)
	}
}
