package dcc

import (
	"strings"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify/cose"
	"github.com/venuekiosk/venuekiosk/firmware/verify/dcc/base45"
)

// Name is the format's name in verdicts, pass IDs and trust lookups.
const Name = "dcc"

// Prefix starts every payload this package reads: the "HC1" context
// identifier of the hcert specification and a colon.
const Prefix = "HC1:"

// Bounds. Exceeding one is an error, never a truncation.
const (
	// MaxBase45 bounds the Base45 text after the prefix. A version 40 QR
	// code holds 4,296 alphanumeric characters.
	MaxBase45 = 8 << 10
	// MaxInflated bounds the decompressed COSE message.
	MaxInflated = 64 << 10
	// MaxKID bounds a key identifier (DCC kids are 8 bytes).
	MaxKID = cose.MaxKID
)

// Format reads DCC payloads. It holds no mutable state and is safe for
// concurrent use.
type Format struct{}

// New returns the DCC format.
func New() *Format { return &Format{} }

// Name returns "dcc".
func (*Format) Name() string { return Name }

// Match reports whether payload starts with "HC1:". Other hcert contexts
// ("HC2:", "HL0:") and bare Base45 do not match, so the engine reports them
// as an unknown prefix.
func (*Format) Match(payload string) bool { return strings.HasPrefix(payload, Prefix) }

// Decode authenticates payload against trust and returns the pass.
func (*Format) Decode(payload string, trust pass.Trust) (*pass.Pass, error) {
	body, ok := strings.CutPrefix(payload, Prefix)
	if !ok {
		return nil, pass.Errorf(pass.Prefix, "DCC payload must start with %q", Prefix)
	}
	if len(body) > MaxBase45 {
		return nil, pass.Errorf(pass.TooLarge, "Base45 text is %d characters; at most %d accepted", len(body), MaxBase45)
	}
	w := getWork()
	defer putWork(w)

	raw, err := base45.AppendDecode(w.raw[:0], body)
	if err != nil {
		return nil, fail(pass.Base45, strings.TrimPrefix(err.Error(), "base45: "), err)
	}
	w.raw = raw
	msg, err := w.inflate(raw)
	if err != nil {
		return nil, err
	}
	s, err := cose.ParseSign1(msg, cose.Lenient)
	if err != nil {
		return nil, err
	}
	key, kid, err := verify(&s, trust)
	if err != nil {
		return nil, err
	}
	// From here on the payload is authentic. Its bytes become one string
	// that every text of the pass shares.
	text := string(s.Payload)
	cl, err := parseClaims(s.Payload, text)
	if err != nil {
		return nil, err
	}
	var c cert
	if err := parseCert(cl.dgc, &c); err != nil {
		return nil, err
	}
	return newPass(kid, key, &cl, &c)
}
