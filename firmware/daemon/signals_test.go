package daemon

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/drivers/indicator"
	"github.com/venuekiosk/venuekiosk/drivers/indicator/indicatortest"
	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// manualTimers holds scheduled functions until fire runs them.
type manualTimers struct {
	mu      sync.Mutex
	delays  []time.Duration
	pending []*manualTimer
}

type manualTimer struct {
	f       func()
	stopped bool
}

func (m *manualTimers) afterFunc(d time.Duration, f func()) func() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := &manualTimer{f: f}
	m.delays = append(m.delays, d)
	m.pending = append(m.pending, t)
	return func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		was := !t.stopped
		t.stopped = true
		return was
	}
}

// fire runs every scheduled function that was not stopped.
func (m *manualTimers) fire() {
	m.mu.Lock()
	ts := m.pending
	m.pending = nil
	m.mu.Unlock()
	for _, t := range ts {
		if !t.stopped {
			t.f()
		}
	}
}

func newTestLights(t *testing.T) (*lightsSink, *indicatortest.Recorder, *manualTimers) {
	t.Helper()
	prof, err := indicator.ProfileByName(indicator.ProfileDefault)
	if err != nil {
		t.Fatal(err)
	}
	rec := &indicatortest.Recorder{}
	l := newLightsSink(rec, prof)
	m := &manualTimers{}
	l.afterFunc = m.afterFunc
	return l, rec, m
}

func res(s verify.Status, notice bool) scan.Result {
	r := scan.Result{Verdict: &verify.Verdict{Status: s}}
	if notice {
		r.Notice = &scan.Notice{Start: time.Unix(1e9, 0), End: time.Unix(1e9+3600, 0)}
	}
	return r
}

func TestNoticeToneFollowsTheVerdict(t *testing.T) {
	prof, _ := indicator.ProfileByName(indicator.ProfileDefault)
	for _, s := range []verify.Status{verify.Green, verify.Amber, verify.Red} {
		l, rec, m := newTestLights(t)
		l.Scanned(res(s, true))
		if got := rec.Shown(); !slices.Equal(got, []indicator.Signal{signalOf(s)}) {
			t.Errorf("%v: at once: got %v, want the verdict's signal only", s, got)
		}
		if got, want := m.delays, []time.Duration{prof.Patterns[signalOf(s)].Duration()}; !slices.Equal(got, want) {
			t.Errorf("%v: the notice waits %v, want the verdict's pattern %v", s, got, want)
		}
		m.fire()
		if got := rec.Shown(); !slices.Equal(got, []indicator.Signal{signalOf(s), indicator.Notice}) {
			t.Errorf("%v: got %v, want the verdict then the notice", s, got)
		}
	}
}

func TestNoticeCancelledByTheNextScan(t *testing.T) {
	l, rec, m := newTestLights(t)
	l.Scanned(res(verify.Green, true))
	l.Scanned(res(verify.Red, false)) // the next person, before the notice played
	m.fire()
	if got := rec.Shown(); !slices.Equal(got, []indicator.Signal{indicator.Green, indicator.Red}) {
		t.Errorf("got %v: a notice played over the next verdict", got)
	}
	l.Scanned(res(verify.Green, false))
	if len(m.delays) != 1 {
		t.Errorf("a scan without a notice scheduled one: %v", m.delays)
	}
}

