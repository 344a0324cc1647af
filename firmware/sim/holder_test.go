package sim_test

import (
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// waitStatus scans payload through the pty and waits until the emulated
// glass's status area shows exactly the layout's rendering of want (in
// the simulator's languages); it fails after a few seconds with what the
// closest frame differed by.
func (k *simKiosk) waitStatus(payload string, want *layout.Status) {
	k.t.Helper()
	k.pass(payload)
	var l *layout.Layout
	var exp []byte
	best := -1
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		g := k.glass()
		if l == nil {
			var err error
			if l, err = layout.New(g.Bounds().Size()); err != nil {
				k.t.Fatal(err)
			}
			f := l.NewFrame()
			l.Draw(f, &layout.State{Langs: []i18n.Lang{i18n.EN, i18n.ZHHant}, Status: want}, layout.StatusArea)
			exp = windowOf(f, l.StatusWindow())
		}
		got := windowOf(g, l.StatusWindow())
		diff := 0
		for i := range got {
			if got[i] != exp[i] {
				diff++
			}
		}
		if diff == 0 {
			return
		}
		if best < 0 || diff < best {
			best = diff
		}
		time.Sleep(50 * time.Millisecond)
	}
	k.t.Errorf("the status area never showed the expected status (initials %q, year %q); closest frame differed in %d pixels", want.Initials, want.Year, best)
}

// The guard sees the Hong Kong holder's initials from the name only:
// "CHEUNG K** W** (Z123****)" is C.K.W., not C.K.W.Z. (the document
// number's letter), read back from the emulated glass.
func TestHKInitialsOnTheGlass(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a simulated kiosk")
	}
	k := startSim(t)
	var payload string
	for _, s := range k.set.Samples {
		if s.Name == "HK Vaccine Pass, 3 doses" {
			payload = s.Payload
		}
	}
	if payload == "" {
		t.Fatal("no HK Vaccine Pass sample")
	}
	want := layout.VerdictStatus(&verify.Verdict{Status: verify.Green}, false)
	want.Initials, want.Year = "C.K.W.", "1978"
	k.waitStatus(payload, want)
}
