package cose

import (
	"strconv"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// COSE algorithm identifiers (RFC 9053, RFC 8230) a pass may be signed with.
const (
	ES256 = -7  // ECDSA with SHA-256 (on P-256, or P-384 for some DCC signers)
	PS256 = -37 // RSASSA-PSS with SHA-256, MGF1 SHA-256, salt length 32
)

// CBOR tags around a COSE_Sign1 message.
const (
	TagSign1 = 18 // RFC 9052 COSE_Sign1
	TagCWT   = 61 // RFC 8392 CBOR Web Token
)

// MaxKID bounds a key identifier.
const MaxKID = 64

// Envelope says which tags may enclose the COSE_Sign1 array.
type Envelope uint8

const (
	// Lenient accepts an untagged array, tag 18, or tag 18 inside CWT tag
	// 61 (the hcert specification's verifiers must accept all three).
	Lenient Envelope = iota
	// Tagged requires tag 18 (the NZ COVID Pass specification).
	Tagged
)

// Sign1 is a parsed COSE_Sign1 message whose signature is not yet checked.
// Its slices point into the message.
type Sign1 struct {
	Protected []byte // the serialized protected header, exactly as signed
	Payload   []byte
	Signature []byte
	Alg       int64
	// KID is the key identifier: the protected header's, else the
	// unprotected one's (verifiers must accept both places). KIDText is set
	// when it was a text string rather than a byte string.
	KID     []byte
	KIDText bool
	// KIDUnprotected is set when the kid came from the unprotected header.
	KIDUnprotected bool
}

// header holds the COSE header parameters a pass uses.
type header struct {
	alg     int64
	kid     []byte
	kidSet  bool
	kidText bool
}

// ParseSign1 parses msg, a COSE_Sign1 message enclosed as env allows. It
// does not look into the payload. Failures are *pass.Error: cbor for
// malformed CBOR, too_large for bounds, cose for everything else.
func ParseSign1(msg []byte, env Envelope) (Sign1, error) {
	var s Sign1
	tagged := false
	if len(msg) >= 2 && msg[0] == 0xd8 && msg[1] == TagCWT {
		if env == Tagged {
			return s, Fail(pass.COSE, "COSE_Sign1: unexpected CWT tag 61 (want tag 18)", nil)
		}
		msg = msg[2:]
		if len(msg) == 0 || msg[0] != 0xc0|TagSign1 {
			return s, Fail(pass.COSE, "CWT tag 61 must enclose a COSE_Sign1 tag 18", nil)
		}
	}
	if len(msg) > 0 && msg[0] == 0xc0|TagSign1 {
		msg = msg[1:]
		tagged = true
	}
	if len(msg) == 0 {
		return s, Fail(pass.CBOR, "COSE_Sign1: empty", nil)
	}
	switch msg[0] >> 5 {
	case Array:
	case Tag:
		return s, Fail(pass.COSE, "COSE_Sign1: unexpected CBOR tag (want none, 18, or 61 enclosing 18)", nil)
	default:
		return s, Fail(pass.COSE, "not a COSE_Sign1 message: the message is not a CBOR array", nil)
	}
	if env == Tagged && !tagged {
		return s, Fail(pass.COSE, "COSE_Sign1 without tag 18", nil)
	}
	if err := WellFormed("COSE_Sign1", msg); err != nil {
		return s, err
	}
	_, count, n, _ := Head(msg)
	if count != 4 {
		return s, Fail(pass.COSE, "COSE_Sign1: array of the wrong length (want 4 elements)", nil)
	}
	var items [4][]byte
	rest := msg[n:]
	for i := range items {
		m := Skip(rest)
		if m < 0 {
			return s, Fail(pass.CBOR, "COSE_Sign1: malformed element", nil)
		}
		items[i], rest = rest[:m], rest[m:]
	}
	var ok bool
	if s.Protected, ok = String(items[0], BStr); !ok {
		return s, Fail(pass.COSE, "COSE_Sign1: field Protected: "+TypeName(items[0])+" where byte string expected", nil)
	}
	if items[2][0] == 0xf6 {
		return s, Fail(pass.COSE, "COSE_Sign1 has a detached (nil) payload", nil)
	}
	if s.Payload, ok = String(items[2], BStr); !ok {
		return s, Fail(pass.COSE, "COSE_Sign1: field Payload: "+TypeName(items[2])+" where byte string expected", nil)
	}
	if s.Signature, ok = String(items[3], BStr); !ok {
		return s, Fail(pass.COSE, "COSE_Sign1: field Signature: "+TypeName(items[3])+" where byte string expected", nil)
	}
	var prot, unprot header
	if len(s.Protected) > 0 {
		if err := WellFormed("COSE protected header", s.Protected); err != nil {
			return s, err
		}
		if err := readHeader(s.Protected, &prot, "COSE protected header"); err != nil {
			return s, err
		}
	}
	if err := readHeader(items[1], &unprot, "COSE_Sign1 unprotected header"); err != nil {
		return s, err
	}

	// The algorithm belongs in the protected header; when it is absent there
	// the unprotected one is read, as some issuers put it there.
	s.Alg = prot.alg
	if s.Alg == 0 {
		s.Alg = unprot.alg
	}
	switch s.Alg {
	case ES256, PS256:
	case 0:
		return s, Fail(pass.COSE, "COSE header has no algorithm (alg)", nil)
	default:
		return s, Fail(pass.COSE, "COSE algorithm "+strconv.FormatInt(s.Alg, 10)+" not supported (want ES256 or PS256)", nil)
	}

	// A kid in the protected header is authenticated and wins.
	h := &prot
	if !prot.kidSet {
		h = &unprot
	}
	s.KID, s.KIDText, s.KIDUnprotected = h.kid, h.kidText, h != &prot
	switch {
	case !h.kidSet:
		return s, Fail(pass.COSE, "COSE header has no key identifier (kid)", nil)
	case len(s.KID) == 0:
		return s, Fail(pass.COSE, "COSE key identifier (kid) is empty", nil)
	case len(s.KID) > MaxKID:
		return s, Fail(pass.COSE, "COSE key identifier (kid) is "+strconv.Itoa(len(s.KID))+" bytes; at most "+strconv.Itoa(MaxKID)+" accepted", nil)
	}
	if s.Alg == ES256 && len(s.Signature) != 64 && len(s.Signature) != 96 {
		return s, Fail(pass.COSE, "ES256 signature is "+strconv.Itoa(len(s.Signature))+" bytes, want 64 (P-256) or 96 (P-384)", nil)
	}
	return s, nil
}

// Header labels (RFC 9052 section 3.1).
const (
	labelAlg  = 1
	labelCrit = 2
	labelKID  = 4
)

// readHeader reads the header map b. Unknown labels are ignored; crit is
// refused because nothing here understands extensions.
func readHeader(b []byte, h *header, what string) error {
	var e Entries[[]byte]
	if !ReadMap(b, &e) {
		return Fail(pass.COSE, what+": "+TypeName(b)+" where map expected", nil)
	}
	for e.Next() {
		label, ok := e.IntKey()
		if !ok {
			continue // text labels are private-use; none matters here
		}
		switch label {
		case labelAlg:
			if h.alg, ok = Int(e.Value); !ok {
				return Fail(pass.COSE, what+": field Alg: "+TypeName(e.Value)+" where integer expected", nil)
			}
		case labelCrit:
			return Fail(pass.COSE, "COSE header lists critical parameters (crit), which this kiosk does not support", nil)
		case labelKID:
			if h.kid, ok = String(e.Value, BStr); ok {
				h.kidSet = true
				continue
			}
			if h.kid, ok = Text(e.Value); ok {
				h.kidSet, h.kidText = true, true
				continue
			}
			return Fail(pass.COSE, what+": field KID: "+TypeName(e.Value)+" where byte string expected", nil)
		}
	}
	return e.Err()
}
