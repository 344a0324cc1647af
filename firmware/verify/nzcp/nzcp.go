package nzcp

import (
	"encoding/base32"
	"strings"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify/cose"
)

// Name is the format's name in verdicts, pass IDs and trust lookups.
const Name = "nzcp"

// Prefix starts every payload: the URI scheme and the slash before the
// version.
const Prefix = "NZCP:/"

// Version is the only major version of the specification.
const Version = "1"

// Bounds.
const (
	// MaxBase32 bounds the base32 text; a version 40 QR code holds 4,296
	// alphanumeric characters.
	MaxBase32 = 8 << 10
)

// b32 is RFC 4648 base32 without padding.
var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// Format reads NZ COVID Passes. It holds no state and is safe for
// concurrent use. It implements firmware/verify.Format.
type Format struct{}

// New returns the NZ COVID Pass format.
func New() *Format { return &Format{} }

// Name returns "nzcp".
func (*Format) Name() string { return Name }

// Match reports whether payload is one of this format's, well formed or
// not: it starts with "NZCP:", so that a wrong version or a missing slash
// is reported by this format rather than as an unknown prefix.
func (*Format) Match(payload string) bool { return strings.HasPrefix(payload, "NZCP:") }

// Decode authenticates payload against trust and returns the pass.
func (*Format) Decode(payload string, trust pass.Trust) (*pass.Pass, error) {
	rest, ok := strings.CutPrefix(payload, Prefix)
	if !ok {
		return nil, pass.Errorf(pass.Prefix, "an NZ COVID Pass starts %q", Prefix)
	}
	version, body, ok := strings.Cut(rest, "/")
	if !ok || version == "" || strings.Trim(version, "0123456789") != "" || len(version) > 4 {
		return nil, pass.Errorf(pass.Prefix, "no version after %q (want %s%s/…)", Prefix, Prefix, Version)
	}
	if version != Version {
		return nil, pass.Errorf(pass.UnsupportedFormat, "NZ COVID Pass version %s; this kiosk reads version %s", version, Version)
	}
	if len(body) > MaxBase32 {
		return nil, pass.Errorf(pass.TooLarge, "base32 text is %d characters; at most %d accepted", len(body), MaxBase32)
	}
	msg, err := b32.DecodeString(body)
	if err != nil {
		return nil, pass.Errorf(pass.Encoding, "not base32 (RFC 4648, no padding): %v", err)
	}
	if b32.EncodedLen(len(msg)) != len(body) || b32.EncodeToString(msg) != body {
		// Line breaks, or bits after the last byte: one pass, one spelling.
		return nil, pass.Errorf(pass.Encoding, "not canonical base32: stray characters or trailing bits")
	}
	s, err := cose.ParseSign1(msg, cose.Tagged)
	if err != nil {
		return nil, err
	}
	switch {
	case s.Alg != cose.ES256:
		return nil, pass.Errorf(pass.COSE, "signed %s; NZ COVID Passes are signed ES256", cose.AlgName(s.Alg))
	case s.KIDUnprotected:
		return nil, pass.Errorf(pass.COSE, "the key identifier (kid) is not in the protected header")
	}
	iss, err := issuer(s.Payload)
	if err != nil {
		return nil, err
	}
	kid := iss + "#" + string(s.KID)
	if trust == nil {
		return nil, pass.Errorf(pass.UnknownKey, "no trust store; cannot look up %s", kid)
	}
	keys, err := trust.Keys(Name, kid)
	if err != nil {
		return nil, &pass.Error{Code: pass.Internal, Detail: "trust store: " + err.Error(), Err: err}
	}
	if len(keys) == 0 {
		return nil, pass.Errorf(pass.UnknownKey, "no trusted key %s: its issuer is not trusted, or its DID document lists no such assertion key", kid)
	}
	key, err := s.Verify(keys, kid)
	if err != nil {
		return nil, err
	}
	c, err := parseClaims(string(s.Payload))
	if err != nil {
		return nil, err
	}
	return c.pass(kid, key), nil
}
