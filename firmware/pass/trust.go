package pass

import (
	"crypto"
	"time"
)

// Usage restricts what a signer key may sign. The zero Usage allows every
// kind, which is what a certificate without the EU DCC extended key usages
// means.
type Usage uint8

// Usage bits, one per Kind.
const (
	UseTest Usage = 1 << iota
	UseVaccination
	UseRecovery
	UseExemption
)

// UsageOf returns the bit for kind k.
func UsageOf(k Kind) Usage {
	switch k {
	case Test:
		return UseTest
	case Vaccination:
		return UseVaccination
	case Recovery:
		return UseRecovery
	case Exemption:
		return UseExemption
	}
	return 0
}

// Allows reports whether u permits signing a statement of kind k.
func (u Usage) Allows(k Kind) bool { return u == 0 || u&UsageOf(k) != 0 }

// Key is a trusted issuer key.
type Key struct {
	Format    string           // a format's Name: "dcc", "shc", "hksarg", "nzcp"
	KID       string           // DCC: base64 of the 8-byte kid; SHC: JWK kid; HK: "HKSARG:VAC3"
	Issuer    string           // country code or issuer URL
	Public    crypto.PublicKey // *ecdsa.PublicKey or *rsa.PublicKey
	Usage     Usage
	NotBefore time.Time // zero when unbounded
	NotAfter  time.Time // zero when unbounded
}

// Trust finds issuer keys. Implementations must be safe for concurrent use.
type Trust interface {
	// Keys returns the trusted keys of format with identifier kid, or none.
	Keys(format, kid string) ([]*Key, error)
}
