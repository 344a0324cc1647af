package fleet

import (
	"fmt"
	"regexp"
	"strings"
)

// Root is the first level of every topic.
const Root = "venuekiosk"

// The last level of a kiosk's topics.
const (
	LeafStatus   = "status"
	LeafOnline   = "online"
	LeafCounters = "counters"
)

// AllTopics is the filter that matches every kiosk's messages.
const AllTopics = Root + "/#"

var idRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// CheckID checks a venue or kiosk ID: 1 to 64 of A-Z a-z 0-9 _ -, so that
// it is one topic level and never a wildcard.
func CheckID(what, id string) error {
	if !idRE.MatchString(id) {
		return fmt.Errorf("fleet: %s %q: want 1 to 64 of A-Z a-z 0-9 _ -", what, id)
	}
	return nil
}

// Topics are one kiosk's topic names.
type Topics struct {
	Venue, Kiosk string
}

// NewTopics checks venue and kiosk and returns their topics.
func NewTopics(venue, kiosk string) (Topics, error) {
	if err := CheckID("venue", venue); err != nil {
		return Topics{}, err
	}
	if err := CheckID("kiosk", kiosk); err != nil {
		return Topics{}, err
	}
	return Topics{Venue: venue, Kiosk: kiosk}, nil
}

func (t Topics) leaf(l string) string { return Root + "/" + t.Venue + "/" + t.Kiosk + "/" + l }

// Status is the retained status topic.
func (t Topics) Status() string { return t.leaf(LeafStatus) }

// Online is the retained connection topic (birth and last will).
func (t Topics) Online() string { return t.leaf(LeafOnline) }

// Counters is the counters topic.
func (t Topics) Counters() string { return t.leaf(LeafCounters) }

// ParseTopic splits a kiosk topic into its venue, kiosk and last level,
// which must be one of LeafStatus, LeafOnline and LeafCounters.
func ParseTopic(topic string) (venue, kiosk, leaf string, err error) {
	if len(topic) > 256 {
		return "", "", "", fmt.Errorf("fleet: topic of %d bytes", len(topic))
	}
	parts := strings.Split(topic, "/")
	if len(parts) != 4 || parts[0] != Root {
		return "", "", "", fmt.Errorf("fleet: topic %q: want %s/<venue>/<kiosk>/<status|online|counters>", topic, Root)
	}
	venue, kiosk, leaf = parts[1], parts[2], parts[3]
	if err := CheckID("venue", venue); err != nil {
		return "", "", "", err
	}
	if err := CheckID("kiosk", kiosk); err != nil {
		return "", "", "", err
	}
	switch leaf {
	case LeafStatus, LeafOnline, LeafCounters:
	default:
		return "", "", "", fmt.Errorf("fleet: topic %q: unknown last level %q", topic, leaf)
	}
	return venue, kiosk, leaf, nil
}
