package dcc

import (
	"bytes"
	"compress/zlib"
	"crypto"
	"errors"
	"fmt"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify/cose"
	"github.com/venuekiosk/venuekiosk/firmware/verify/dcc/base45"
)

// Claims are the CWT claims Sign issues.
type Claims struct {
	Issuer   string    // iss: ISO 3166-1 alpha-2 code of the issuing country
	IssuedAt time.Time // iat, whole seconds
	Expires  time.Time // exp, whole seconds; after IssuedAt
	DGC      DGC       // the certificate; must pass the schema check
}

// Sign issues c as an "HC1:" QR payload signed by signer under key
// identifier kid (for a real signer certificate: trust.DCCKID of its DER).
// An ECDSA P-256 signer signs ES256, an RSA signer PS256. The kid goes into
// the protected header.
//
// Sign refuses claims that Decode would reject: a certificate failing the
// schema check, a missing issue or expiry time, or an expiry before the
// issue.
func Sign(c Claims, signer crypto.Signer, kid []byte) (string, error) {
	payload, err := encodeClaims(c)
	if err != nil {
		return "", err
	}
	return seal(payload, signer, kid, sealOpts{})
}

// TrustedKey returns the trust-store entry for a signer's public key under
// kid, for a pass.Trust such as trust.Set: the counterpart of Sign for tests
// and the simulator's throw-away keys. issuer is the country code.
func TrustedKey(pub crypto.PublicKey, kid []byte, issuer string) *pass.Key {
	return &pass.Key{Format: Name, KID: KID(kid), Issuer: issuer, Public: pub}
}

// encodeClaims checks c and returns its CWT claims map in CBOR.
func encodeClaims(c Claims) ([]byte, error) {
	switch {
	case c.IssuedAt.IsZero():
		return nil, errors.New("dcc: claims have no issue time")
	case c.Expires.IsZero():
		return nil, errors.New("dcc: claims have no expiry time")
	case !c.Expires.After(c.IssuedAt):
		return nil, errors.New("dcc: claims expire before they are issued")
	case c.IssuedAt.Unix() < 0:
		return nil, errors.New("dcc: claims issued before 1970")
	case len(c.Issuer) > MaxIss:
		return nil, fmt.Errorf("dcc: issuer longer than %d bytes", MaxIss)
	}
	dgc, err := encMode.Marshal(c.DGC)
	if err != nil {
		return nil, fmt.Errorf("dcc: encoding the certificate: %w", err)
	}
	// What is issued must pass the check the verifier applies.
	if err := checkCert(dgc); err != nil {
		return nil, fmt.Errorf("dcc: certificate fails the schema check: %w", err)
	}
	m := map[int]any{
		claimExp:   c.Expires.Unix(),
		claimIat:   c.IssuedAt.Unix(),
		claimHCert: map[int]cbor.RawMessage{hcertDGCv1: dgc},
	}
	if c.Issuer != "" {
		m[claimIss] = c.Issuer
	}
	return encMode.Marshal(m)
}

// sealOpts vary the envelope, for tests of what other issuers do.
type sealOpts struct {
	kidUnprotected bool   // put the kid in the unprotected header
	cwtTag         bool   // enclose the COSE_Sign1 tag in CWT tag 61
	untagged       bool   // omit tag 18
	noCompress     bool   // skip zlib (not a valid DCC)
	alg            int64  // override the algorithm label (0: from the key)
	protected      []byte // override the serialized protected header
}

// seal signs payload into a COSE_Sign1 and returns it as an HC1 string.
func seal(payload []byte, signer crypto.Signer, kid []byte, o sealOpts) (string, error) {
	if len(kid) == 0 || len(kid) > MaxKID {
		return "", fmt.Errorf("dcc: kid must be 1 to %d bytes, got %d", MaxKID, len(kid))
	}
	alg, err := cose.AlgOf(signer)
	if err != nil {
		return "", fmt.Errorf("dcc: %w", err)
	}
	hdrAlg := alg
	if o.alg != 0 {
		hdrAlg = o.alg
	}
	prot := map[int]any{1: hdrAlg}
	unprot := map[int]any{}
	if o.kidUnprotected {
		unprot[4] = kid
	} else {
		prot[4] = kid
	}
	protected, err := encMode.Marshal(prot)
	if err != nil {
		return "", err
	}
	if o.protected != nil {
		protected = o.protected
	}
	sig, err := cose.Sign(protected, payload, signer)
	if err != nil {
		return "", fmt.Errorf("dcc: signing: %w", err)
	}
	var msg any = []any{protected, unprot, payload, sig}
	if !o.untagged {
		msg = cbor.Tag{Number: cose.TagSign1, Content: msg}
	}
	if o.cwtTag {
		msg = cbor.Tag{Number: cose.TagCWT, Content: msg}
	}
	cose, err := encMode.Marshal(msg)
	if err != nil {
		return "", err
	}
	return wrap(cose, !o.noCompress)
}

// wrap compresses msg (when compress is set) and encodes it as an HC1 string.
func wrap(msg []byte, compress bool) (string, error) {
	if compress {
		var buf bytes.Buffer
		zw, err := zlib.NewWriterLevel(&buf, zlib.BestCompression)
		if err != nil {
			return "", err
		}
		if _, err := zw.Write(msg); err != nil {
			return "", err
		}
		if err := zw.Close(); err != nil {
			return "", err
		}
		msg = buf.Bytes()
	}
	return Prefix + base45.EncodeToString(msg), nil
}

// checkCert applies to an encoded certificate the check Decode applies.
func checkCert(dgc []byte) error {
	if err := cose.WellFormed("DGC", dgc); err != nil {
		return err
	}
	var c cert
	return parseCert(string(dgc), &c)
}
