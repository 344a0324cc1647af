package fleet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"time"
)

// Version is the message schema version ("v"). Fields may be added within
// a version; a receiver refuses another version.
const Version = 1

// MaxPayload bounds a message, in bytes.
const MaxPayload = 16 << 10

// Bounds of a message's contents.
const (
	MaxDataSets        = 16
	MaxExemptKinds     = 16
	maxCount           = 1 << 40
	maxUptime          = 100 * 365 * 24 * 3600
	maxEvery           = 7 * 24 * 3600
	maxPeriods         = 1 << 20
	contentType        = "application/json"
	dataSetNameMaxSize = 32
)

// Header opens every status and counters message.
type Header struct {
	V     int       `json:"v"`
	Seq   int64     `json:"seq"`  // the outbox number: only grows within a boot
	Boot  string    `json:"boot"` // 16 hex digits, new at every start of kioskd
	At    time.Time `json:"at"`   // when the kiosk made the message (its clock)
	Venue string    `json:"venue"`
	Kiosk string    `json:"kiosk"`
}

// Snapshot is the kiosk's state as Source gives it. Nothing in it is
// personal.
type Snapshot struct {
	Firmware  string     `json:"firmware"`
	Slot      string     `json:"slot"` // booted RAUC slot, "" when unknown
	Uptime    int64      `json:"uptime_s"`
	Data      []DataSet  `json:"data"`
	DataStale bool       `json:"data_stale"` // older than the entry policy allows: scans turn amber
	LastSync  *time.Time `json:"last_sync"`  // when data was last applied
	Clock     Clock      `json:"clock"`
	// Setup is the last change of the kiosk's venue from a poster at the
	// kiosk (applied at the next start); nil: none.
	Setup     *Setup `json:"setup,omitempty"`
	Scanner   Device `json:"scanner"`
	Panel     Device `json:"panel"`
	Lights    Device `json:"lights"`
	LastError string `json:"last_error"` // the last problem the kiosk noted, "" when none
}

// DataSet is one synced data set.
type DataSet struct {
	Name    string    `json:"name"`
	Version int64     `json:"version"`
	Signed  time.Time `json:"signed"`
	Age     int64     `json:"age_s"` // At − Signed, filled in by the publisher
}

// Clock is the trusted clock's state.
type Clock struct {
	Trusted bool      `json:"trusted"`
	Floor   time.Time `json:"floor"` // the last known good time
	// Jump says the clock jumped ahead of the kiosk's evidence (not
	// saved; not trusted unless no signed time confirmed the clock yet),
	// SignedAhead that a signed time ahead of it was refused; Reset is the
	// version of a signed floor reset applied since the start.
	Jump        string `json:"jump,omitempty"`
	SignedAhead string `json:"signed_ahead,omitempty"`
	Reset       int64  `json:"reset,omitempty"`
}

// Setup is a change of the kiosk's venue made at the kiosk: a
// technician's card, the venue's poster, the card again.
type Setup struct {
	At   time.Time `json:"at"`
	From string    `json:"from"` // the venue id before ("" when none)
	To   string    `json:"to"`   // the poster's venue id
	Card string    `json:"card"` // the technician card's id hash (staff.IDHash)
}

var (
	setupVenue = regexp.MustCompile(`^[A-Za-z0-9_-]{0,32}$`)
	cardHash   = regexp.MustCompile(`^[0-9a-f]{16}$`)
)

// Device is one device's state: OK false is a fault.
type Device struct {
	OK    bool   `json:"ok"`
	State string `json:"state"`
}

// QueueState describes the outbox when the status was made.
type QueueState struct {
	Waiting int   `json:"waiting"` // messages not yet acknowledged by the broker
	Merged  int64 `json:"merged"`  // counters messages merged since start because the outbox was full
}

// Status is the retained status message.
type Status struct {
	Header
	Every int64 `json:"every_s"` // a status follows at least this often
	Snapshot
	Queue QueueState `json:"queue"`
}

// Counts are one period's tallies. Exempt (by staff category) and
// Overrides (openings of entry without checks) are left out of the message
// when zero.
type Counts struct {
	Green     int64            `json:"green"`
	Amber     int64            `json:"amber"`
	Red       int64            `json:"red"`
	Entries   int64            `json:"entries"`
	Exempt    map[string]int64 `json:"exempt,omitempty"` // entries on an exemption, by category
	Overrides int64            `json:"overrides,omitempty"`
	// Door counts each opening and closing of entry in the period by who
	// did it: a staff card's id hash (staff.IDHash, 16 hex digits), or
	// "button". Left out when none.
	Door map[string]DoorCounts `json:"door,omitempty"`
}

