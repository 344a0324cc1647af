package venueqr

import (
	"crypto/ed25519"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Prefix starts every venue code (version 1 of the format).
const Prefix = "VK1:"

// Bounds of the format.
const (
	MaxVenueLen = 32
	// MaxPayload is the length of the longest code.
	MaxPayload = len(Prefix) + (1+(MaxVenueLen*6+7)/8+4+ed25519.SignatureSize)*8/5 + 1
	// minPayload is the length of the shortest code (a one-character id).
	minPayload = len(Prefix) + ((1+1+4+ed25519.SignatureSize)*8+4)/5
)

// Rotation periods.
const (
	DefaultPeriod = 120 * time.Second
	MinPeriod     = 30 * time.Second
	MaxPeriod     = 24 * time.Hour
)

// domain separates venue code signatures from anything else the key signs.
const domain = "venuekiosk venueqr v1\x00"

// alphabet gives the 6-bit values of venue id characters.
const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// Errors of Verify; the error returned wraps one of them.
var (
	ErrMalformed   = errors.New("venueqr: malformed code")
	ErrSignature   = errors.New("venueqr: signature does not verify")
	ErrExpired     = errors.New("venueqr: code expired")
	ErrNotYetValid = errors.New("venueqr: code from a future slot")
	ErrBadArgument = errors.New("venueqr: bad argument")
)

// Code is a verified (or freshly made) venue code.
type Code struct {
	Venue  string
	Slot   int64
	Period time.Duration
}

// Start returns the beginning of the code's slot.
func (c Code) Start() time.Time { return time.Unix(c.Slot*int64(c.Period/time.Second), 0).UTC() }

// End returns the end of the code's slot (the next slot's start).
func (c Code) End() time.Time { return c.Start().Add(c.Period) }

// CheckVenue reports whether id is a valid venue id: 1–32 of A–Z a–z 0–9
// - and _.
func CheckVenue(id string) error {
	if len(id) < 1 || len(id) > MaxVenueLen {
		return fmt.Errorf("%w: venue id %q: want 1 to %d characters", ErrBadArgument, id, MaxVenueLen)
	}
	for i := 0; i < len(id); i++ {
		if strings.IndexByte(alphabet, id[i]) < 0 {
			return fmt.Errorf("%w: venue id %q: character %q: want A-Z a-z 0-9 - _", ErrBadArgument, id, id[i])
		}
	}
	return nil
}

// CheckPeriod reports whether p is a usable rotation period: whole seconds
// between MinPeriod and MaxPeriod.
func CheckPeriod(p time.Duration) error {
	if p < MinPeriod || p > MaxPeriod || p%time.Second != 0 {
		return fmt.Errorf("%w: period %v: want whole seconds between %v and %v", ErrBadArgument, p, MinPeriod, MaxPeriod)
	}
	return nil
}

// SlotAt returns the slot of t for period p (p must pass CheckPeriod).
func SlotAt(t time.Time, p time.Duration) int64 {
	s := t.Unix()
	ps := int64(p / time.Second)
	if s < 0 {
		return (s - ps + 1) / ps
	}
	return s / ps
}

func packedLen(n int) int { return (n*6 + 7) / 8 }

// body returns the signed part of a code: header, packed venue id, slot.
func body(venue string, slot uint32) []byte {
	n := len(venue)
	b := make([]byte, 1, 1+packedLen(n)+4+ed25519.SignatureSize)
	b[0] = byte(n - 1)
	var acc uint32
	bits := 0
	for i := 0; i < n; i++ {
		acc = acc<<6 | uint32(strings.IndexByte(alphabet, venue[i]))
		bits += 6
		for bits >= 8 {
			b = append(b, byte(acc>>(bits-8)))
			bits -= 8
		}
	}
	if bits > 0 {
		b = append(b, byte(acc<<(8-bits)))
	}
	return binary.BigEndian.AppendUint32(b, slot)
}

func signed(body []byte) []byte {
	return append([]byte(domain), body...)
}

// unpack decodes a packed venue id of n characters; the padding bits must
// be zero.
func unpack(p []byte, n int) (string, error) {
	out := make([]byte, n)
	var acc uint32
	bits, j := 0, 0
	for i := 0; i < n; i++ {
		for bits < 6 {
			acc = acc<<8 | uint32(p[j])
			j++
			bits += 8
		}
		out[i] = alphabet[(acc>>(bits-6))&63]
		bits -= 6
	}
	if acc&(1<<bits-1) != 0 {
		return "", fmt.Errorf("%w: non-zero padding after the venue id", ErrMalformed)
	}
	return string(out), nil
}

// Signer makes the codes of one kiosk.
type Signer struct {
	venue  string
	key    ed25519.PrivateKey
	period time.Duration
}

// NewSigner returns a signer for venue with the kiosk's key.
func NewSigner(venue string, key ed25519.PrivateKey, period time.Duration) (*Signer, error) {
	if err := CheckVenue(venue); err != nil {
		return nil, err
	}
	if err := CheckPeriod(period); err != nil {
		return nil, err
	}
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("%w: ed25519 private key of %d bytes, want %d", ErrBadArgument, len(key), ed25519.PrivateKeySize)
	}
	return &Signer{venue: venue, key: key, period: period}, nil
}

