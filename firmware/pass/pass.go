package pass

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Kind is what a pass entry states about its holder.
type Kind string

// The kinds of statement a pass can carry.
const (
	Vaccination Kind = "vaccination"
	Test        Kind = "test"
	Recovery    Kind = "recovery"
	Exemption   Kind = "exemption"
)

// ID is the stable identifier of a pass: a SHA-256 over the format name and
// the issuer's unique identifier of the certificate (for example the UVCI of
// an EU certificate). Revocation lists, red/amber code lists and the visit
// log refer to passes by ID only; the raw identifier is never stored.
type ID [32]byte

// NewID returns the ID of the certificate identifier uid in format.
func NewID(format, uid string) ID {
	// Hash from a buffer on the stack when it fits: a scan computes an ID
	// for every pass, and most identifiers are short.
	var buf [256]byte
	if n := len(format) + 1 + len(uid); n <= len(buf) {
		b := append(append(append(buf[:0], format...), 0), uid...)
		return ID(sha256.Sum256(b))
	}
	h := sha256.New()
	h.Write([]byte(format))
	h.Write([]byte{0})
	h.Write([]byte(uid))
	var id ID
	h.Sum(id[:0])
	return id
}

// String returns the ID in lower-case hex.
func (id ID) String() string { return hex.EncodeToString(id[:]) }

// IsZero reports whether id was never set.
func (id ID) IsZero() bool { return id == ID{} }

// ParseID parses a 64-digit hex ID.
func ParseID(s string) (ID, error) {
	var id ID
	if len(s) != 2*len(id) {
		return id, Errorf(Schema, "pass id %q: want %d hex digits", s, 2*len(id))
	}
	if _, err := hex.Decode(id[:], []byte(s)); err != nil {
		return id, Errorf(Schema, "pass id %q: %v", s, err)
	}
	return id, nil
}

// Holder identifies the person for the guard's visual check against an
// identity document. It is shown, never stored and never logged.
type Holder struct {
	Name string // as printed on the pass, family name first where known
	DOB  string // as issued: YYYY, YYYY-MM or YYYY-MM-DD (HK records: year only)
}

// Pass is an authenticated pass: a format decoded it, found the signer's key
// in the trust store and checked the signature. Fields the format does not
// carry are zero.
type Pass struct {
	Format   string    // a format's Name: "dcc", "shc", "hksarg", "nzcp"
	KID      string    // key identifier as the format spells it (base64 for DCC)
	Key      *Key      // the trusted key that verified the signature
	Issuer   string    // issuing country (ISO 3166) or issuer URL
	IssuedAt time.Time // zero when the format has no issue time
	Expires  time.Time // zero when the format has no expiry
	// NotBefore is when the issuer says the pass becomes valid, where the
	// format has such a claim besides its issue time (zero otherwise).
	NotBefore time.Time
	Holder    Holder
	ID        ID
	// OtherIDs identify the pass's further entries where it has several,
	// each with an identifier of its own (an early EU certificate with two
	// vaccination entries): revocation and code lists may name any of them.
	OtherIDs []ID

	Vaccinations []Dose
	Tests        []TestResult
	Recoveries   []RecoveryStatement
	Exemptions   []ExemptionStatement
}

// Kinds lists the kinds of statement p carries, each once, in a fixed order.
// The slice is shared: callers must not modify it.
func (p *Pass) Kinds() []Kind {
	i := 0
	if len(p.Vaccinations) > 0 {
		i |= 1
	}
	if len(p.Tests) > 0 {
		i |= 2
	}
	if len(p.Recoveries) > 0 {
		i |= 4
	}
	if len(p.Exemptions) > 0 {
		i |= 8
	}
	return kindSets[i]
}

// kindSets holds every combination of kinds, indexed by a bit per kind,
// so that Kinds allocates nothing. Each slice is full (len == cap): an
// append copies.
var kindSets = func() (sets [16][]Kind) {
	all := [...]Kind{Vaccination, Test, Recovery, Exemption}
	for i := range sets {
		var k []Kind
		for b, kind := range all {
			if i&(1<<b) != 0 {
				k = append(k, kind)
			}
		}
		sets[i] = k[:len(k):len(k)]
	}
	return sets
}()

// Dose is one vaccination event.
type Dose struct {
	Date    time.Time // day of vaccination (UTC midnight)
	Dose    int       // dose number; 0 when unknown
	Series  int       // doses in the primary series; 0 when unknown
	Product string    // product code or name as issued
	Target  string    // disease targeted (SNOMED 840539006 is COVID-19); "" when implied
}

// TestResult is one test statement.
type TestResult struct {
	Sampled  time.Time // sample collection time
	Negative bool
	Type     string // "naat" (PCR) or "rat" (rapid antigen), or as issued
	Target   string
}

// RecoveryStatement states a past infection.
type RecoveryStatement struct {
	FirstPositive time.Time
	ValidFrom     time.Time
	ValidUntil    time.Time
	Target        string
}

// ExemptionStatement states a medical exemption from vaccination.
type ExemptionStatement struct {
	ValidFrom  time.Time
	ValidUntil time.Time // zero when open-ended
}
