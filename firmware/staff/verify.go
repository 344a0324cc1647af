package staff

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors Verify wraps, for callers to tell apart (errors.Is).
var (
	ErrMalformed   = errors.New("staff: not a well-formed staff card")
	ErrNoKey       = errors.New("staff: no operator key configured")
	ErrSignature   = errors.New("staff: signature does not verify with the operator's key")
	ErrNotYetValid = errors.New("staff: card not yet valid")
	ErrExpired     = errors.New("staff: card expired")
	ErrRevoked     = errors.New("staff: card revoked")
	ErrLookup      = errors.New("staff: revocation lookup failed")
	ErrTooLong     = errors.New("staff: card valid for longer than the policy allows")
	ErrElsewhere   = errors.New("staff: card bound to other venues or kiosks")
)

// Revocations tells whether a card id is revoked; *store.Store implements
// it with the synced staff-card revocations.
type Revocations interface {
	StaffRevoked(ctx context.Context, id string) (bool, error)
}

// Verifier checks staff cards against the operator's keys and the
// revocations.
type Verifier struct {
	// Keys are the operator's public keys (more than one while a key is
	// being replaced); none: every card is refused with ErrNoKey.
	Keys []ed25519.PublicKey
	// Revoked looks card ids up; nil: none is revoked.
	Revoked Revocations
	// MaxLife is the longest validity period (Until - From) the entry
	// policy allows a card of role; nil or 0: MaxValidity only.
	MaxLife func(Role) time.Duration
	// Venue and Kiosk are this kiosk's venue.id and fleet.kiosk_id, for
	// cards bound to venues or kiosks.
	Venue, Kiosk string
	// ListTime returns when the staff-card revocation list in force was
	// signed (ok false: the kiosk has none), and MaxListAge how old it may
	// be (the entry policy's maximum data age; 0: any age). See StaleList.
	ListTime   func() (signed time.Time, ok bool)
	MaxListAge func() time.Duration
}

// StaleList reports whether the staff-card revocation list is older than
// MaxListAge at time at (or missing): a card revoked since may still look
// valid. The door refuses supervisors' and technicians' cards then, and
// warns for guards'.
func (v *Verifier) StaleList(at time.Time) bool {
	if v.ListTime == nil || v.MaxListAge == nil {
		return false
	}
	max := v.MaxListAge()
	if max <= 0 {
		return false
	}
	t, ok := v.ListTime()
	return !ok || at.Sub(t) > max
}

// Verify checks payload at time at and returns the card. See the package
// documentation for the order of the checks.
func (v *Verifier) Verify(payload string, at time.Time) (*Card, error) {
	c, err := Open(payload, v.Keys)
	if err != nil {
		return nil, err
	}
	if err := c.ValidAt(at); err != nil {
		return c, err
	}
	if v.MaxLife != nil {
		if max := v.MaxLife(c.Role); max > 0 && c.Until.Sub(c.From) > max {
			return c, fmt.Errorf("%w: card %s is valid for %d days; at most %d for a %s", ErrTooLong, c.ID,
				int(c.Until.Sub(c.From).Hours()/24), int(max.Hours()/24), strings.ToLower(string(c.Role)))
		}
	}
	if !c.For(v.Venue, v.Kiosk) {
		return c, fmt.Errorf("%w: card %s", ErrElsewhere, c.ID)
	}
	if v.Revoked != nil {
		revoked, err := v.Revoked.StaffRevoked(context.Background(), c.ID)
		if err != nil {
			return c, fmt.Errorf("%w: %v", ErrLookup, err)
		}
		if revoked {
			return c, fmt.Errorf("%w: card %s", ErrRevoked, c.ID)
		}
	}
	return c, nil
}

// ValidAt checks c's validity period at time at.
func (c *Card) ValidAt(at time.Time) error {
	switch {
	case at.Before(c.From):
		return fmt.Errorf("%w: card %s is valid from %s", ErrNotYetValid, c.ID, c.From.UTC().Format("2006-01-02 15:04Z"))
	case !at.Before(c.Until):
		return fmt.Errorf("%w: card %s was valid until %s", ErrExpired, c.ID, c.Until.UTC().Format("2006-01-02 15:04Z"))
	}
	return nil
}

// Open checks a card's signature with keys and only then parses it. It
// does not judge the validity period or revocation (Verify does).
func Open(payload string, keys []ed25519.PublicKey) (*Card, error) {
	p := trim(payload)
	if len(p) > MaxCard {
		return nil, fmt.Errorf("%w: %d bytes; at most %d", ErrMalformed, len(p), MaxCard)
	}
	for i := 0; i < len(p); i++ {
		if !alphanumeric(p[i]) {
			return nil, fmt.Errorf("%w: character %q at offset %d is not QR alphanumeric", ErrMalformed, p[i], i)
		}
	}
	if !strings.HasPrefix(p, Prefix) {
		return nil, fmt.Errorf("%w: no %s prefix", ErrMalformed, Prefix)
	}
	i := strings.LastIndexByte(p, ':')
	body, sigText := p[:i], p[i+1:]
	if len(sigText) != sigLen {
		return nil, fmt.Errorf("%w: signature is %d characters; want %d", ErrMalformed, len(sigText), sigLen)
	}
	sig, err := sigEncoding.DecodeString(sigText)
	// Only the canonical text of a signature: its last character's unused
	// bits must be zero, so that one card has one text.
	if err != nil || len(sig) != ed25519.SignatureSize || sigEncoding.EncodeToString(sig) != sigText {
		return nil, fmt.Errorf("%w: signature is not canonical base32", ErrMalformed)
	}
	if len(keys) == 0 {
		return nil, ErrNoKey
	}
	ok := false
	msg := signedBytes(body)
	for _, k := range keys {
		if len(k) == ed25519.PublicKeySize && ed25519.Verify(k, msg, sig) {
			ok = true
			break
		}
	}
	if !ok {
		return nil, ErrSignature
	}
	return parse(body)
}

// parse reads a verified card's fields.
func parse(body string) (*Card, error) {
	f := strings.Split(strings.TrimPrefix(body, Prefix), ":")
	if len(f) != 4 && len(f) != 5 {
		return nil, fmt.Errorf("%w: %d fields; want role, card id, from, until and an optional binding", ErrMalformed, len(f))
	}
	c := &Card{Role: Role(f[0]), ID: f[1]}
	if len(f) == 5 {
		if err := c.parseScope(f[4]); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
	}
	var err error
	if c.From, err = parseTime(f[2]); err != nil {
		return nil, fmt.Errorf("%w: from: %v", ErrMalformed, err)
	}
	if c.Until, err = parseTime(f[3]); err != nil {
		return nil, fmt.Errorf("%w: until: %v", ErrMalformed, err)
	}
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return c, nil
}

func parseTime(s string) (time.Time, error) {
	if len(s) != len(timeLayout) {
		return time.Time{}, fmt.Errorf("%q: want YYYYMMDDHHMM", s)
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: want YYYYMMDDHHMM", s)
	}
	return t, nil
}

// alphanumeric reports whether b is in the QR alphanumeric character set.
func alphanumeric(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || strings.IndexByte(" $%*+-./:", b) >= 0
}
