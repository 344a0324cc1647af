package shc

import (
	"strings"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// Bounds. Each is checked before the work it guards.
const (
	// Prefix starts the text of every SMART Health Card QR code.
	Prefix = "shc:/"
	// MaxJWS bounds the JWS a QR code may carry. The spec splits anything
	// over 1195 characters into chunks, which this package does not read.
	MaxJWS = 8 << 10
	// MaxHeader bounds the decoded JWS header.
	MaxHeader = 1 << 10
	// MaxInflated bounds the inflated payload.
	MaxInflated = 64 << 10
	// MaxDepth bounds the nesting of the payload JSON.
	MaxDepth = 32
	// MaxEntries bounds the entries of the FHIR bundle.
	MaxEntries = 256
)

// HealthCard is the credential type every SMART Health Card carries.
const HealthCard = "https://smarthealth.cards#health-card"

// Format reads SMART Health Cards. It has no state and is safe for
// concurrent use. It implements firmware/verify.Format.
type Format struct{}

// New returns the SMART Health Card format.
func New() *Format { return &Format{} }

// Name returns "shc".
func (*Format) Name() string { return Name }

// Match reports whether payload starts with "shc:/".
func (*Format) Match(payload string) bool { return strings.HasPrefix(payload, Prefix) }

// Decode authenticates a "shc:/…" QR text against trust and returns the
// pass it states. Failures are *pass.Error; see the package documentation
// for the codes.
func (*Format) Decode(payload string, trust pass.Trust) (*pass.Pass, error) {
	if trust == nil {
		return nil, pass.Errorf(pass.Internal, "no trust store")
	}
	jws, err := DecodeQR(payload)
	if err != nil {
		return nil, err
	}
	tok, err := parseJWS(jws)
	if err != nil {
		return nil, err
	}
	keys, err := trust.Keys(Name, tok.kid)
	if err != nil {
		return nil, &pass.Error{Code: pass.Internal, Detail: "trust store: " + err.Error(), Err: err}
	}
	if len(keys) == 0 {
		return nil, pass.Errorf(pass.UnknownKey, "no trusted SMART Health Card issuer key has kid %q", tok.kid)
	}
	signers := tok.verify(keys)
	if len(signers) == 0 {
		return nil, pass.Errorf(pass.Signature, "the signature does not verify with the %d trusted key(s) of kid %q", len(keys), tok.kid)
	}
	raw, err := inflate(tok.payload)
	if err != nil {
		return nil, err
	}
	c, err := parseClaims(raw)
	if err != nil {
		return nil, err
	}
	key := keyFor(signers, c.iss)
	if key == nil {
		return nil, pass.Errorf(pass.UnknownKey, "issuer mismatch: key %q is trusted for %s, not for the issuer this card names", tok.kid, issuersOf(signers))
	}
	p := c.pass()
	p.KID = tok.kid
	p.Key = key
	p.ID = CardID(c.iss, c.rid, tok.sig)
	return p, nil
}

// keyFor returns the key trusted for issuer iss among keys that verified
// the signature: one naming iss, else one naming no issuer, else nil.
func keyFor(keys []*pass.Key, iss string) *pass.Key {
	var open *pass.Key
	for _, k := range keys {
		if k.Issuer == iss {
			return k
		}
		if k.Issuer == "" && open == nil {
			open = k
		}
	}
	return open
}

func issuersOf(keys []*pass.Key) string {
	names := make([]string, 0, len(keys))
	for _, k := range keys {
		names = append(names, k.Issuer)
	}
	return strings.Join(names, ", ")
}