func TestGroupSignals(t *testing.T) {
	l, rec, m := newTestLights(t)
	l.Scanned(res(verify.Green, true))
	l.GroupChanged(scan.Group{ID: 1}) // opened: cancels the waiting notice
	m.fire()
	members := []scan.Member{{Status: verify.Green}, {Status: verify.Amber}}
	l.GroupChanged(scan.Group{ID: 1, Members: members, Closed: scan.Full})
	l.GroupChanged(scan.Group{ID: 2, Members: append(members, scan.Member{Status: verify.Red}), Closed: scan.TimedOut})
	l.GroupChanged(scan.Group{ID: 3, Closed: scan.TimedOut})
	want := []indicator.Signal{indicator.Green, indicator.Info, indicator.Amber, indicator.Red, indicator.Info}
	if got := rec.Shown(); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

type statusRecorder struct{ got []*layout.Status }

func (s *statusRecorder) ShowStatus(st *layout.Status) { s.got = append(s.got, st) }

func TestScreenSink(t *testing.T) {
	rec := &statusRecorder{}
	holder := pass.Holder{Name: "MUSTER, Erika", DOB: "1964-08-12"}
	for _, mode := range []layout.HolderMode{layout.HolderInitials, layout.HolderName, layout.HolderNone} {
		s := &screenSink{scr: rec, mode: mode}
		r := res(verify.Green, true)
		r.Verdict.Holder = holder
		g := &scan.Group{ID: 1, Members: []scan.Member{{Status: verify.Red}, {Status: verify.Green}}}
		r.Group, r.Member = g, 2
		s.Scanned(r)
		st := rec.got[len(rec.got)-1]
		switch mode {
		case layout.HolderInitials:
			if st.Initials != "M.E." || st.Name != "" || st.Year != "1964" {
				t.Errorf("initials: got %q %q %q", st.Initials, st.Name, st.Year)
			}
		case layout.HolderName:
			if st.Name != "MUSTER, Erika" || st.Year != "1964" {
				t.Errorf("name: got %q %q", st.Name, st.Year)
			}
		case layout.HolderNone:
			if st.Initials != "" || st.Name != "" || st.Year != "" {
				t.Errorf("none: got %q %q %q", st.Initials, st.Name, st.Year)
			}
		}
		if st.Exposure.IsZero() || !st.Exposure.Start.Equal(r.Notice.Start) {
			t.Errorf("exposure: got %+v", st.Exposure)
		}
		if st.Group == nil || st.Group.Member != 2 || st.Group.N != 2 || st.Group.Red != 1 {
			t.Errorf("group line: got %+v", st.Group)
		}
	}
	s := &screenSink{scr: rec}
	s.GroupChanged(scan.Group{ID: 4})
	if st := rec.got[len(rec.got)-1]; st.Symbol != layout.Info || len(st.Args) != 2 || st.Args[1] != "9" {
		t.Errorf("group opened: got %+v", st)
	}
	s.GroupChanged(scan.Group{ID: 4, Members: []scan.Member{{Status: verify.Green}, {Status: verify.Amber}}, Closed: scan.Ended})
	if st := rec.got[len(rec.got)-1]; st.Symbol != layout.Bang || st.Group == nil || st.Group.N != 2 || st.Group.Member != 0 {
		t.Errorf("group closed: got %+v", st)
	}
}

func TestPageStateHoldsTheNoticeOnlyWhileShown(t *testing.T) {
	now := time.Unix(2e9, 0)
	p := &pageState{hold: 6 * time.Second, now: func() time.Time { return now }}
	g := &scan.Group{ID: 1, Members: []scan.Member{{Seq: 7, Status: verify.Green, Notice: true}}}
	r := res(verify.Green, true)
	r.Seq, r.Group, r.Member = 7, g, 1
	p.Scanned(r)
	n, gj := p.snapshot()
	if n == nil || n.Seq != 7 || n.EN == "" || n.ZH == "" || gj == nil || !gj.Members[0].Notice {
		t.Fatalf("within the hold: got %+v, %+v", n, gj)
	}
	now = now.Add(6 * time.Second)
	n, gj = p.snapshot()
	if n != nil || gj == nil || gj.Members[0].Notice || gj.Status != "green" {
		t.Errorf("after the hold: got %+v, %+v; want no notice anywhere", n, gj)
	}
	if !g.Members[0].Notice {
		t.Error("the snapshot changed the flow's group")
	}
	// The next scan replaces the notice at once.
	now = time.Unix(2e9, 0)
	p.Scanned(r)
	p.Scanned(res(verify.Red, false))
	if n, _ := p.snapshot(); n != nil {
		t.Errorf("after the next scan: got %+v", n)
	}
}
