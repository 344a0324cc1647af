package sim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/firmware/sim"
	"github.com/venuekiosk/venuekiosk/firmware/web"
)

// groupState is GET /api/state's group.
type groupState struct {
	ID      uint64            `json:"id"`
	Closed  string            `json:"closed"`
	Members []json.RawMessage `json:"members"`
	Verdict string            `json:"verdict"`
}

func (k *simKiosk) group() *groupState {
	k.t.Helper()
	res, err := http.Get(k.url + "/api/state")
	if err != nil {
		k.t.Fatal(err)
	}
	defer res.Body.Close()
	var s struct {
		Group *groupState `json:"group"`
	}
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
		k.t.Fatal(err)
	}
	return s.Group
}

// untilGroup polls the page's group until cond holds (a hang guard).
func (k *simKiosk) untilGroup(what string, cond func(g *groupState) bool) *groupState {
	k.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		g := k.group()
		if g != nil && cond(g) {
			return g
		}
		if time.Now().After(deadline) {
			k.t.Fatalf("timed out waiting for %s; group %+v", what, g)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (k *simKiosk) firstSample(expect string) string {
	k.t.Helper()
	for _, s := range k.set.Samples {
		if s.Expect == expect {
			return s.Payload
		}
	}
	k.t.Fatalf("no %s sample", expect)
	return ""
}

// TestGroupCodeAgainThroughThePty: staff scan the group code through the
// simulator's scanner, a pass joins, and the code scanned again 3 s later
// — well within the passes' 10 s repeat window — ends the group, said on
// the panel; scanned again 3 s after that it starts the next group.
func TestGroupCodeAgainThroughThePty(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a simulated kiosk")
	}
	k := startSim(t)
	green := k.firstSample("green")
	k.write(sim.GroupCode)
	k.untilGroup("the group opened", func(g *groupState) bool { return g.ID == 1 && g.Closed == "" })
	k.pass(green)
	k.untilGroup("a member", func(g *groupState) bool { return len(g.Members) == 1 })

	k.clk.Advance(3 * time.Second) // past scan.DoorRepeat: a second scan, not a double read
	k.write(sim.GroupCode)
	g := k.untilGroup("the group ended by the code", func(g *groupState) bool { return g.Closed != "" })
	if g.ID != 1 || g.Closed != string(scan.Ended) || len(g.Members) != 1 {
		t.Errorf("after the code again: %+v, want group 1 ended with 1 member", g)
	}
	k.untilGlass("the group's result", "Group 1: 1/0/0")

	k.clk.Advance(3 * time.Second)
	k.write(sim.GroupCode)
	k.untilGroup("the next group", func(g *groupState) bool { return g.ID == 2 && g.Closed == "" })
	k.pass(green) // within the repeat window of its last scan: still a member of the new group
	k.untilGroup("a member of the next group", func(g *groupState) bool { return g.ID == 2 && len(g.Members) == 1 })
}

// TestSameCardTwiceThroughThePty: staff scan their card twice at the
// door — through the simulator's scanner, seconds apart — and the step
// stays armed: a guard's card twice, then a category, records the exempt
// entry; a technician's card twice after a refused poster, then the good
// poster, waits for confirmation (not a red pass). A step another card
// cancels, or that runs out of time, says so on the panel.
func TestSameCardTwiceThroughThePty(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a simulated kiosk")
	}
	k := startSim(t, func(c *config.Config) { c.Panel.Languages = []string{"en"} })
	guard, tech := k.sample("Staff card: guard ("), k.sample("Staff card: technician")
	poster, wrong := k.sample("LeaveHomeSafe poster: "+samples.PosterVenue.NameEn), k.sample("LeaveHomeSafe poster, wrong hash")

	k.door(guard, "exempt_armed")
	if s := k.door(guard, "exempt_armed"); !s.Door.Last.Again || s.Door.Armed != "exempt" {
		t.Errorf("the guard card again: %+v", s.Door)
	}
	if s := k.door("VKEXEMPT:65PLUS", "exempt_recorded"); s.Door.Last.Card != samples.GuardCard {
		t.Errorf("recorded by %q", s.Door.Last.Card)
	}

	red := k.state().Counters.Red
	k.door(tech, "setup_armed")
	k.door(wrong, "setup_refused")
	k.door(tech, "setup_armed")
	if s := k.door(tech, "setup_armed"); !s.Door.Last.Again || s.Door.Armed != "setup" {
		t.Errorf("the technician card again: %+v", s.Door)
	}
	if s := k.door(poster, "setup_pending"); s.Door.Armed != "confirm" {
		t.Errorf("the good poster: %+v", s.Door)
	}
	if got := k.state().Counters.Red; got != red {
		t.Errorf("red count %d after the poster, want %d", got, red)
	}

	// Another card's action cancels the poster waiting: said on the panel.
	s := k.door(guard, "exempt_armed")
	if s.Door.Last.Cancelled != "confirm" {
		t.Errorf("the guard card after the poster: %+v", s.Door.Last)
	}
	k.untilGlass("the setup cancelled by another card", "Setup ended")

	// The window passing: said on the panel.
	k.clk.Advance(scan.DefaultExemptWindow + time.Second)
	s = k.until("the exempt window's end", func(s state) bool { return s.Door.Last.Kind == "exempt_cancelled" })
	if s.Door.Last.Why != "timeout" || s.Door.Armed != "" {
		t.Errorf("after the window: %+v", s.Door)
	}
	k.untilGlass("the exempt entry timed out", "Exempt entry cancelled")
}

