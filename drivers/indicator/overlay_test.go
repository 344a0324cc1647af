package indicator

import (
	"testing"
	"time"
)

// venueChirps are the venue notice's four chirps, from at.
func venueChirps(at time.Duration) []string {
	var out []string
	for i := range 4 {
		on := at + time.Duration(i)*120*time.Millisecond
		out = append(out, (on).String()+" buzzer High", (on+60*time.Millisecond).String()+" buzzer Low")
	}
	return out
}

// showAfterSteps shows first, lets its steps play, then shows next while
// first rests.
func (h *harness) showAfterSteps(first, next Signal, steps int) {
	h.t.Helper()
	h.show(first)
	for range steps {
		h.clk.Advance(h.awaitArmed())
	}
	h.awaitArmed() // the rest
	h.show(next)
	h.settle()
}

// TestVenueNoticeOverlay: the venue notice's chirps sound after a verdict
// without touching its lights, which stay until the verdict's own hold
// ends.
func TestVenueNoticeOverlay(t *testing.T) {
	h := newHarness(t, Opts{}, nil)
	h.showAfterSteps(Green, VenueNotice, 1)
	want := append([]string{"0s green High", "0s buzzer High", "250ms buzzer Low"}, venueChirps(250*time.Millisecond)...)
	want = append(want, "3s green Low")
	diff(t, "timeline", h.tl.take(), want)
	if st := h.dev.State(); st.Signal != Idle || st.Green {
		t.Errorf("after the hold: %+v", st)
	}
	if got := h.clk.live(); got != 0 {
		t.Errorf("live timers: %d", got)
	}
}

// TestVenueNoticeOverlayState: while the chirps sound the state names the
// venue notice, with the verdict's light; then the verdict again.
func TestVenueNoticeOverlayState(t *testing.T) {
	h := newHarness(t, Opts{}, nil)
	h.show(Red)
	for range 5 {
		h.clk.Advance(h.awaitArmed())
	}
	h.awaitArmed()
	h.show(VenueNotice)
	if d := h.awaitArmed(); d != 60*time.Millisecond {
		t.Fatalf("first chirp: %v", d)
	}
	if st := h.dev.State(); st.Signal != VenueNotice || !st.Red || !st.Buzzer {
		t.Errorf("during the chirps: %+v; want venue_notice over the red light", st)
	}
	h.clk.Advance(60 * time.Millisecond)
	h.settle()
	diff(t, "timeline", h.tl.take(), append(append([]string{
		"0s red High", "0s buzzer High", "400ms buzzer Low", "600ms buzzer High", "1s buzzer Low", "1.2s buzzer High", "1.6s buzzer Low"},
		venueChirps(1600*time.Millisecond)...), "3s red Low"))
}

// TestOverlayAlone: with nothing lit the venue notice blinks amber with
// its chirps.
func TestOverlayAlone(t *testing.T) {
	h := newHarness(t, Opts{}, nil)
	h.show(VenueNotice)
	h.settle()
	want := []string{}
	for i := range 4 {
		on := time.Duration(i) * 120 * time.Millisecond
		want = append(want, on.String()+" amber High", on.String()+" buzzer High", (on+60*time.Millisecond).String()+" amber Low", (on+60*time.Millisecond).String()+" buzzer Low")
	}
	diff(t, "timeline", h.tl.take(), want)
}

// TestOverlayInterrupted: a new verdict during the chirps replaces both;
// a second venue notice goes over the verdict, not the first notice; an
// overlay after a latched fault leaves it latched.
func TestOverlayInterrupted(t *testing.T) {
	t.Run("by a verdict", func(t *testing.T) {
		h := newHarness(t, Opts{}, nil)
		h.show(Green)
		h.clk.Advance(h.awaitArmed())
		h.awaitArmed()
		h.show(VenueNotice)
		h.clk.Advance(h.awaitArmed()) // one chirp
		h.awaitArmed()
		h.show(Amber)
		h.settle()
		diff(t, "timeline", h.tl.take(), []string{
			"0s green High", "0s buzzer High", "250ms buzzer Low",
			"250ms buzzer High", "310ms buzzer Low",
			"310ms green Low", "310ms amber High", "310ms buzzer High", "510ms buzzer Low", "660ms buzzer High", "860ms buzzer Low",
			"3.31s amber Low"})
	})
	t.Run("by a second notice", func(t *testing.T) {
		h := newHarness(t, Opts{}, nil)
		h.show(Green)
		h.clk.Advance(h.awaitArmed())
		h.awaitArmed()
		h.show(VenueNotice)
		h.clk.Advance(h.awaitArmed())
		h.awaitArmed()
		h.show(VenueNotice)
		h.settle()
		want := []string{"0s green High", "0s buzzer High", "250ms buzzer Low", "250ms buzzer High", "310ms buzzer Low"}
		want = append(append(want, venueChirps(310*time.Millisecond)...), "3s green Low")
		diff(t, "timeline", h.tl.take(), want)
	})
	t.Run("after a fault", func(t *testing.T) {
		h := newHarness(t, Opts{}, nil)
		h.show(Fault)
		h.settle() // latched: no timer runs
		h.show(VenueNotice)
		h.settle()
		if st := h.dev.State(); st.Signal != Fault || !st.Red || !st.Amber {
			t.Errorf("after the chirps: %+v; want the fault latched again", st)
		}
		if got := h.clk.live(); got != 0 {
			t.Errorf("live timers: %d", got)
		}
	})
}

// TestGoodbye: the goodbye signal never lights red or green alone, sounds
// a long then a short tone, and leaves nothing lit.
func TestGoodbye(t *testing.T) {
	for _, name := range ProfileNames() {
		h := newHarness(t, Opts{Profile: mustProfile(t, name)}, nil)
		h.show(Goodbye)
		h.settle()
		diff(t, name, h.tl.take(), []string{
			"0s green High", "0s amber High", "0s buzzer High", "300ms buzzer Low", "400ms buzzer High",
			"520ms green Low", "520ms amber Low", "520ms buzzer Low"})
	}
}

func mustProfile(t *testing.T, name string) *Profile {
	t.Helper()
	p, err := ProfileByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOverlayValidate(t *testing.T) {
	p := mustProfile(t, ProfileDefault)
	for name, mod := range map[string]func(pat *Pattern){
		"rest":  func(pat *Pattern) { pat.Rest = LightAmber },
		"latch": func(pat *Pattern) { pat.Latch = true },
	} {
		q := mustProfile(t, ProfileDefault)
		pat := q.Patterns[VenueNotice]
		mod(&pat)
		q.Patterns[VenueNotice] = pat
		if err := q.Validate(); err == nil {
			t.Errorf("an overlay with %s validated", name)
		}
	}
	if err := p.Validate(); err != nil {
		t.Errorf("the built-in profile: %v", err)
	}
}
