package dcc

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"strconv"

	"github.com/fxamacker/cbor/v2"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// COSE algorithm identifiers (RFC 9053, RFC 8230) a DCC may be signed with.
const (
	algES256 = -7  // ECDSA with SHA-256 (on P-256; see ecdsaSize)
	algPS256 = -37 // RSASSA-PSS with SHA-256, MGF1 SHA-256, salt length 32
)

// CBOR tags that may enclose a DCC's COSE_Sign1 array.
const (
	tagCOSESign1 = 18 // RFC 9052 COSE_Sign1
	tagCWT       = 61 // RFC 8392 CBOR Web Token
)

// sign1 is a parsed COSE_Sign1 message whose signature is not yet checked.
type sign1 struct {
	protected []byte // the serialized protected header, exactly as signed
	payload   []byte
	signature []byte
	alg       int64
	kid       []byte
	kid64     string // kid as the trust store spells it, set by verify
}

// sign1Wire is the COSE_Sign1 array:
// [protected: bstr, unprotected: map, payload: bstr / nil, signature: bstr].
type sign1Wire struct {
	_           struct{} `cbor:",toarray"`
	Protected   []byte
	Unprotected header
	Payload     []byte
	Signature   []byte
}

// header holds the COSE header parameters a DCC uses. Unknown labels are
// ignored; crit is refused because nothing here understands extensions.
type header struct {
	Alg  int64           `cbor:"1,keyasint,omitempty"`
	Crit cbor.RawMessage `cbor:"2,keyasint,omitempty"`
	KID  []byte          `cbor:"4,keyasint,omitempty"`
}

// parseSign1 parses msg, a COSE_Sign1 message, optionally tagged 18, or
// tagged 18 inside CWT tag 61. It does not look into the payload.
func parseSign1(msg []byte) (*sign1, error) {
	if len(msg) >= 2 && msg[0] == 0xd8 && msg[1] == tagCWT {
		msg = msg[2:]
		if len(msg) == 0 || msg[0] != 0xc0|tagCOSESign1 {
			return nil, fail(pass.COSE, "CWT tag 61 must enclose a COSE_Sign1 tag 18", nil)
		}
	}
	if len(msg) > 0 && msg[0] == 0xc0|tagCOSESign1 {
		msg = msg[1:]
	}
	if len(msg) == 0 {
		return nil, fail(pass.CBOR, "COSE_Sign1: empty", nil)
	}
	switch msg[0] >> 5 {
	case 4: // array
	case 6:
		return nil, fail(pass.COSE, "COSE_Sign1: unexpected CBOR tag (want none, 18, or 61 enclosing 18)", nil)
	default:
		return nil, fail(pass.COSE, "not a COSE_Sign1 message: the message is not a CBOR array", nil)
	}
	var w sign1Wire
	if err := decMode.Unmarshal(msg, &w); err != nil {
		return nil, cborFail("COSE_Sign1", err, pass.COSE)
	}
	var prot header
	if len(w.Protected) > 0 {
		if err := decMode.Unmarshal(w.Protected, &prot); err != nil {
			return nil, cborFail("COSE protected header", err, pass.COSE)
		}
	}
	if prot.Crit != nil || w.Unprotected.Crit != nil {
		return nil, fail(pass.COSE, "COSE header lists critical parameters (crit), which this kiosk does not support", nil)
	}
	if w.Payload == nil {
		return nil, fail(pass.COSE, "COSE_Sign1 has a detached (nil) payload", nil)
	}
	s := &sign1{protected: w.Protected, payload: w.Payload, signature: w.Signature}

	// The algorithm belongs in the protected header; when it is absent there
	// the unprotected one is read, as some issuers put it there.
	s.alg = prot.Alg
	if s.alg == 0 {
		s.alg = w.Unprotected.Alg
	}
	switch s.alg {
	case algES256, algPS256:
	case 0:
		return nil, fail(pass.COSE, "COSE header has no algorithm (alg)", nil)
	default:
		return nil, fail(pass.COSE, "COSE algorithm "+strconv.FormatInt(s.alg, 10)+" not supported (want ES256 or PS256)", nil)
	}

	// A kid in the protected header is authenticated and wins; the
	// unprotected one is only read when the protected header has none
	// (hcert specification: verifiers must accept both places).
	s.kid = prot.KID
	if s.kid == nil {
		s.kid = w.Unprotected.KID
	}
	switch {
	case s.kid == nil:
		return nil, fail(pass.COSE, "COSE header has no key identifier (kid)", nil)
	case len(s.kid) == 0:
		return nil, fail(pass.COSE, "COSE key identifier (kid) is empty", nil)
	case len(s.kid) > MaxKID:
		return nil, fail(pass.COSE, "COSE key identifier (kid) is "+strconv.Itoa(len(s.kid))+" bytes; at most "+strconv.Itoa(MaxKID)+" accepted", nil)
	}
	if s.alg == algES256 && len(s.signature) != 64 && len(s.signature) != 96 {
		return nil, fail(pass.COSE, "ES256 signature is "+strconv.Itoa(len(s.signature))+" bytes, want 64 (P-256) or 96 (P-384)", nil)
	}
	return s, nil
}

