package scan

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

const testCode = "VKGROUP:TEST-STAFF"

// groupRecorder records results and group changes in one sequence.
type groupRecorder struct {
	mu     sync.Mutex
	events []string
	groups []Group
	res    []Result
}

func (g *groupRecorder) Scanned(r Result) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.events = append(g.events, "scan:"+r.Verdict.Status.String())
	g.res = append(g.res, r)
}

func (g *groupRecorder) GroupChanged(gr Group) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ev := "open"
	if gr.Closed != "" {
		ev = "close:" + string(gr.Closed)
	}
	g.events = append(g.events, fmt.Sprintf("%s#%d/%d", ev, gr.ID, len(gr.Members)))
	g.groups = append(g.groups, gr)
}

func (g *groupRecorder) log() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return strings.Join(g.events, " ")
}

func (g *groupRecorder) last() Group {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.groups[len(g.groups)-1]
}

// fakeNow is a settable wall clock for the flow.
type fakeNow struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeNow) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
func (f *fakeNow) Advance(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

func groupFlow(t *testing.T, opts GroupOpts) (*Flow, *groupRecorder, *fakeNow) {
	t.Helper()
	rec := &groupRecorder{}
	now := &fakeNow{t: t0}
	f, _ := start(t, Opts{Verifier: &colourByPrefix{}, Time: fixedTime{t0, true}, Sinks: []Sink{rec}, Group: opts, Now: now.Now})
	return f, rec, now
}

// scanT scans payload as the kiosk's scanner reads it.
func scanT(t *testing.T, f *Flow, payload string) Result {
	t.Helper()
	r, err := f.Scan(context.Background(), Scan{Payload: payload, Source: Serial})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// poke makes the flow look at its clock and waits until it has.
func poke(t *testing.T, f *Flow) {
	t.Helper()
	reply := make(chan Result, 1)
	f.queue <- job{check: true, reply: reply}
	<-reply
}

func TestGroupSizes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		members []string // payloads after the staff code
		end     string   // "code", "timeout" or "" (closes by itself)
		want    string   // the recorder's log after the staff code
		status  verify.Status
	}{
		{"1 member ended by the code", []string{"G1"}, "code", "scan:green close:ended#1/1", verify.Green},
		{"8 members timing out", []string{"G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8"}, "timeout",
			strings.Repeat("scan:green ", 8) + "close:timeout#1/8", verify.Green},
		{"9 members close the group", []string{"G1", "G2", "G3", "A4", "G5", "G6", "G7", "G8", "G9"}, "",
			"scan:green scan:green scan:green scan:amber " + strings.Repeat("scan:green ", 5) + "close:full#1/9", verify.Amber},
		{"a red member makes the group red", []string{"G1", "R2", "A3"}, "code", "scan:green scan:red scan:amber close:ended#1/3", verify.Red},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, rec, now := groupFlow(t, GroupOpts{Code: testCode, Window: time.Minute})
			r := scanT(t, f, testCode+"\r\n")
			if !r.Staff || r.Group == nil || r.Group.ID != 1 || r.Verdict != nil || !strings.HasPrefix(r.Message, "group started") {
				t.Fatalf("staff code: got %+v", r)
			}
			if got := rec.log(); got != "open#1/0" {
				t.Fatalf("after the staff code: got %q, want the group opened and no scan seen", got)
			}
			for i, p := range tc.members {
				now.Advance(5 * time.Second)
				r := scanT(t, f, p)
				if r.Member != i+1 || r.Group == nil || len(r.Group.Members) != i+1 {
					t.Fatalf("member %d: got member %d of %v", i+1, r.Member, r.Group)
				}
			}
			switch tc.end {
			case "code":
				scanT(t, f, testCode)
			case "timeout":
				now.Advance(time.Minute - time.Duration(len(tc.members))*5*time.Second - time.Second)
				poke(t, f)
				if strings.Contains(rec.log(), "close") {
					t.Fatalf("closed a second before the window ended: %s", rec.log())
				}
				now.Advance(time.Second)
				poke(t, f)
			}
			if got, want := rec.log(), "open#1/0 "+tc.want; got != want {
				t.Errorf("got  %q\nwant %q", got, want)
			}
			g := rec.last()
			if got := g.Status(); got != tc.status {
				t.Errorf("group status: got %v, want %v", got, tc.status)
			}
			if got := g.Count(verify.Green) + g.Count(verify.Amber) + g.Count(verify.Red); got != len(tc.members) {
				t.Errorf("counts add up to %d, want %d", got, len(tc.members))
			}
			// After the group, scans are single again.
			if r := scanT(t, f, "G-after"); r.Group != nil || r.Member != 0 {
				t.Errorf("scan after the group: got group %v member %d", r.Group, r.Member)
			}
		})
	}
}

