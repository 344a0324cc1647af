package fleet

import (
	"errors"
	"fmt"
	"sort"
	"time"
)

// Board is the fleet's state table as a subscriber to venuekiosk/# builds
// it: each kiosk's last status, connection state and counters. It drops
// repeats by (boot, seq). It is not safe for concurrent use.
type Board struct {
	max    int
	kiosks map[string]*Kiosk
	// Refused counts messages that did not decode (logged by the caller).
	Refused int
}

// Kiosk is one kiosk's row.
type Kiosk struct {
	Venue, Kiosk string
	Online       *Online   // nil: never heard
	Status       *Status   // the newest status
	Counters     *Counters // the newest counters
	Seen         time.Time // when the last message arrived (receiver's clock)
}

// ErrBoardFull says the board holds its maximum of kiosks.
var ErrBoardFull = errors.New("fleet: too many kiosks on the board")

// NewBoard returns an empty board for at most max kiosks.
func NewBoard(max int) *Board { return &Board{max: max, kiosks: map[string]*Kiosk{}} }

// Len is how many kiosks the board holds.
func (b *Board) Len() int { return len(b.kiosks) }

// Apply takes one message received at now. An empty payload clears a
// retained message (the kiosk's row goes when nothing of it is left).
func (b *Board) Apply(topic string, payload []byte, now time.Time) error {
	if len(payload) == 0 {
		venue, kiosk, leaf, err := ParseTopic(topic)
		if err != nil {
			b.Refused++
			return err
		}
		k := b.kiosks[venue+"/"+kiosk]
		if k == nil {
			return nil
		}
		switch leaf {
		case LeafStatus:
			k.Status = nil
		case LeafOnline:
			k.Online = nil
		}
		if k.Status == nil && k.Online == nil && k.Counters == nil {
			delete(b.kiosks, venue+"/"+kiosk)
		}
		return nil
	}
	m, err := Decode(topic, payload)
	if err != nil {
		b.Refused++
		return err
	}
	key := m.Venue + "/" + m.Kiosk
	k := b.kiosks[key]
	if k == nil {
		if len(b.kiosks) >= b.max {
			b.Refused++
			return fmt.Errorf("%w (%d)", ErrBoardFull, b.max)
		}
		k = &Kiosk{Venue: m.Venue, Kiosk: m.Kiosk}
		b.kiosks[key] = k
	}
	k.Seen = now
	switch {
	case m.Status != nil:
		if k.Status == nil || newer(m.Status.Header, k.Status.Header) {
			k.Status = m.Status
		}
	case m.Counters != nil:
		if k.Counters == nil || newer(m.Counters.Header, k.Counters.Header) {
			k.Counters = m.Counters
		}
	case m.Online != nil:
		k.Online = m.Online
	}
	return nil
}

// newer reports whether h follows old: a later seq of the same boot, or
// another boot made later.
func newer(h, old Header) bool {
	if h.Boot == old.Boot {
		return h.Seq > old.Seq
	}
	return !h.At.Before(old.At)
}

// Health is a row's verdict; lower is worse, and rows sort by it.
type Health int

// The verdicts, worst first.
const (
	Offline Health = iota // the broker says the kiosk is gone
	Stale                 // no status for two periods, or data older than the policy allows
	Fault                 // a device fault, an untrusted clock, an error
	OK
)

func (h Health) String() string {
	switch h {
	case Offline:
		return "OFFLINE"
	case Stale:
		return "STALE"
	case Fault:
		return "FAULT"
	}
	return "ok"
}

// Row is one kiosk judged at a time.
type Row struct {
	*Kiosk
	Health   Health
	Problems []string
}

// staleGrace is added to twice a kiosk's status period before its status
// counts as stale.
const staleGrace = time.Minute

// Judge returns every kiosk's row, worst first, then by venue and kiosk.
func (b *Board) Judge(now time.Time) []Row {
	rows := make([]Row, 0, len(b.kiosks))
	for _, k := range b.kiosks {
		rows = append(rows, judge(k, now))
	}
	sort.Slice(rows, func(i, j int) bool {
		a, c := rows[i], rows[j]
		if a.Health != c.Health {
			return a.Health < c.Health
		}
		if a.Venue != c.Venue {
			return a.Venue < c.Venue
		}
		return a.Kiosk.Kiosk < c.Kiosk.Kiosk
	})
	return rows
}

func judge(k *Kiosk, now time.Time) Row {
	r := Row{Kiosk: k, Health: OK}
	worse := func(h Health, p string) {
		r.Health = min(r.Health, h)
		r.Problems = append(r.Problems, p)
	}
	if k.Online != nil && !k.Online.Online {
		worse(Offline, "offline")
	}
	s := k.Status
	if s == nil {
		worse(Stale, "no status")
		return r
	}
	if age := now.Sub(s.At); age > 2*time.Duration(s.Every)*time.Second+staleGrace {
		worse(Stale, "status "+age.Round(time.Minute).String()+" old")
	}
	if s.DataStale {
		worse(Stale, "data older than the policy allows")
	}
	if !s.Clock.Trusted {
		worse(Fault, "clock not trusted")
	}
	for _, d := range []struct {
		name string
		dev  Device
	}{{"scanner", s.Scanner}, {"panel", s.Panel}, {"lights", s.Lights}} {
		if !d.dev.OK {
			worse(Fault, d.name+": "+d.dev.State)
		}
	}
	if s.LastError != "" {
		worse(Fault, s.LastError)
	}
	if s.Queue.Merged > 0 {
		worse(Fault, fmt.Sprintf("outbox overflowed (%d merges)", s.Queue.Merged))
	}
	return r
}
