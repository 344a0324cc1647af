package scan

import (
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"": EntryMode, "entry": EntryMode, "exit": ExitMode} {
		if got, err := ParseMode(in); err != nil || got != want {
			t.Errorf("%q: got %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"Exit", "leave", "both", " exit"} {
		if _, err := ParseMode(in); err == nil {
			t.Errorf("%q: accepted", in)
		}
	}
}

// TestExitMode: at an exit kiosk every pass, whatever its verdict, is an
// exit scan (the verdict is still there: the pass ID is the visit log's),
// and it joins no group; at an entry kiosk none is.
func TestExitMode(t *testing.T) {
	for _, mode := range []Mode{"", EntryMode, ExitMode} {
		t.Run(string(mode), func(t *testing.T) {
			rec := &recorder{name: "r", log: new([]string)}
			now := &fakeNow{t: t0}
			f, _ := start(t, Opts{Verifier: &colourByPrefix{}, Time: fixedTime{t0, true}, Sinks: []Sink{rec}, Now: now.Now,
				Group: GroupOpts{Code: testCode}, Exit: ExitOpts{Mode: mode}})
			exit := mode == ExitMode
			for _, p := range []string{"G1", "A1", "R-expired"} {
				r := scanT(t, f, p)
				if r.Exit != exit || r.Verdict == nil {
					t.Errorf("%s: exit %v, verdict %v; want exit %v and the verdict", p, r.Exit, r.Verdict, exit)
				}
			}
			// In a group, a pass leaving is not a member.
			scanT(t, f, testCode)
			r := scanT(t, f, "G2")
			if member := r.Member > 0; member == exit {
				t.Errorf("in a group: member %d, exit %v", r.Member, r.Exit)
			}
			if got := rec.results(); len(got) != 4 || got[3].Exit != exit {
				t.Errorf("sinks saw %d results, last exit %v; want 4, %v", len(got), got[len(got)-1].Exit, exit)
			}
		})
	}
}

// TestExitButton: a press makes the next pass within exitWindow an exit
// scan, only that one; a press nobody followed lapses; staff payloads do
// not use it up; a second press starts the window again.
func TestExitButton(t *testing.T) {
	r := newDoorRig(t, nil)
	press := func() {
		t.Helper()
		if !r.f.ExitButton() {
			t.Fatal("ExitButton refused")
		}
		poke(t, r.f) // the press is handled at the current time
	}
	exit := func(p string) bool { t.Helper(); return r.scan(t, p).Exit }

	if exit("G1") {
		t.Error("a scan without a press left")
	}
	press()
	if !exit("G2") {
		t.Error("the pass after a press did not leave")
	}
	if exit("G3") {
		t.Error("the press was used twice")
	}
	if got, want := r.rec.take(), "scan:green exit_armed scan:green scan:green"; got != want {
		t.Errorf("events %q, want %q", got, want)
	}
	ev := r.rec.door[len(r.rec.door)-1]
	if ev.Kind != ExitArmed || !ev.Until.Equal(ev.At.Add(exitWindow)) {
		t.Errorf("door event %+v; want exit_armed until %v after it", ev, exitWindow)
	}

	// scan advances the clock by scanStep (3 s) before each scan.
	press()
	r.now.Advance(exitWindow - scanStep - time.Second)
	if !exit("R-expired") {
		t.Error("a pass in the window's last second did not leave")
	}
	press()
	r.now.Advance(exitWindow - scanStep)
	if exit("G3") {
		t.Error("a pass as the window ends left")
	}
	press()
	r.now.Advance(exitWindow)
	if exit("G4") {
		t.Error("a press nobody followed within the window still made the next pass leave")
	}

	// A guard's card between the press and the pass is the door's.
	press()
	if res := r.scan(t, r.guard); res.Exit || !res.Staff {
		t.Errorf("guard card after a press: %+v", res)
	}
	if !exit("A5") {
		t.Error("the pass after a press and a staff card did not leave")
	}

	// Pressed again: the window starts again.
	press()
	r.now.Advance(exitWindow - scanStep - time.Second)
	press()
	r.now.Advance(exitWindow - scanStep - time.Second)
	if !exit("G6") {
		t.Error("a second press did not start the window again")
	}
	r.rec.take()
}

// TestExitScanVerdictKept: an exit scan keeps what the verifier said (the
// sinks decide to say goodbye), including an expired pass's red.
func TestExitScanVerdictKept(t *testing.T) {
	f, _ := start(t, Opts{Verifier: &colourByPrefix{}, Time: fixedTime{t0, true}, Exit: ExitOpts{Mode: ExitMode}})
	if r := scanT(t, f, "R1"); !r.Exit || r.Verdict.Status != verify.Red {
		t.Errorf("got %+v", r)
	}
}