func TestGroupTenthScanIsSingle(t *testing.T) {
	f, rec, _ := groupFlow(t, GroupOpts{Code: testCode})
	scanT(t, f, testCode)
	for i := range MaxGroup + 1 {
		r := scanT(t, f, fmt.Sprintf("G%d", i))
		if i < MaxGroup && r.Group == nil {
			t.Errorf("scan %d: not in the group", i+1)
		}
		if i == MaxGroup && r.Group != nil {
			t.Errorf("the tenth scan joined a group: %+v", r.Group)
		}
	}
	if got := rec.last(); got.Closed != Full || len(got.Members) != MaxGroup {
		t.Errorf("got %+v, want a full group of %d", got, MaxGroup)
	}
}

func TestGroupTimesOutEmpty(t *testing.T) {
	f, rec, now := groupFlow(t, GroupOpts{Code: testCode, Window: 30 * time.Second})
	scanT(t, f, testCode)
	now.Advance(31 * time.Second)
	// The next scan finds the group already closed: it is single.
	if r := scanT(t, f, "R1"); r.Group != nil {
		t.Errorf("a scan after the window joined the group")
	}
	if got, want := rec.log(), "open#1/0 close:timeout#1/0 scan:red"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestGroupSamePassTwice(t *testing.T) {
	f, rec, now := groupFlow(t, GroupOpts{Code: testCode})
	scanT(t, f, testCode)
	scanT(t, f, "G-alice")
	r := scanT(t, f, "G-alice\r")
	if r.Member != 0 || len(r.Group.Members) != 1 {
		t.Errorf("the same pass again: got member %d, %d members; want not added", r.Member, len(r.Group.Members))
	}
	now.Advance(DoorRepeat + time.Second) // past the scanner reading the code twice
	scanT(t, f, testCode)
	if got := rec.last(); len(got.Members) != 1 {
		t.Errorf("closed with %d members, want 1", len(got.Members))
	}
}

func TestGroupButtonAndRepeatedCode(t *testing.T) {
	rec := &groupRecorder{}
	now := &fakeNow{t: t0}
	f, _ := start(t, Opts{Verifier: &colourByPrefix{}, Time: fixedTime{t0, true}, Sinks: []Sink{rec},
		RepeatWindow: 10 * time.Second, Group: GroupOpts{Code: testCode}, Now: now.Now})
	scanT(t, f, testCode)
	now.Advance(time.Second)
	// A second read of the card within DoorRepeat does not end it.
	if r := scanT(t, f, testCode); !r.Staff || !r.Repeat || r.Group == nil {
		t.Errorf("repeated code: got %+v, want a staff reply with the group still open", r)
	}
	if !f.ToggleGroup() { // the button ends it
		t.Fatal("ToggleGroup refused")
	}
	poke(t, f)
	if !f.ToggleGroup() { // and starts the next
		t.Fatal("ToggleGroup refused")
	}
	poke(t, f)
	if got, want := rec.log(), "open#1/0 close:ended#1/0 open#2/0"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestGroupCodeAgainWithinRepeatWindow: the passes' repeat window (10 s)
// does not apply to the staff group code. Scanned again a few seconds
// later it ends the group, with a reply that says so, and the next pass
// is single; scanned again at once it starts the next group.
func TestGroupCodeAgainWithinRepeatWindow(t *testing.T) {
	rec := &groupRecorder{}
	now := &fakeNow{t: t0}
	f, _ := start(t, Opts{Verifier: &colourByPrefix{}, Time: fixedTime{t0, true}, Sinks: []Sink{rec},
		RepeatWindow: 10 * time.Second, Group: GroupOpts{Code: testCode}, Now: now.Now})
	step := func(d time.Duration, p string) Result {
		t.Helper()
		now.Advance(d)
		return scanT(t, f, p)
	}
	step(0, testCode)
	step(time.Second, "G-holder")
	end := step(DoorRepeat+time.Second, testCode) // 4 s after the first read
	if !end.Staff || end.Repeat || end.Group == nil || end.Group.Closed != Ended || !strings.Contains(staffDetail(end), "ended") {
		t.Errorf("the code again: got %+v, want the group ended", end)
	}
	step(time.Second, "A-single")                   // not a member: no group is open
	again := step(DoorRepeat+time.Second, testCode) // 4 s after it ended
	if !again.Staff || again.Group == nil || again.Group.ID != 2 {
		t.Errorf("the code again after the end: got %+v, want group 2 open", again)
	}
	if r := step(time.Second, "G-holder"); r.Member != 1 || r.Group == nil || r.Group.ID != 2 {
		t.Errorf("a pass of the last group in the next: member %d of %+v", r.Member, r.Group)
	}
	if got, want := rec.log(), "open#1/0 scan:green close:ended#1/1 scan:amber open#2/0 scan:green"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// staffDetail is what a staff reply says.
func staffDetail(r Result) string { return r.Message }

func TestGroupCodeChecks(t *testing.T) {
	for _, tc := range []struct {
		code string
		ok   bool
	}{
		{"VKGROUP:STAFF", true},
		{"VKGROUP:CENTRAL-MARKET-01", true},
		{"VKGROUP:ABC", false},
		{"VKGROUP:staff", false},
		{"VKGROUP:" + strings.Repeat("A", 33), false},
		{"GROUP:STAFF", false},
		{"VKGROUP:STAFF ", false},
		{"", false},
	} {
		t.Run(tc.code, func(t *testing.T) {
			if err := validGroupCode(tc.code); (err == nil) != tc.ok {
				t.Errorf("%q: got %v, want ok %v", tc.code, err, tc.ok)
			}
		})
	}
	// A flow given a bad code or window runs without group mode: the code
	// is judged as any other payload.
	for _, opts := range []GroupOpts{{Code: "VKGROUP:x"}, {Code: testCode, Window: time.Second}, {Code: testCode, Window: time.Hour}} {
		f, rec, _ := groupFlow(t, opts)
		if r := scanT(t, f, testCode); r.Staff || r.Verdict.Status != verify.Red {
			t.Errorf("%+v: got %+v, want the code judged as a payload", opts, r)
		}
		if got := rec.log(); got != "scan:red" {
			t.Errorf("%+v: got %q", opts, got)
		}
	}
	// Without a code, the prefix means nothing to the flow.
	f, _, _ := groupFlow(t, GroupOpts{})
	if r := scanT(t, f, testCode); r.Staff {
		t.Errorf("no code configured: the payload opened a group")
	}
}

// noticeAll gives every scan an exposure notice and records when it ran.
type noticeAll struct{ log *[]string }

func (n noticeAll) Annotate(r *Result) {
	*n.log = append(*n.log, "annotate")
	r.Notice = &Notice{Start: t0.Add(-time.Hour), End: t0}
}

func TestAnnotatorsRunBeforeSinks(t *testing.T) {
	var order []string
	sink := &recorder{name: "sink", log: &order}
	f, _ := start(t, Opts{Verifier: &colourByPrefix{}, Time: fixedTime{t0, true}, Sinks: []Sink{sink},
		Annotators: []Annotator{noticeAll{&order}}, Group: GroupOpts{Code: testCode}})
	scanT(t, f, testCode)
	r := scanT(t, f, "G1")
	if got := strings.Join(order, ","); got != "annotate,sink" {
		t.Errorf("order: got %s", got)
	}
	if got := sink.results(); len(got) != 1 || got[0].Notice == nil || !got[0].Group.Members[0].Notice || r.Notice == nil {
		t.Errorf("the sink and the member did not get the notice: %+v", got)
	}
}
