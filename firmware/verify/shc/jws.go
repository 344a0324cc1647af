package shc

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"strconv"
	"strings"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// b64 is unpadded base64url that refuses non-zero trailing bits, so each
// segment has exactly one spelling.
var b64 = base64.RawURLEncoding.Strict()

// token is a compact JWS whose header has been checked and whose signature
// has been decoded but not yet verified.
type token struct {
	signed  string // "header.payload", the ASCII the signature covers
	payload string // base64url payload segment
	kid     string
	sig     []byte // r‖s, 64 bytes
}

// header is the protected header. Pointers tell a missing member from an
// empty one; a member of the wrong JSON type fails to decode.
type header struct {
	Alg  *string         `json:"alg"`
	Zip  *string         `json:"zip"`
	Kid  *string         `json:"kid"`
	Crit json.RawMessage `json:"crit"`
}

// maxKID bounds the key identifier; the spec's is 43 characters.
const maxKID = 128

func parseJWS(s string) (*token, error) {
	if len(s) > MaxJWS {
		return nil, pass.Errorf(pass.TooLarge, "JWS is %d characters; at most %d", len(s), MaxJWS)
	}
	if n := strings.Count(s, "."); n != 2 {
		return nil, pass.Errorf(pass.COSE, "JWS has %d segments; a compact JWS has 3", n+1)
	}
	h64, rest, _ := strings.Cut(s, ".")
	p64, s64, _ := strings.Cut(rest, ".")
	if b64.DecodedLen(len(h64)) > MaxHeader {
		return nil, pass.Errorf(pass.TooLarge, "JWS header is over %d bytes", MaxHeader)
	}
	hb, err := b64.DecodeString(h64)
	if err != nil {
		return nil, pass.Errorf(pass.Encoding, "JWS header is not base64url: %v", err)
	}
	var h header
	if err := json.Unmarshal(hb, &h); err != nil {
		return nil, pass.Errorf(pass.Schema, "JWS header is not a JSON object with string alg, zip and kid")
	}
	switch {
	case h.Alg == nil:
		return nil, pass.Errorf(pass.Schema, "JWS header has no alg")
	case *h.Alg != "ES256":
		return nil, pass.Errorf(pass.UnsupportedFormat, "JWS alg %s; SMART Health Cards are signed with ES256", quote(*h.Alg))
	case h.Zip == nil:
		return nil, pass.Errorf(pass.UnsupportedFormat, "JWS payload is not compressed (no zip); SMART Health Cards use zip DEF")
	case *h.Zip != "DEF":
		return nil, pass.Errorf(pass.UnsupportedFormat, "JWS zip %s; SMART Health Cards use DEF", quote(*h.Zip))
	case h.Crit != nil:
		return nil, pass.Errorf(pass.UnsupportedFormat, "JWS header has critical extensions this kiosk does not implement")
	case h.Kid == nil || *h.Kid == "":
		return nil, pass.Errorf(pass.Schema, "JWS header has no kid")
	case len(*h.Kid) > maxKID || !printable(*h.Kid):
		return nil, pass.Errorf(pass.Schema, "JWS kid is not 1 to %d printable ASCII characters", maxKID)
	}
	sig, err := b64.DecodeString(s64)
	if err != nil {
		return nil, pass.Errorf(pass.Encoding, "JWS signature is not base64url: %v", err)
	}
	if len(sig) != 64 {
		return nil, pass.Errorf(pass.COSE, "ES256 signature is %d bytes; want 64 (r‖s)", len(sig))
	}
	return &token{signed: s[:len(h64)+1+len(p64)], payload: p64, kid: *h.Kid, sig: sig}, nil
}

// verify returns the keys among keys whose public key verifies t.
func (t *token) verify(keys []*pass.Key) []*pass.Key {
	digest := sha256.Sum256([]byte(t.signed))
	r := new(big.Int).SetBytes(t.sig[:32])
	s := new(big.Int).SetBytes(t.sig[32:])
	var ok []*pass.Key
	for _, k := range keys {
		pub, isEC := k.Public.(*ecdsa.PublicKey)
		if !isEC || pub.Curve != elliptic.P256() {
			continue
		}
		if ecdsa.Verify(pub, digest[:], r, s) {
			ok = append(ok, k)
		}
	}
	return ok
}

// lowS returns sig (r‖s) with s replaced by n−s when s > n/2, so both
// spellings of an ECDSA signature map to one value.
func lowS(sig []byte) []byte {
	if len(sig) != 64 {
		return sig
	}
	n := elliptic.P256().Params().N
	s := new(big.Int).SetBytes(sig[32:])
	half := new(big.Int).Rsh(n, 1)
	if s.Cmp(half) <= 0 {
		return sig
	}
	out := make([]byte, 64)
	copy(out, sig[:32])
	new(big.Int).Sub(n, s).FillBytes(out[32:])
	return out
}

// printable reports whether s is visible ASCII.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// quote quotes a header value for an error detail, shortened.
func quote(s string) string {
	const max = 24
	if len(s) > max {
		return strconv.Quote(s[:max]) + "…"
	}
	return strconv.Quote(s)
}