// Period returns the rotation period.
func (s *Signer) Period() time.Duration { return s.period }

// Public returns the public key phones verify with.
func (s *Signer) Public() ed25519.PublicKey { return s.key.Public().(ed25519.PublicKey) }

// Payload returns the code for the slot containing t.
func (s *Signer) Payload(t time.Time) (string, Code, error) {
	slot := SlotAt(t, s.period)
	if slot < 0 || slot > 1<<32-1 {
		return "", Code{}, fmt.Errorf("%w: time %v is outside the format's range", ErrBadArgument, t)
	}
	b := body(s.venue, uint32(slot))
	b = append(b, ed25519.Sign(s.key, signed(b))...)
	return Prefix + b32.EncodeToString(b), Code{Venue: s.venue, Slot: slot, Period: s.period}, nil
}

// Verify checks payload with the kiosk's public key as of at: a code is
// accepted during its own slot and the next one. The error wraps
// ErrMalformed, ErrSignature, ErrExpired, ErrNotYetValid or ErrBadArgument.
func Verify(pub ed25519.PublicKey, payload string, at time.Time, period time.Duration) (Code, error) {
	if err := CheckPeriod(period); err != nil {
		return Code{}, err
	}
	if len(pub) != ed25519.PublicKeySize {
		return Code{}, fmt.Errorf("%w: ed25519 public key of %d bytes, want %d", ErrBadArgument, len(pub), ed25519.PublicKeySize)
	}
	if len(payload) > MaxPayload || len(payload) < minPayload {
		return Code{}, fmt.Errorf("%w: %d characters, want %d to %d", ErrMalformed, len(payload), minPayload, MaxPayload)
	}
	rest, ok := strings.CutPrefix(payload, Prefix)
	if !ok {
		return Code{}, fmt.Errorf("%w: does not start with %q", ErrMalformed, Prefix)
	}
	b, err := b32.DecodeString(rest)
	if err != nil {
		return Code{}, fmt.Errorf("%w: base32: %v", ErrMalformed, err)
	}
	if b32.EncodeToString(b) != rest {
		// Only the canonical spelling: no line breaks, no stray low bits.
		return Code{}, fmt.Errorf("%w: base32 not in canonical form", ErrMalformed)
	}
	if b[0]&0xE0 != 0 {
		return Code{}, fmt.Errorf("%w: reserved header bits set (a newer format?)", ErrMalformed)
	}
	n := int(b[0]&0x1F) + 1
	if want := 1 + packedLen(n) + 4 + ed25519.SignatureSize; len(b) != want {
		return Code{}, fmt.Errorf("%w: %d bytes for a %d-character venue id, want %d", ErrMalformed, len(b), n, want)
	}
	sigAt := len(b) - ed25519.SignatureSize
	if !ed25519.Verify(pub, signed(b[:sigAt]), b[sigAt:]) {
		return Code{}, ErrSignature
	}
	venue, err := unpack(b[1:1+packedLen(n)], n)
	if err != nil {
		return Code{}, err
	}
	c := Code{Venue: venue, Slot: int64(binary.BigEndian.Uint32(b[sigAt-4:])), Period: period}
	now := SlotAt(at, period)
	switch {
	case c.Slot > now:
		return c, fmt.Errorf("%w: slot %d, now %d", ErrNotYetValid, c.Slot, now)
	case c.Slot < now-1:
		return c, fmt.Errorf("%w: slot %d ended at %s", ErrExpired, c.Slot, c.End().Format(time.RFC3339))
	}
	return c, nil
}
