package trust

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// JWK is the subset of RFC 7517 the kiosk reads: EC P-256 public keys.
// "iss" is an extension: the issuer URL a SMART Health Card signed with this
// key must name (the kiosk has no network to fetch the issuer's JWKS).
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
	D   string `json:"d,omitempty"`
	Kid string `json:"kid"`
	Use string `json:"use,omitempty"`
	Alg string `json:"alg,omitempty"`
	Iss string `json:"iss,omitempty"`
}

// JWKS is a JSON Web Key Set.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// parseJWKS reads a JWKS document's keys, unbound to a format.
func parseJWKS(data []byte) ([]*pass.Key, error) {
	var set JWKS
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&set); err != nil {
		return nil, fmt.Errorf("JWKS: %w", err)
	}
	if len(set.Keys) == 0 {
		return nil, fmt.Errorf("JWKS: no keys")
	}
	keys := make([]*pass.Key, 0, len(set.Keys))
	for i := range set.Keys {
		j := &set.Keys[i]
		k, err := j.key()
		if err != nil {
			return nil, fmt.Errorf("JWKS key %d (kid %q): %w", i, j.Kid, err)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// key converts j to a key of no format yet, with its kid and iss.
func (j *JWK) key() (*pass.Key, error) {
	pub, err := j.public()
	if err != nil {
		return nil, err
	}
	if j.Kid == "" {
		return nil, fmt.Errorf("no kid")
	}
	return &pass.Key{KID: j.Kid, Issuer: j.Iss, Public: pub}, nil
}

// public returns j's P-256 public key. Private key members are refused: a
// trust input never carries a private key.
func (j *JWK) public() (*ecdsa.PublicKey, error) {
	if j.D != "" {
		return nil, fmt.Errorf("holds a private key; trust files take public keys only")
	}
	if j.Kty != "EC" || j.Crv != "P-256" {
		return nil, fmt.Errorf("kty %q crv %q: only EC P-256 keys are supported", j.Kty, j.Crv)
	}
	if j.Alg != "" && j.Alg != "ES256" {
		return nil, fmt.Errorf("alg %q: want ES256", j.Alg)
	}
	return ecPublic(j.X, j.Y)
}

// Key returns the key j is for format n, checked as a key read from an
// input declared for n would be: for tests, samples and callers that build
// trust from keys they hold.
func (j *JWK) Key(n *pass.Naming, formats []*pass.Naming) (*pass.Key, error) {
	k, err := j.key()
	if err != nil {
		return nil, err
	}
	if err := Bind(k, n, formats); err != nil {
		return nil, err
	}
	return k, nil
}

func ecPublic(xs, ys string) (*ecdsa.PublicKey, error) {
	x, err := base64.RawURLEncoding.DecodeString(xs)
	if err != nil || len(x) != 32 {
		return nil, fmt.Errorf("x: want 32 bytes of base64url")
	}
	y, err := base64.RawURLEncoding.DecodeString(ys)
	if err != nil || len(y) != 32 {
		return nil, fmt.Errorf("y: want 32 bytes of base64url")
	}
	// Validate the point through the uncompressed SEC 1 encoding, which
	// crypto/ecdh checks against the curve.
	raw := append(append([]byte{4}, x...), y...)
	if _, err := ecdsaFromUncompressed(raw); err != nil {
		return nil, err
	}
	return &ecdsa.PublicKey{Curve: elliptic.P256(), X: new(big.Int).SetBytes(x), Y: new(big.Int).SetBytes(y)}, nil
}

// PublicJWK returns the JWK of a P-256 public key.
func PublicJWK(pub *ecdsa.PublicKey, kid string) JWK {
	b := make([]byte, 64)
	pub.X.FillBytes(b[:32])
	pub.Y.FillBytes(b[32:])
	return JWK{Kty: "EC", Crv: "P-256", X: base64.RawURLEncoding.EncodeToString(b[:32]), Y: base64.RawURLEncoding.EncodeToString(b[32:]), Kid: kid, Use: "sig", Alg: "ES256"}
}
