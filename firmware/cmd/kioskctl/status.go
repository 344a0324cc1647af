package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/clock"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/firmware/version"
	"github.com/venuekiosk/venuekiosk/internal/command"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// Status is what kioskctl status reports. Nothing in it is personal.
type Status struct {
	Version string       `json:"version"`
	Slot    string       `json:"slot"`
	Venue   VenueStatus  `json:"venue"`
	Daemon  DaemonStatus `json:"daemon"`
	Clock   ClockStatus  `json:"clock"`
	Data    []DataStatus `json:"data"`
	// LastSync is when data was last applied (the kiosk's clock).
	LastSync *time.Time   `json:"last_sync"`
	Store    *StoreStatus `json:"store,omitempty"`
	Today    TodayStatus  `json:"today"`
	Visits   *VisitStatus `json:"visits,omitempty"`
	Door     *DoorStatus  `json:"door,omitempty"`
	// Scanner and Panel are kioskd's own (GET /api/state), as it says them.
	Scanner  json.RawMessage `json:"scanner,omitempty"`
	Panel    json.RawMessage `json:"panel,omitempty"`
	Problems []string        `json:"problems"`
}

// TodayStatus is today's counts, named as GET /api/state names them.
type TodayStatus struct {
	Green   int64 `json:"green"`
	Amber   int64 `json:"amber"`
	Red     int64 `json:"red"`
	Entries int64 `json:"entries"`
}

// StoreStatus is the store's size.
type StoreStatus struct {
	Schema      int   `json:"schema"`
	Revocations int64 `json:"revocations"`
	Codes       int64 `json:"codes"`
	TrustKeys   int64 `json:"trust_keys"`
	Exposures   int64 `json:"exposures"`
	Bytes       int64 `json:"bytes"`
}

// VenueStatus is the provisioned venue.
type VenueStatus struct {
	ID     string `json:"id"`
	NameEN string `json:"name_en"`
	NameZH string `json:"name_zh"`
}

// VisitStatus is what a technician may see of the visit log: counts.
type VisitStatus struct {
	Logged         int64      `json:"logged"`
	Oldest         *time.Time `json:"oldest,omitempty"`
	ExposedMatches int64      `json:"exposure_matches"` // stays overlapping an exposure window of this venue
	CheckedOut     int64      `json:"checked_out"`      // stays an exit scan closed
}

// DoorStatus is today's door: exempt entries by category and openings of
// entry without checks (counts; no one's details).
type DoorStatus struct {
	Exempt    store.ExemptCounts `json:"exempt"`
	Openings  int64              `json:"openings"`
	OpenUntil *time.Time         `json:"open_until,omitempty"` // entry is open now, until then
}

// DaemonStatus says whether kioskd answers and what it says of itself.
type DaemonStatus struct {
	Running bool   `json:"running"`
	URL     string `json:"url,omitempty"`
	Summary string `json:"summary,omitempty"`
}

// ClockStatus is the trusted clock's state.
type ClockStatus struct {
	Trusted bool      `json:"trusted"`
	Now     time.Time `json:"now"`
	Floor   time.Time `json:"floor"`
	// From the running kioskd: a clock jump beyond the kiosk's evidence,
	// a signed time refused as ahead of it, a floor reset applied.
	Jump  *clock.Event `json:"jump,omitempty"`
	Ahead *clock.Event `json:"signed_ahead,omitempty"`
	Reset *clock.Event `json:"reset,omitempty"`
}

// DataStatus is one synced data set.
type DataStatus struct {
	Name    string        `json:"name"`
	Version int64         `json:"version"`
	Signed  time.Time     `json:"signed"`
	Age     time.Duration `json:"age_seconds"`
	Applied time.Time     `json:"applied"`
	Source  string        `json:"source"`
}

// MarshalJSON writes the age in whole seconds.
func (d DataStatus) MarshalJSON() ([]byte, error) {
	type plain DataStatus
	p := plain(d)
	p.Age = d.Age / time.Second
	return json.Marshal(p)
}