// digest returns the SHA-256 of the Sig_structure
// ["Signature1", protected, external_aad, payload] with an empty
// external_aad (RFC 9052 section 4.4).
func (s *sign1) digest() []byte {
	h := sha256.New()
	var hdr [16]byte
	b := append(hdr[:0], 0x84, 0x6a)
	b = append(b, "Signature1"...)
	h.Write(b)
	h.Write(bstrHead(hdr[:0], len(s.protected)))
	h.Write(s.protected)
	h.Write(bstrHead(hdr[:0], 0)) // external_aad
	h.Write(bstrHead(hdr[:0], len(s.payload)))
	h.Write(s.payload)
	return h.Sum(nil)
}

// bstrHead appends the CBOR head of a byte string of n bytes.
func bstrHead(b []byte, n int) []byte {
	switch {
	case n < 24:
		return append(b, 0x40|byte(n))
	case n <= 0xff:
		return append(b, 0x58, byte(n))
	case n <= 0xffff:
		return append(b, 0x59, byte(n>>8), byte(n))
	}
	return append(b, 0x5a, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// kidString is the trust store's spelling of a DCC key identifier.
func kidString(kid []byte) string { return base64.StdEncoding.EncodeToString(kid) }

// verify checks the signature against every trusted key for the kid and
// returns the key that verified it.
func (s *sign1) verify(trust pass.Trust, w *work) (*pass.Key, error) {
	s.kid64 = kidString(s.kid)
	kid := s.kid64
	if trust == nil {
		return nil, fail(pass.UnknownKey, "no trust store; cannot look up signer "+kid, nil)
	}
	keys, err := trust.Keys(Name, kid)
	if err != nil {
		return nil, fail(pass.Internal, "trust store: "+err.Error(), err)
	}
	if len(keys) == 0 {
		return nil, fail(pass.UnknownKey, "no trusted DCC signer key with kid "+kid, nil)
	}
	digest := s.digest()
	suited := false
	for _, k := range keys {
		switch pub := k.Public.(type) {
		case *ecdsa.PublicKey:
			if s.alg != algES256 || len(s.signature) != 2*ecdsaSize(pub) {
				continue
			}
			suited = true
			w.der = rawToDER(w.der[:0], s.signature)
			if ecdsa.VerifyASN1(pub, digest, w.der) {
				return k, nil
			}
		case *rsa.PublicKey:
			if s.alg != algPS256 {
				continue
			}
			suited = true
			opts := rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
			if rsa.VerifyPSS(pub, crypto.SHA256, digest, s.signature, &opts) == nil {
				return k, nil
			}
		}
	}
	if !suited {
		return nil, fail(pass.Signature, "no trusted key with kid "+kid+" can check a "+strconv.Itoa(len(s.signature))+"-byte "+algName(s.alg)+" signature", nil)
	}
	return nil, fail(pass.Signature, algName(s.alg)+" signature does not verify with the trusted key(s) for kid "+kid, nil)
}

// ecdsaSize is the byte size of r and s for the curves ES256 accepts: P-256,
// which the hcert specification prescribes, and P-384, which RFC 9053
// permits with SHA-256 and some issuers' signer certificates use (Spain's
// dgc-testdata 401-403). It is 0 for other curves.
func ecdsaSize(pub *ecdsa.PublicKey) int {
	switch pub.Curve {
	case elliptic.P256():
		return 32
	case elliptic.P384():
		return 48
	}
	return 0
}

func algName(alg int64) string {
	switch alg {
	case algES256:
		return "ES256"
	case algPS256:
		return "PS256"
	}
	return "COSE algorithm " + strconv.FormatInt(alg, 10)
}

// rawToDER appends the ASN.1 DER SEQUENCE { r INTEGER, s INTEGER } of a
// COSE ECDSA signature r || s (RFC 9053 2.1: two big-endian integers of the
// curve's size) to b.
func rawToDER(b, rs []byte) []byte {
	half := len(rs) / 2
	r, s := derInt(rs[:half]), derInt(rs[half:])
	// Each integer: tag, length, an optional 0x00, the magnitude.
	rl, sl := intLen(r), intLen(s)
	b = append(b, 0x30, byte(2+rl+2+sl))
	b = appendInt(b, r, rl)
	b = appendInt(b, s, sl)
	return b
}

// derInt strips leading zero bytes, keeping at least one byte.
func derInt(v []byte) []byte {
	for len(v) > 1 && v[0] == 0 {
		v = v[1:]
	}
	return v
}

// intLen is the length of the DER contents of the unsigned magnitude v.
func intLen(v []byte) int {
	if v[0]&0x80 != 0 {
		return len(v) + 1
	}
	return len(v)
}

func appendInt(b, v []byte, n int) []byte {
	b = append(b, 0x02, byte(n))
	if n > len(v) {
		b = append(b, 0)
	}
	return append(b, v...)
}
