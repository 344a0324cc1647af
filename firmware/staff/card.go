package staff

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Format constants.
const (
	// Prefix starts every staff card.
	Prefix = "VKSTAFF1:"
	// Context prefixes the signed bytes; it differs from
	// provision.Context, so that neither signature passes as the other.
	Context = "venuekiosk staff card v1\x00"
	// MaxCard bounds a card's text: a card bound to MaxScope venues of 32
	// characters fits.
	MaxCard = 448
	// MaxID bounds a card id.
	MaxID = 24
	// MaxValidity bounds a card's validity period.
	MaxValidity = 5 * 366 * 24 * time.Hour
	// timeLayout is FROM and UNTIL: UTC minutes.
	timeLayout = "200601021504"
	// sigLen is the signature's length in base32 without padding.
	sigLen = 103
)

// Role is what a card's holder may do at the kiosk.
type Role string

// Roles.
const (
	// Guard records exempt entries: their card, then a category.
	Guard Role = "GUARD"
	// Supervisor opens the door (no checks) and closes it again.
	Supervisor Role = "SUPERVISOR"
	// Technician sets the venue identity from the venue's poster.
	Technician Role = "TECHNICIAN"
)

// Roles lists every role.
func Roles() []Role { return []Role{Guard, Supervisor, Technician} }

// ParseRole reads a role as the card and kioskctl spell it (any case).
func ParseRole(s string) (Role, error) {
	for _, r := range Roles() {
		if strings.EqualFold(s, string(r)) {
			return r, nil
		}
	}
	return "", fmt.Errorf("staff: role %q: want guard, supervisor or technician", s)
}

// Card is a staff card's content.
type Card struct {
	ID    string
	Role  Role
	From  time.Time // valid from this minute (UTC)
	Until time.Time // valid until this minute (UTC), exclusive
	// Venues or Kiosks, when set (one or the other), bind the card: it
	// works only at kiosks of those venues (venue.id) or at those kiosks
	// (fleet.kiosk_id). IDs are compared without regard to case.
	Venues []string
	Kiosks []string
}

// MaxScope bounds the venues or kiosks a card names.
const MaxScope = 8

var scopeID = regexp.MustCompile(`^[A-Z0-9-]{1,32}$`)

// scope is the card's optional binding as the card spells it: V/ID+ID…
// for venues, K/ID+ID… for kiosks; "" for none.
func (c *Card) scope() string {
	switch {
	case len(c.Venues) > 0:
		return "V/" + strings.Join(c.Venues, "+")
	case len(c.Kiosks) > 0:
		return "K/" + strings.Join(c.Kiosks, "+")
	}
	return ""
}

// parseScope reads a binding (see scope).
func (c *Card) parseScope(s string) error {
	kind, list, ok := strings.Cut(s, "/")
	if !ok || list == "" {
		return fmt.Errorf("binding %q: want V/VENUE+… or K/KIOSK+…", s)
	}
	ids := strings.Split(list, "+")
	switch kind {
	case "V":
		c.Venues = ids
	case "K":
		c.Kiosks = ids
	default:
		return fmt.Errorf("binding %q: want V/VENUE+… or K/KIOSK+…", s)
	}
	return nil
}

// For reports whether the card may be used at a kiosk of venue with id
// kiosk: always for an unbound card.
func (c *Card) For(venue, kiosk string) bool {
	match := func(ids []string, id string) bool {
		for _, x := range ids {
			if id != "" && strings.EqualFold(x, id) {
				return true
			}
		}
		return false
	}
	switch {
	case len(c.Venues) > 0:
		return match(c.Venues, venue)
	case len(c.Kiosks) > 0:
		return match(c.Kiosks, kiosk)
	}
	return true
}

// IDHash is what leaves the kiosk of a card id (fleet reports): the first
// 8 bytes of SHA-256("venuekiosk staff card id\x00" + id), in hex. The
// operator, who knows its card ids, can tell which card it was; a reader
// of the reports alone cannot.
func IDHash(id string) string {
	h := sha256.Sum256([]byte("venuekiosk staff card id\x00" + id))
	return hex.EncodeToString(h[:8])
}