var now = time.Now

func runStatus(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := command.NewFlags("kioskctl status", `usage: kioskctl status [--config FILE] [--state-dir DIR] [--listen ADDR] [--json]

Shows the kiosk's version, booted slot, data sets (version, age, source), last sync,
clock trust, scanner and panel state, today's counts and door (exempt entries, openings).
Reads the store beside a running kioskd; asks kioskd itself for the scanner and panel.`, stdout, stderr)
	kf := addKioskFlags(fs.FlagSet)
	kf.addListen(fs.FlagSet)
	asJSON := fs.Bool("json", false, "print one JSON object")
	if code, done := fs.Parse(args); done {
		return code
	}
	cfg, err := kf.load()
	if err != nil {
		return fs.Usagef("%v", err)
	}
	ctx := context.Background()
	st, err := collectStatus(ctx, cfg)
	if err != nil {
		return fs.Fail(err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		enc.Encode(st)
		return command.ExitOK
	}
	printStatus(stdout, st)
	return command.ExitOK
}

func collectStatus(ctx context.Context, c *config.Config) (*Status, error) {
	t := now()
	st := &Status{
		Version:  version.Version,
		Slot:     bootedSlot(),
		Venue:    VenueStatus{ID: c.Venue.ID, NameEN: c.Venue.NameEN, NameZH: c.Venue.NameZH},
		Problems: []string{},
		Data:     []DataStatus{},
	}
	if st.Slot == "" {
		st.Slot = "unknown"
	}
	db, err := store.OpenReadOnly(ctx, dbPath(c), nil)
	if err != nil {
		p := err.Error()
		if !strings.HasPrefix(p, "store: ") {
			p = "store: " + p
		}
		st.Problems = append(st.Problems, p)
	} else {
		defer db.Close()
		floor, err := db.TimeFloorContext(ctx)
		if err != nil {
			return nil, err
		}
		st.Clock = ClockStatus{Now: t.UTC(), Floor: floor.UTC(), Trusted: !t.Before(floor.Add(-clock.Tolerance))}
		vs, err := db.DataVersions(ctx)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			st.Data = append(st.Data, DataStatus{Name: v.Name, Version: v.Version, Signed: v.SignedAt.UTC(), Age: t.Sub(v.SignedAt).Round(time.Second), Applied: v.AppliedAt.UTC(), Source: v.Source})
			if st.LastSync == nil || v.AppliedAt.After(*st.LastSync) {
				a := v.AppliedAt.UTC()
				st.LastSync = &a
			}
		}
		if s, err := db.Stats(ctx); err == nil {
			st.Store = &StoreStatus{Schema: s.Version, Revocations: s.Revocations, Codes: s.Codes, TrustKeys: s.TrustKeys, Exposures: s.Exposures, Bytes: s.Bytes}
		}
		today, err := db.Counters(ctx, t)
		if err != nil {
			return nil, err
		}
		st.Today = TodayStatus{Green: today.Green, Amber: today.Amber, Red: today.Red, Entries: today.Entries}
		door := &DoorStatus{}
		if door.Exempt, err = db.ExemptCounts(ctx, t); err != nil {
			return nil, err
		}
		opened, err := db.OverrideCountsRange(ctx, t, t, t)
		if err != nil {
			return nil, err
		}
		for _, o := range opened {
			door.Openings += o.Started
		}
		if o, ok, err := db.OpenOverride(ctx); err != nil {
			return nil, err
		} else if ok && o.Until.After(t) {
			u := o.Until.UTC()
			door.OpenUntil = &u
		}
		st.Door = door
		if vs, err := db.VisitStats(ctx); err == nil {
			v := &VisitStatus{Logged: vs.Visits, CheckedOut: vs.CheckedOut}
			if !vs.Oldest.IsZero() {
				o := vs.Oldest.UTC()
				v.Oldest = &o
			}
			if c.Venue.ID != "" {
				// The synced policy's assumed stay (kioskd may use a
				// policy file instead; the count is a technician's hint).
				stay := policy.Default().AssumedStay(c.Venue.Category)
				if p, ok, err := db.Policy(ctx); err == nil && ok {
					stay = p.AssumedStay(c.Venue.Category)
				}
				if v.ExposedMatches, err = db.ExposedVisits(ctx, c.Venue.ID, stay); err != nil {
					return nil, err
				}
			}
			st.Visits = v
		}
	}
	var ds struct {
		Summary string          `json:"summary"`
		Scanner json.RawMessage `json:"scanner"`
		Panel   json.RawMessage `json:"panel"`
		Clock   *clock.State    `json:"clock"`
	}
	url := daemonURL(c)
	running, err := daemonJSON(ctx, url, "GET", "/api/state", 3*time.Second, &ds)
	switch {
	case err != nil:
		st.Problems = append(st.Problems, err.Error())
	case running:
		st.Daemon = DaemonStatus{Running: true, URL: url, Summary: ds.Summary}
		st.Scanner, st.Panel = ds.Scanner, ds.Panel
		if f := panelFault(ds.Panel); f != "" {
			st.Problems = append(st.Problems, f) // the panel did not answer kioskd's probe
		}
		if c := ds.Clock; c != nil {
			st.Clock.Trusted, st.Clock.Jump, st.Clock.Ahead, st.Clock.Reset = c.Trusted, c.Jump, c.Ahead, c.Reset
			if c.Floor.After(st.Clock.Floor) {
				st.Clock.Floor = c.Floor
			}
		}
	default:
		st.Daemon = DaemonStatus{Running: false, URL: url}
		st.Problems = append(st.Problems, "kioskd does not answer at "+orDash(url))
	}
	switch {
	case st.Clock.Jump != nil && !st.Clock.Jump.Trusted:
		st.Problems = append(st.Problems, fmt.Sprintf("the clock jumped to %s, past what the kiosk's evidence allows (%s): not trusted, not saved; passes are judged by the kiosk's own reckoning",
			stamp(st.Clock.Jump.Time), stamp(st.Clock.Jump.Limit)))
	case !st.Clock.Trusted && !st.Clock.Floor.IsZero():
		st.Problems = append(st.Problems, "the clock reads earlier than the last known good time: not trusted (if the clock is right, the last known good time is wrong: kioskctl clock reset --signed FILE)")
	case st.Clock.Jump != nil:
		st.Problems = append(st.Problems, fmt.Sprintf("the clock reads %s, past what the kiosk's evidence allows (%s): the last known good time is not raised until a sync confirms the clock",
			stamp(st.Clock.Jump.Time), stamp(st.Clock.Jump.Limit)))
	}
	if a := st.Clock.Ahead; a != nil {
		st.Problems = append(st.Problems, fmt.Sprintf("a signed time (%s) ahead of the kiosk's evidence (%s) was refused: a stolen timestamp key, or the clock is behind", stamp(a.Time), stamp(a.Limit)))
	}
	return st, nil
}

