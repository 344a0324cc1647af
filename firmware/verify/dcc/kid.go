package dcc

import (
	"encoding/base64"
	"sync"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify/cose"
)

// KID returns the trust store's spelling of a DCC key identifier: the
// standard base64 of its bytes (for a real signer certificate, of the first
// 8 bytes of its SHA-256; see trust.DCCKID).
func KID(kid []byte) string { return base64.StdEncoding.EncodeToString(kid) }

// CheckKID reports whether kid is a DCC key identifier as the trust store
// spells it: standard base64 of 1 to MaxKID bytes.
func CheckKID(kid string) error {
	b, err := base64.StdEncoding.Strict().DecodeString(kid)
	switch {
	case err != nil:
		return fail(pass.Schema, "DCC kid "+quoteKID(kid)+" is not standard base64", nil)
	case len(b) == 0 || len(b) > MaxKID:
		return fail(pass.Schema, "DCC kid "+quoteKID(kid)+" is not 1 to 64 bytes", nil)
	}
	return nil
}

func quoteKID(kid string) string {
	if len(kid) > 96 {
		kid = kid[:96] + "…"
	}
	return "\"" + kid + "\""
}

// kidNames caches the base64 spelling of kids that verified a signature,
// so that a scan of a known signer allocates nothing to name its key. It
// holds at most maxKIDNames entries: only trusted kids get in.
var kidNames = struct {
	sync.RWMutex
	m map[string]string
}{m: map[string]string{}}

const maxKIDNames = 4096

func kidName(kid []byte) (name string, cached bool) {
	kidNames.RLock()
	s, ok := kidNames.m[string(kid)]
	kidNames.RUnlock()
	if ok {
		return s, true
	}
	return KID(kid), false
}

func rememberKID(kid []byte, name string) {
	kidNames.Lock()
	if len(kidNames.m) < maxKIDNames {
		kidNames.m[string(kid)] = name
	}
	kidNames.Unlock()
}

// verify finds the trusted keys for s's kid and checks the signature.
func verify(s *cose.Sign1, trust pass.Trust) (*pass.Key, string, error) {
	if s.KIDText {
		return nil, "", fail(pass.COSE, "COSE key identifier (kid) is a text string; a DCC's is a byte string", nil)
	}
	kid, cached := kidName(s.KID)
	if trust == nil {
		return nil, kid, fail(pass.UnknownKey, "no trust store; cannot look up signer "+kid, nil)
	}
	keys, err := trust.Keys(Name, kid)
	if err != nil {
		return nil, kid, fail(pass.Internal, "trust store: "+err.Error(), err)
	}
	if len(keys) == 0 {
		return nil, kid, fail(pass.UnknownKey, "no trusted DCC signer key with kid "+kid, nil)
	}
	key, err := s.Verify(keys, kid)
	if err != nil {
		return nil, kid, err
	}
	if !cached {
		rememberKID(s.KID, kid)
	}
	return key, kid, nil
}