var cardID = regexp.MustCompile(`^[A-Z0-9-]{1,24}$`)

// ValidID checks a card id.
func ValidID(id string) error {
	if !cardID.MatchString(id) {
		return fmt.Errorf("staff: card id %q: want 1 to %d of A-Z, 0-9 and '-'", id, MaxID)
	}
	return nil
}

// check checks c's fields as a card carries them.
func (c *Card) check() error {
	if err := ValidID(c.ID); err != nil {
		return err
	}
	if _, err := ParseRole(string(c.Role)); err != nil || strings.ToUpper(string(c.Role)) != string(c.Role) {
		return fmt.Errorf("staff: role %q: want %s, %s or %s", c.Role, Guard, Supervisor, Technician)
	}
	if c.From.Year() < 2000 || c.Until.Year() > 9999 {
		return fmt.Errorf("staff: validity %v to %v: out of range", c.From, c.Until)
	}
	if !c.Until.After(c.From) {
		return fmt.Errorf("staff: valid until %s is not after valid from %s", c.Until.UTC().Format(time.RFC3339), c.From.UTC().Format(time.RFC3339))
	}
	if c.Until.Sub(c.From) > MaxValidity {
		return fmt.Errorf("staff: validity %v: at most %v", c.Until.Sub(c.From).Round(time.Hour), MaxValidity)
	}
	if len(c.Venues) > 0 && len(c.Kiosks) > 0 {
		return fmt.Errorf("staff: a card is bound to venues or to kiosks, not both")
	}
	for _, ids := range [][]string{c.Venues, c.Kiosks} {
		if len(ids) > MaxScope {
			return fmt.Errorf("staff: %d venues or kiosks; at most %d", len(ids), MaxScope)
		}
		for _, id := range ids {
			if !scopeID.MatchString(id) {
				return fmt.Errorf("staff: venue or kiosk id %q: want 1 to 32 of A-Z, 0-9 and '-'", id)
			}
		}
	}
	return nil
}

// sigEncoding is RFC 4648 base32 without padding: QR alphanumeric.
var sigEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// body is the signed text: everything before the signature's ':'. A
// bound card has a fifth field, its binding (kiosks that predate it refuse
// the card as malformed: it fails closed).
func (c *Card) body() string {
	b := Prefix + string(c.Role) + ":" + c.ID + ":" + c.From.UTC().Format(timeLayout) + ":" + c.Until.UTC().Format(timeLayout)
	if sc := c.scope(); sc != "" {
		b += ":" + sc
	}
	return b
}

func signedBytes(body string) []byte { return append([]byte(Context), body...) }

// Sign returns the card's text, signed with the operator's key. From and
// Until are truncated to the minute.
func Sign(c Card, operator ed25519.PrivateKey) (string, error) {
	if len(operator) != ed25519.PrivateKeySize {
		return "", fmt.Errorf("staff: no operator key")
	}
	c.From, c.Until = c.From.UTC().Truncate(time.Minute), c.Until.UTC().Truncate(time.Minute)
	c.Venues, c.Kiosks = upper(c.Venues), upper(c.Kiosks)
	if err := c.check(); err != nil {
		return "", err
	}
	b := c.body()
	sig := ed25519.Sign(operator, signedBytes(b))
	return b + ":" + sigEncoding.EncodeToString(sig), nil
}

// IsCard reports whether payload looks like a staff card (its prefix):
// the scanner tells passes from cards by it.
func IsCard(payload string) bool {
	return strings.HasPrefix(trim(payload), Prefix)
}

func upper(ids []string) []string {
	var out []string
	for _, id := range ids {
		out = append(out, strings.ToUpper(id))
	}
	return out
}

// trim drops the line ending a scanner may leave.
func trim(p string) string { return strings.TrimRight(p, "\r\n") }