// DoorCounts are one card's (or the button's) openings and closings of
// entry.
type DoorCounts struct {
	Opened int64 `json:"opened,omitempty"`
	Closed int64 `json:"closed,omitempty"`
}

// MaxDoorActors bounds the cards (and the button) a counters message
// names.
const MaxDoorActors = 64

var doorActor = regexp.MustCompile(`^([0-9a-f]{16}|button)$`)

// Counters is the counters message: counts from From to To.
type Counters struct {
	Header
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	Periods int       `json:"periods"` // 1, or how many periods a merge joined
	Counts
}

// Online is the retained connection message: true at every connection,
// false as the last will (the broker sends it when the kiosk vanishes) and
// at a clean stop.
type Online struct {
	V      int        `json:"v"`
	Online bool       `json:"online"`
	Boot   string     `json:"boot"`
	At     *time.Time `json:"at,omitempty"` // absent in the last will
	Venue  string     `json:"venue"`
	Kiosk  string     `json:"kiosk"`
}

var (
	bootRE     = regexp.MustCompile(`^[0-9a-f]{16}$`)
	exemptKind = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
)

// add returns a + b.
func (a Counts) add(b Counts) Counts {
	out := Counts{Green: a.Green + b.Green, Amber: a.Amber + b.Amber, Red: a.Red + b.Red,
		Entries: a.Entries + b.Entries, Overrides: a.Overrides + b.Overrides}
	if len(a.Exempt)+len(b.Exempt) > 0 {
		out.Exempt = maps.Clone(a.Exempt)
		if out.Exempt == nil {
			out.Exempt = map[string]int64{}
		}
		for k, v := range b.Exempt {
			out.Exempt[k] += v
		}
	}
	if len(a.Door)+len(b.Door) > 0 {
		out.Door = maps.Clone(a.Door)
		if out.Door == nil {
			out.Door = map[string]DoorCounts{}
		}
		for k, v := range b.Door {
			d := out.Door[k]
			d.Opened += v.Opened
			d.Closed += v.Closed
			out.Door[k] = d
		}
	}
	return out
}

// Merge joins an older counters message a and a newer b into one that
// covers both periods; its header is b's.
func Merge(a, b Counters) Counters {
	m := Counters{Header: b.Header, From: a.From, To: b.To, Periods: a.Periods + b.Periods, Counts: a.Counts.add(b.Counts)}
	if b.From.Before(m.From) {
		m.From = b.From
	}
	if a.To.After(m.To) {
		m.To = a.To
	}
	return m
}

func (h Header) check(venue, kiosk string) error {
	switch {
	case h.V != Version:
		return fmt.Errorf("version %d; this program reads %d", h.V, Version)
	case h.Seq < 0:
		return fmt.Errorf("seq %d", h.Seq)
	case !bootRE.MatchString(h.Boot):
		return fmt.Errorf("boot %q: want 16 hex digits", h.Boot)
	case h.At.IsZero():
		return fmt.Errorf("no time")
	}
	return checkWho(h.Venue, h.Kiosk, venue, kiosk)
}

// checkWho requires the IDs in a payload to be the topic's: the ACL guards
// topics, so a payload naming another kiosk is refused.
func checkWho(gotVenue, gotKiosk, venue, kiosk string) error {
	if gotVenue != venue || gotKiosk != kiosk {
		return fmt.Errorf("payload is from %s/%s, topic from %s/%s", gotVenue, gotKiosk, venue, kiosk)
	}
	return nil
}

func checkText(what, s string) error {
	if len(s) > MaxText {
		return fmt.Errorf("%s: %d bytes; at most %d", what, len(s), MaxText)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return fmt.Errorf("%s: byte %#x at %d; want printable ASCII", what, s[i], i)
		}
	}
	return nil
}

// Check validates a status for venue and kiosk.
func (s *Status) Check(venue, kiosk string) error {
	if err := s.Header.check(venue, kiosk); err != nil {
		return err
	}
	switch {
	case s.Every <= 0 || s.Every > maxEvery:
		return fmt.Errorf("every_s %d: want 1 to %d", s.Every, maxEvery)
	case s.Uptime < 0 || s.Uptime > maxUptime:
		return fmt.Errorf("uptime_s %d", s.Uptime)
	case len(s.Data) > MaxDataSets:
		return fmt.Errorf("%d data sets; at most %d", len(s.Data), MaxDataSets)
	case s.Queue.Waiting < 0 || s.Queue.Merged < 0:
		return fmt.Errorf("queue %+v", s.Queue)
	}
	for i, d := range s.Data {
		if d.Name == "" || len(d.Name) > dataSetNameMaxSize {
			return fmt.Errorf("data set %d: name of %d bytes", i, len(d.Name))
		}
		if err := checkText("data set name", d.Name); err != nil {
			return err
		}
		if d.Version < 0 || d.Age < -maxUptime || d.Age > maxUptime {
			return fmt.Errorf("data set %s: version %d, age %d", d.Name, d.Version, d.Age)
		}
	}
	if u := s.Setup; u != nil && (u.At.IsZero() || !setupVenue.MatchString(u.From) || u.To == "" || !setupVenue.MatchString(u.To) || !cardHash.MatchString(u.Card)) {
		return fmt.Errorf("setup %+v", *u)
	}
	for what, t := range map[string]string{"firmware": s.Firmware, "slot": s.Slot, "scanner": s.Scanner.State,
		"panel": s.Panel.State, "lights": s.Lights.State, "last_error": s.LastError} {
		if err := checkText(what, t); err != nil {
			return err
		}
	}
	return nil
}

