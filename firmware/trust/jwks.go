package trust

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"strings"

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

// HKPrefix starts the kid of a Hong Kong record key: "HKSARG:VAC3".
const HKPrefix = "HKSARG:"

// ParseJWKS reads a JWKS. Keys whose kid starts with HKPrefix are Hong Kong
// record keys; every other key is a SMART Health Card issuer key. Private
// key members are refused: a trust file must never carry a private key.
func ParseJWKS(data []byte) ([]*pass.Key, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var set JWKS
	if err := dec.Decode(&set); err != nil {
		return nil, fmt.Errorf("JWKS: %w", err)
	}
	if len(set.Keys) == 0 {
		return nil, fmt.Errorf("JWKS: no keys")
	}
	keys := make([]*pass.Key, 0, len(set.Keys))
	for i, j := range set.Keys {
		k, err := j.Key()
		if err != nil {
			return nil, fmt.Errorf("JWKS key %d (kid %q): %w", i, j.Kid, err)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// Key converts j to a trusted key.
func (j *JWK) Key() (*pass.Key, error) {
	if j.D != "" {
		return nil, fmt.Errorf("holds a private key; trust files take public keys only")
	}
	if j.Kty != "EC" || j.Crv != "P-256" {
		return nil, fmt.Errorf("kty %q crv %q: only EC P-256 keys are supported", j.Kty, j.Crv)
	}
	if j.Alg != "" && j.Alg != "ES256" {
		return nil, fmt.Errorf("alg %q: want ES256", j.Alg)
	}
	if j.Kid == "" {
		return nil, fmt.Errorf("no kid")
	}
	pub, err := ecPublic(j.X, j.Y)
	if err != nil {
		return nil, err
	}
	k := &pass.Key{Format: "shc", KID: j.Kid, Issuer: j.Iss, Public: pub}
	if strings.HasPrefix(j.Kid, HKPrefix) {
		k.Format = "hksarg"
		k.Issuer = "HK"
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

// LoadFile reads a trust file: a PEM bundle or a JWKS document, by content.
func LoadFile(path string) ([]*pass.Key, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > MaxFile {
		return nil, fmt.Errorf("%s: %d bytes; trust files are at most %d", path, fi.Size(), MaxFile)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var keys []*pass.Key
	switch t := bytes.TrimSpace(data); {
	case bytes.HasPrefix(t, []byte("{")):
		keys, err = ParseJWKS(t)
	case bytes.HasPrefix(t, []byte("-----BEGIN")):
		keys, err = ParsePEM(t)
	default:
		err = fmt.Errorf("neither a PEM certificate bundle nor a JWKS document")
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return keys, nil
}
