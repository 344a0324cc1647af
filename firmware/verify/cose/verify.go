package cose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/asn1"
	"errors"
	"hash"
	"math/big"
	"strconv"
	"sync"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// scratch holds the buffers of one signature check.
type scratch struct {
	h   hash.Hash
	sum [sha256.Size]byte
	hdr [16]byte
	der []byte
}

var scratches = sync.Pool{New: func() any {
	return &scratch{h: sha256.New(), der: make([]byte, 0, 2*(2+49)+2)}
}}

// Digest returns the SHA-256 of the Sig_structure
// ["Signature1", protected, external_aad, payload] with an empty
// external_aad (RFC 9052 section 4.4).
func Digest(protected, payload []byte) [sha256.Size]byte {
	sc := scratches.Get().(*scratch)
	defer scratches.Put(sc)
	sc.digest(protected, payload)
	return sc.sum
}

func (sc *scratch) digest(protected, payload []byte) {
	h := sc.h
	h.Reset()
	h.Write(sigStructure)
	h.Write(BStrHead(sc.hdr[:0], len(protected)))
	h.Write(protected)
	h.Write(BStrHead(sc.hdr[:0], 0)) // external_aad
	h.Write(BStrHead(sc.hdr[:0], len(payload)))
	h.Write(payload)
	h.Sum(sc.sum[:0])
}

// sigStructure is the start of every Sig_structure: an array of four and
// the text "Signature1".
var sigStructure = append([]byte{0x84, 0x6a}, "Signature1"...)

// BStrHead appends the CBOR head of a byte string of n bytes.
func BStrHead(b []byte, n int) []byte {
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

// Verify checks the signature against keys, all trusted for the message's
// kid, and returns the key that verified it. kid is the kid as the trust
// store spells it, for error details. It fails with signature when no key
// verifies it.
func (s *Sign1) Verify(keys []*pass.Key, kid string) (*pass.Key, error) {
	sc := scratches.Get().(*scratch)
	defer scratches.Put(sc)
	sc.digest(s.Protected, s.Payload)
	suited := false
	for _, k := range keys {
		switch pub := k.Public.(type) {
		case *ecdsa.PublicKey:
			if s.Alg != ES256 || len(s.Signature) != 2*ecdsaSize(pub) {
				continue
			}
			suited = true
			sc.der = RawToDER(sc.der[:0], s.Signature)
			if ecdsa.VerifyASN1(pub, sc.sum[:], sc.der) {
				return k, nil
			}
		case *rsa.PublicKey:
			if s.Alg != PS256 {
				continue
			}
			suited = true
			opts := rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
			if rsa.VerifyPSS(pub, crypto.SHA256, sc.sum[:], s.Signature, &opts) == nil {
				return k, nil
			}
		}
	}
	if !suited {
		return nil, Fail(pass.Signature, "no trusted key with kid "+kid+" can check a "+strconv.Itoa(len(s.Signature))+"-byte "+AlgName(s.Alg)+" signature", nil)
	}
	return nil, Fail(pass.Signature, AlgName(s.Alg)+" signature does not verify with the trusted key(s) for kid "+kid, nil)
}

// ecdsaSize is the byte size of r and s for the curves ES256 accepts: P-256,
// which the pass specifications prescribe, and P-384, which RFC 9053
// permits with SHA-256 and some DCC signer certificates use (Spain's
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

// AlgName names a COSE algorithm.
func AlgName(alg int64) string {
	switch alg {
	case ES256:
		return "ES256"
	case PS256:
		return "PS256"
	}
	return "COSE algorithm " + strconv.FormatInt(alg, 10)
}

// RawToDER appends the ASN.1 DER SEQUENCE { r INTEGER, s INTEGER } of a
// COSE ECDSA signature r || s (RFC 9053 2.1: two big-endian integers of the
// curve's size) to b.
func RawToDER(b, rs []byte) []byte {
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

// Sign signs the Sig_structure of protected and payload: ES256 with an
// ECDSA P-256 signer (r || s, as COSE has it), PS256 with an RSA signer.
// It is for issuing test passes and the simulator's samples.
func Sign(protected, payload []byte, signer crypto.Signer) ([]byte, error) {
	digest := Digest(protected, payload)
	switch pub := signer.Public().(type) {
	case *ecdsa.PublicKey:
		if pub.Curve != elliptic.P256() {
			return nil, errors.New("cose: ECDSA signers must use P-256 (ES256)")
		}
		der, err := signer.Sign(rand.Reader, digest[:], crypto.SHA256)
		if err != nil {
			return nil, err
		}
		return DERToRaw(der, 32)
	case *rsa.PublicKey:
		return signer.Sign(rand.Reader, digest[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256})
	}
	return nil, errors.New("cose: cannot sign with this key type")
}

// AlgOf returns the COSE algorithm a signer signs with.
func AlgOf(signer crypto.Signer) (int64, error) {
	switch pub := signer.Public().(type) {
	case *ecdsa.PublicKey:
		if pub.Curve != elliptic.P256() {
			return 0, errors.New("cose: ECDSA signers must use P-256 (ES256)")
		}
		return ES256, nil
	case *rsa.PublicKey:
		return PS256, nil
	}
	return 0, errors.New("cose: cannot sign with this key type")
}

// DERToRaw converts an ASN.1 ECDSA signature to the fixed-size r || s COSE
// uses, each integer size bytes long.
func DERToRaw(der []byte, size int) ([]byte, error) {
	var rs struct{ R, S *big.Int }
	rest, err := asn1.Unmarshal(der, &rs)
	if err != nil || len(rest) != 0 || rs.R.Sign() <= 0 || rs.S.Sign() <= 0 ||
		rs.R.BitLen() > 8*size || rs.S.BitLen() > 8*size {
		return nil, errors.New("cose: signer returned a malformed ECDSA signature")
	}
	raw := make([]byte, 2*size)
	rs.R.FillBytes(raw[:size])
	rs.S.FillBytes(raw[size:])
	return raw, nil
}