func printStatus(w io.Writer, st *Status) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "version\t%s\n", st.Version)
	fmt.Fprintf(tw, "slot\t%s\n", st.Slot)
	fmt.Fprintf(tw, "venue\t%s %s %s\n", orDash(st.Venue.ID), st.Venue.NameEN, st.Venue.NameZH)
	if st.Daemon.Running {
		fmt.Fprintf(tw, "kioskd\trunning at %s: %s\n", st.Daemon.URL, st.Daemon.Summary)
	} else {
		fmt.Fprintf(tw, "kioskd\tnot answering\n")
	}
	trust := "trusted"
	if !st.Clock.Trusted {
		trust = "NOT trusted"
	}
	fmt.Fprintf(tw, "clock\t%s (now %s, last known good %s)\n", trust, stamp(st.Clock.Now), stamp(st.Clock.Floor))
	if st.LastSync != nil {
		fmt.Fprintf(tw, "last sync\t%s\n", stamp(*st.LastSync))
	} else {
		fmt.Fprintf(tw, "last sync\tnever\n")
	}
	for _, d := range st.Data {
		fmt.Fprintf(tw, "data %s\tversion %d, signed %s (%s ago), from %s\n", d.Name, d.Version, stamp(d.Signed), d.Age, d.Source)
	}
	if st.Store != nil {
		fmt.Fprintf(tw, "store\t%d revocations, %d codes, %d keys, %d bytes\n", st.Store.Revocations, st.Store.Codes, st.Store.TrustKeys, st.Store.Bytes)
	}
	if line := scannerLine(st.Scanner); line != "" {
		fmt.Fprintf(tw, "scanner\t%s\n", line)
	}
	if line := panelLine(st.Panel); line != "" {
		fmt.Fprintf(tw, "panel\t%s\n", line)
	}
	fmt.Fprintf(tw, "today\tgreen %d, amber %d, red %d, entries %d\n", st.Today.Green, st.Today.Amber, st.Today.Red, st.Today.Entries)
	if d := st.Door; d != nil {
		e := d.Exempt
		open := ""
		if d.OpenUntil != nil {
			open = ", OPEN NOW until " + stamp(*d.OpenUntil)
		}
		fmt.Fprintf(tw, "door today	exempt: under 12 %d, 65 or above %d, disability %d, other %d; entry opened %s%s\n",
			e.Under12, e.Over65, e.Disability, e.Other, times(d.Openings), open)
	}
	if v := st.Visits; v != nil {
		oldest := "none"
		if v.Oldest != nil {
			oldest = stamp(*v.Oldest)
		}
		fmt.Fprintf(tw, "visit log\t%d visits (oldest %s), %d closed by an exit scan, %d overlapping an exposure window here\n", v.Logged, oldest, v.CheckedOut, v.ExposedMatches)
	}
	for _, p := range st.Problems {
		fmt.Fprintf(tw, "problem\t%s\n", p)
	}
	tw.Flush()
}

