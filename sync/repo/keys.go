package repo

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
)

// Key types and schemes this package signs and verifies (TUF "ed25519").
const (
	KeyTypeEd25519 = "ed25519"
	SchemeEd25519  = "ed25519"
)

// Key is a TUF public key object as it appears in root metadata.
type Key struct {
	Type   string `json:"keytype"`
	Scheme string `json:"scheme"`
	Value  KeyVal `json:"keyval"`
}

// KeyVal holds the public key, hex-encoded.
type KeyVal struct {
	Public string `json:"public"`
}

// PublicKey returns k as an ed25519 key.
func PublicKey(pub ed25519.PublicKey) *Key {
	return &Key{Type: KeyTypeEd25519, Scheme: SchemeEd25519, Value: KeyVal{Public: hex.EncodeToString(pub)}}
}

// Ed25519 returns the ed25519 public key k holds.
func (k *Key) Ed25519() (ed25519.PublicKey, error) {
	if k.Type != KeyTypeEd25519 || k.Scheme != SchemeEd25519 {
		return nil, fmt.Errorf("key type %q scheme %q: only %s is supported", k.Type, k.Scheme, KeyTypeEd25519)
	}
	b, err := hex.DecodeString(k.Value.Public)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("ed25519 public key: want %d hex-encoded bytes", ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}

// ID returns the TUF key ID of k: the hex SHA-256 of its canonical JSON.
func (k *Key) ID() string {
	b, err := MarshalCanonical(k)
	if err != nil {
		panic("repo: key does not encode: " + err.Error()) // only strings: cannot happen
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Signer is a private signing key and its TUF key ID.
type Signer struct {
	ID   string
	Key  *Key
	priv ed25519.PrivateKey
}

// NewSigner wraps an ed25519 private key.
func NewSigner(priv ed25519.PrivateKey) *Signer {
	k := PublicKey(priv.Public().(ed25519.PublicKey))
	return &Signer{ID: k.ID(), Key: k, priv: priv}
}

// Sign signs msg.
func (s *Signer) Sign(msg []byte) []byte { return ed25519.Sign(s.priv, msg) }

// MarshalPrivateKey encodes s's private key as a PKCS #8 PEM block.
func (s *Signer) MarshalPrivateKey() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(s.priv)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// maxKeyFile bounds a private key file.
const maxKeyFile = 16 << 10

// ParsePrivateKey reads a PKCS #8 PEM ed25519 private key.
func ParsePrivateKey(b []byte) (*Signer, error) {
	if len(b) > maxKeyFile {
		return nil, fmt.Errorf("key file: %d bytes; at most %d", len(b), maxKeyFile)
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, errors.New("key file: want a PEM \"PRIVATE KEY\" block (PKCS #8)")
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("key file: %T; only ed25519 keys are supported", k)
	}
	return NewSigner(priv), nil
}
