package venueqr

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"strings"
)

// MaxKeyFile bounds a key file.
const MaxKeyFile = 16 << 10

// ParsePublicKey reads an ed25519 public key from a key file's contents:
// a PEM "PUBLIC KEY" block (PKIX, as `openssl pkey -pubout` writes it), or
// the standard base64 of the 32 raw key bytes (padding optional).
func ParsePublicKey(data []byte) (ed25519.PublicKey, error) {
	if len(data) > MaxKeyFile {
		return nil, fmt.Errorf("venueqr: key file larger than %d bytes", MaxKeyFile)
	}
	if blk, _ := pem.Decode(data); blk != nil {
		if blk.Type != "PUBLIC KEY" {
			return nil, fmt.Errorf("venueqr: PEM block %q, want PUBLIC KEY", blk.Type)
		}
		k, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("venueqr: public key: %v", err)
		}
		pub, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("venueqr: public key is %T, want ed25519", k)
		}
		return pub, nil
	}
	raw, err := decodeB64(data)
	if err != nil {
		return nil, fmt.Errorf("venueqr: public key: neither PEM nor base64: %v", err)
	}
	if len(raw) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("venueqr: base64 public key of %d bytes, want %d", len(raw), ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(raw), nil
}

// ParsePrivateKey reads an ed25519 private key: a PEM "PRIVATE KEY" block
// (PKCS #8, as `openssl genpkey -algorithm ed25519` writes it), or the
// standard base64 of the 32-byte seed or the 64-byte private key.
func ParsePrivateKey(data []byte) (ed25519.PrivateKey, error) {
	if len(data) > MaxKeyFile {
		return nil, fmt.Errorf("venueqr: key file larger than %d bytes", MaxKeyFile)
	}
	if blk, _ := pem.Decode(data); blk != nil {
		if blk.Type != "PRIVATE KEY" {
			return nil, fmt.Errorf("venueqr: PEM block %q, want PRIVATE KEY", blk.Type)
		}
		k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("venueqr: private key: %v", err)
		}
		priv, ok := k.(ed25519.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("venueqr: private key is %T, want ed25519", k)
		}
		return priv, nil
	}
	raw, err := decodeB64(data)
	if err != nil {
		return nil, fmt.Errorf("venueqr: private key: neither PEM nor base64: %v", err)
	}
	switch len(raw) {
	case ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(raw), nil
	case ed25519.PrivateKeySize:
		priv := ed25519.NewKeyFromSeed(raw[:ed25519.SeedSize])
		if !bytes.Equal(priv, raw) {
			return nil, fmt.Errorf("venueqr: base64 private key: public half does not match the seed")
		}
		return priv, nil
	}
	return nil, fmt.Errorf("venueqr: base64 private key of %d bytes, want %d or %d", len(raw), ed25519.SeedSize, ed25519.PrivateKeySize)
}

func decodeB64(data []byte) ([]byte, error) {
	s := strings.TrimSpace(string(data))
	return base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
}

// MarshalPublicKey returns pub as a PEM "PUBLIC KEY" block (PKIX).
func MarshalPublicKey(pub ed25519.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// MarshalPrivateKey returns priv as a PEM "PRIVATE KEY" block (PKCS #8).
func MarshalPrivateKey(priv ed25519.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}