// scannerLine says kioskd's scanner state (GET /api/state's "scanner") in
// words; "" when there is none.
func scannerLine(raw json.RawMessage) string {
	var s struct {
		Connected bool   `json:"connected"`
		State     string `json:"state"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	if s.State == "" {
		if s.Connected {
			return "connected"
		}
		return "not connected"
	}
	return s.State
}

// panelLine says kioskd's panel state (GET /api/state's "panel") in
// words; "" when there is none.
func panelLine(raw json.RawMessage) string {
	var p struct {
		Model   string `json:"model"`
		Full    uint64 `json:"full_refreshes"`
		Partial uint64 `json:"partial_refreshes"`
		Errors  uint64 `json:"errors"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &p) != nil {
		return ""
	}
	if p.Model == "" || p.Model == "none" {
		return "none"
	}
	if f := panelFault(raw); f != "" {
		return p.Model + ": FAULT: " + f // f says "panel fault: …" itself
	}
	return fmt.Sprintf("%s: %s and %s since start, %s", p.Model,
		plural(int64(p.Full), "full refresh", "full refreshes"), plural(int64(p.Partial), "partial refresh", "partial refreshes"), plural(int64(p.Errors), "error", "errors"))
}

// panelFault is the fault kioskd reports for its panel (GET /api/state's
// "panel.fault"), "" when it answered.
func panelFault(raw json.RawMessage) string {
	var p struct {
		Fault string `json:"fault"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &p) != nil {
		return ""
	}
	return p.Fault
}

// plural says n things: "1 error", "2 errors".
func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// times says how often: "0 times", "once", "3 times".
func times(n int64) string {
	switch n {
	case 0:
		return "0 times"
	case 1:
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
