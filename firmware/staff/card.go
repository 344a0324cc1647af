package staff

import (
	"crypto/ed25519"
	"encoding/base32"
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
	// MaxCard bounds a card's text.
	MaxCard = 256
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
	return nil
}

// sigEncoding is RFC 4648 base32 without padding: QR alphanumeric.
var sigEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// body is the signed text: everything before the signature's ':'.
func (c *Card) body() string {
	return Prefix + string(c.Role) + ":" + c.ID + ":" + c.From.UTC().Format(timeLayout) + ":" + c.Until.UTC().Format(timeLayout)
}

func signedBytes(body string) []byte { return append([]byte(Context), body...) }

// Sign returns the card's text, signed with the operator's key. From and
// Until are truncated to the minute.
func Sign(c Card, operator ed25519.PrivateKey) (string, error) {
	if len(operator) != ed25519.PrivateKeySize {
		return "", fmt.Errorf("staff: no operator key")
	}
	c.From, c.Until = c.From.UTC().Truncate(time.Minute), c.Until.UTC().Truncate(time.Minute)
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

// trim drops the line ending a scanner may leave.
func trim(p string) string { return strings.TrimRight(p, "\r\n") }