// TestOpenEntryCountsEntriesNeverRed: while a supervisor's card holds
// entry open, every sample scanned through the simulator's pty is counted
// as an entry, and none as red or amber; after it closes, a red pass is
// red again.
func TestOpenEntryCountsEntriesNeverRed(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a simulated kiosk")
	}
	k := startSim(t)
	k.door(k.sample("Staff card: supervisor ("), "open_started")
	before := k.state().Counters
	reds := 0
	for _, sm := range k.set.Samples {
		k.pass(sm.Payload)
		if sm.Expect == "red" {
			reds++
		}
	}
	if reds == 0 {
		t.Fatal("no red sample: the test would prove little")
	}
	got := k.state().Counters
	if got.Red != before.Red || got.Amber != before.Amber || got.Entries-before.Entries != int64(len(k.set.Samples)) {
		t.Errorf("while open: counters %+v, then %+v; want %d more entries, no more red or amber", before, got, len(k.set.Samples))
	}
	k.door(k.sample("Staff card: supervisor ("), "open_ended")
	k.pass(k.firstSample("red"))
	if s := k.state().Counters; s.Red != got.Red+1 {
		t.Errorf("after open entry a red pass: red %d, want %d", s.Red, got.Red+1)
	}
}

// apiScan posts payload to POST /api/scan with the page's token and
// returns the reply.
func (k *simKiosk) apiScan(payload string) map[string]any {
	k.t.Helper()
	tok, err := web.ReadToken(k.dir)
	if err != nil {
		k.t.Fatal(err)
	}
	k.clk.Advance(scan.DoorRepeat + time.Second) // each a scan of its own
	req, _ := http.NewRequest("POST", k.url+"/api/scan", strings.NewReader(payload))
	req.Header.Set(web.TokenHeader, tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		k.t.Fatal(err)
	}
	defer res.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil || res.StatusCode != http.StatusOK {
		k.t.Fatalf("POST /api/scan: %d, %v", res.StatusCode, err)
	}
	return v
}

// TestStaffActionsNoVerdicts: staff cards, category codes, the group code
// and venue posters — through POST /api/scan (the simulator's page) and
// through the pty — are no passes: the reply is of kind "staff" with a
// message and no verdict or format, /api/state lists none of them among
// the verdicts, and no green, amber or red count moves. A poster scanned
// outside setup says a technician's card comes first, on the panel too.
func TestStaffActionsNoVerdicts(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a simulated kiosk")
	}
	k := startSim(t, func(c *config.Config) { c.Panel.Languages = []string{"en"} })
	poster := k.sample("LeaveHomeSafe poster: " + samples.PosterVenue.NameEn)
	before := k.state()
	for _, p := range []struct{ name, payload, message string }{
		{"guard card", k.sample("Staff card: guard ("), "guard card"},
		{"category code", "VKEXEMPT:UNDER12", "exempt entry recorded"},
		{"category code alone", "VKEXEMPT:UNDER12", "category refused"},
		{"forged card", k.sample("Staff card: supervisor, forged"), "staff card refused"},
		{"group code", sim.GroupCode, "group started"},
		{"group code again", sim.GroupCode, "group ended"},
		{"poster", poster, "venue poster: scan a technician card first"},
		{"supervisor card", k.sample("Staff card: supervisor ("), "entry open"},
		{"supervisor card again", k.sample("Staff card: supervisor ("), "entry checks resumed"},
	} {
		t.Run(p.name, func(t *testing.T) {
			v := k.apiScan(p.payload)
			msg, _ := v["message"].(string)
			if v["kind"] != "staff" || !strings.Contains(msg, p.message) {
				t.Errorf("%s: reply %v, want kind staff, %q", p.name, v, p.message)
			}
			for _, f := range []string{"verdict", "format", "reasons", "holder"} {
				if _, ok := v[f]; ok {
					t.Errorf("%s: the reply has %q: %v", p.name, f, v)
				}
			}
		})
	}
	if g := k.group(); g == nil || g.Closed != "ended" || g.Verdict != "" {
		t.Errorf("the group the code opened and ended, with no member: %+v, want no verdict", g)
	}
	if v := k.apiScan(k.firstSample("green")); v["kind"] != "pass" || v["verdict"] != "green" {
		t.Errorf("a pass: reply %v, want kind pass, green", v)
	}

	// The poster alone through the scanner: no pass, said on the panel.
	k.door(poster, "setup_refused")
	k.untilGlass("the poster outside setup", "technician card first")
	s := k.state()
	if len(s.Recent) != 1 || s.Recent[0].Verdict != "green" {
		t.Errorf("last verdicts %+v, want only the pass", s.Recent)
	}
	c := s.Counters
	if c.Green != before.Counters.Green+1 || c.Amber != before.Counters.Amber || c.Red != before.Counters.Red {
		t.Errorf("counters %+v, then %+v: want only the pass counted", before.Counters, c)
	}
	res, err := http.Get(k.url + "/api/state")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if strings.Contains(string(b), `"format":"staff"`) {
		t.Errorf("/api/state shows a staff action as a verdict:\n%s", b)
	}
}