// Check validates a counters message for venue and kiosk.
func (c *Counters) Check(venue, kiosk string) error {
	if err := c.Header.check(venue, kiosk); err != nil {
		return err
	}
	switch {
	case c.From.IsZero() || c.To.Before(c.From):
		return fmt.Errorf("period %v to %v", c.From, c.To)
	case c.Periods < 1 || c.Periods > maxPeriods:
		return fmt.Errorf("periods %d", c.Periods)
	case len(c.Exempt) > MaxExemptKinds:
		return fmt.Errorf("%d exemption categories; at most %d", len(c.Exempt), MaxExemptKinds)
	case len(c.Door) > MaxDoorActors:
		return fmt.Errorf("%d door actors; at most %d", len(c.Door), MaxDoorActors)
	}
	for k, d := range c.Door {
		if !doorActor.MatchString(k) || d.Opened < 0 || d.Closed < 0 || d.Opened > maxCount || d.Closed > maxCount {
			return fmt.Errorf("door %q: %+v", k, d)
		}
	}
	for name, n := range map[string]int64{"green": c.Green, "amber": c.Amber, "red": c.Red, "entries": c.Entries, "overrides": c.Overrides} {
		if n < 0 || n > maxCount {
			return fmt.Errorf("%s %d", name, n)
		}
	}
	for k, n := range c.Exempt {
		if !exemptKind.MatchString(k) || n < 0 || n > maxCount {
			return fmt.Errorf("exempt %q: %d", k, n)
		}
	}
	return nil
}

// Check validates an online message for venue and kiosk.
func (o *Online) Check(venue, kiosk string) error {
	if o.V != Version {
		return fmt.Errorf("version %d; this program reads %d", o.V, Version)
	}
	if !bootRE.MatchString(o.Boot) {
		return fmt.Errorf("boot %q: want 16 hex digits", o.Boot)
	}
	return checkWho(o.Venue, o.Kiosk, venue, kiosk)
}

// checker is a message that validates itself.
type checker interface {
	Check(venue, kiosk string) error
}

// encode marshals a valid message.
func encode(m checker, venue, kiosk string) ([]byte, error) {
	if err := m.Check(venue, kiosk); err != nil {
		return nil, fmt.Errorf("fleet: refusing to send: %w", err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if len(b) > MaxPayload {
		return nil, fmt.Errorf("fleet: refusing to send %d bytes; at most %d", len(b), MaxPayload)
	}
	return b, nil
}

// decodeInto reads payload (bounded, one JSON object, nothing after it)
// into m and validates it for venue and kiosk. Unknown fields are allowed:
// a version adds fields.
func decodeInto(payload []byte, m checker, venue, kiosk string) error {
	if len(payload) == 0 || len(payload) > MaxPayload {
		return fmt.Errorf("payload of %d bytes; want 1 to %d", len(payload), MaxPayload)
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	if err := dec.Decode(m); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("data after the JSON object")
	}
	return m.Check(venue, kiosk)
}

// Message is one decoded message from a kiosk topic: exactly one of
// Status, Counters and Online is set.
type Message struct {
	Venue, Kiosk, Leaf string
	Status             *Status
	Counters           *Counters
	Online             *Online
}

// Decode parses and validates a message received on topic.
func Decode(topic string, payload []byte) (*Message, error) {
	venue, kiosk, leaf, err := ParseTopic(topic)
	if err != nil {
		return nil, err
	}
	m := &Message{Venue: venue, Kiosk: kiosk, Leaf: leaf}
	var c checker
	switch leaf {
	case LeafStatus:
		m.Status = &Status{}
		c = m.Status
	case LeafCounters:
		m.Counters = &Counters{}
		c = m.Counters
	default:
		m.Online = &Online{}
		c = m.Online
	}
	if err := decodeInto(payload, c, venue, kiosk); err != nil {
		return nil, fmt.Errorf("fleet: %s: %w", topic, err)
	}
	return m, nil
}
