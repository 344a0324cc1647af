package main

import (
	"crypto/ed25519"
	"fmt"

	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/internal/bounded"
)

// readPublicKey reads an ed25519 public key file: PEM (PKIX "PUBLIC
// KEY") or the base64 of its 32 bytes. Every error names the file.
func readPublicKey(path string) (ed25519.PublicKey, error) {
	return readKey(path, venueqr.ParsePublicKey)
}

// readPrivateKey reads an ed25519 private key file: PEM (PKCS #8) or
// the base64 of its seed. Every error names the file.
func readPrivateKey(path string) (ed25519.PrivateKey, error) {
	return readKey(path, venueqr.ParsePrivateKey)
}

func readKey[K any](path string, parse func([]byte) (K, error)) (K, error) {
	var k K
	b, err := bounded.ReadFile(path, venueqr.MaxKeyFile)
	if err != nil {
		return k, err
	}
	if k, err = parse(b); err != nil {
		return k, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}
