package provision

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// A signed provisioning file is a JSON envelope:
//
//	{"format":"venuekiosk-provision-v1","payload":"<base64 of the Settings JSON>","signature":"<base64 ed25519>"}
//
// The signature covers Context followed by the payload bytes, so it cannot
// be replayed as any other kind of signed object of the operator's key
// (staff cards use the same key family).
type envelope struct {
	Format    string `json:"format"`
	Payload   string `json:"payload"`
	Signature string `json:"signature"`
}

// Format names the envelope version.
const Format = "venuekiosk-provision-v1"

// Context prefixes the signed bytes.
const Context = "venuekiosk provision v1\x00"

// MaxFile bounds a signed provisioning file.
const MaxFile = 512 << 10

// Errors Open returns (wrapped), for callers and tests to tell apart.
var (
	ErrNotSigned = errors.New("provision: not a signed provisioning file")
	ErrSignature = errors.New("provision: signature does not verify with the operator's key")
)

// Sign makes a signed provisioning file of s with the operator's key.
func Sign(s *Settings, operator ed25519.PrivateKey) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if err := s.validateBinding(); err != nil {
		return nil, err
	}
	if time.Until(s.Expires) > MaxLife {
		return nil, fmt.Errorf("provision: expires %s: at most %s from now", s.Expires.UTC().Format(time.RFC3339), MaxLife)
	}
	payload, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	sig := ed25519.Sign(operator, append([]byte(Context), payload...))
	return json.MarshalIndent(envelope{Format: Format, Payload: base64.StdEncoding.EncodeToString(payload), Signature: base64.StdEncoding.EncodeToString(sig)}, "", "  ")
}

// Open verifies a signed provisioning file with the operator's public key
// and only then parses its settings. A file without its binding (kiosks,
// expiry, counter) is refused: see Admit for checking it.
func Open(data []byte, operator ed25519.PublicKey) (*Settings, error) {
	if len(data) > MaxFile {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrNotSigned, len(data), MaxFile)
	}
	if len(operator) != ed25519.PublicKeySize {
		return nil, errors.New("provision: no operator key")
	}
	var env envelope
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotSigned, err)
	}
	if env.Format != Format || env.Payload == "" || env.Signature == "" {
		return nil, fmt.Errorf("%w: want format %q with a payload and a signature", ErrNotSigned, Format)
	}
	payload, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrNotSigned, err)
	}
	sig, err := base64.StdEncoding.DecodeString(env.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, fmt.Errorf("%w: signature is not %d bytes of base64", ErrNotSigned, ed25519.SignatureSize)
	}
	if !ed25519.Verify(operator, append([]byte(Context), payload...), sig) {
		return nil, ErrSignature
	}
	var s Settings
	dec = json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("provision: signed settings: %v", err)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if err := s.validateBinding(); err != nil {
		return nil, err
	}
	return &s, nil
}
