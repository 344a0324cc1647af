package hksarg

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// Name is the format's short name in verdicts and trust keys.
const Name = "hksarg"

// Prefix starts every Hong Kong record.
const Prefix = "HKSARG|"

// Bounds.
const (
	// MaxPayload bounds a record: the longest real one is a few hundred
	// bytes; a version 40 QR code holds under 3 KB of UTF-8.
	MaxPayload = 8 << 10
	// MaxField bounds one field; names and document numbers are far
	// shorter.
	MaxField = 256
	// MaxSignature bounds the signature field: base64 of at most 72 DER
	// bytes is 96 characters.
	MaxSignature = 128
)

// Format reads Hong Kong records. It is stateless and safe for concurrent
// use.
type Format struct{}

// New returns the Hong Kong record format.
func New() *Format { return &Format{} }

// Name implements verify.Format.
func (*Format) Name() string { return Name }

// Match implements verify.Format.
func (*Format) Match(payload string) bool { return strings.HasPrefix(payload, Prefix) }

// Decode implements verify.Format: it bounds and splits the record, finds
// the layout by type, version and field count, finds the key by kid,
// verifies the signature, and only then reads the fields.
func (*Format) Decode(payload string, trust pass.Trust) (*pass.Pass, error) {
	o, err := open(payload, trust)
	if err != nil {
		return nil, err
	}
	rec, err := o.layout.parse(o.fields)
	if err != nil {
		return nil, err
	}
	return toPass(&rec, o), nil
}

// opened is a record whose signature verified.
type opened struct {
	layout *layout
	fields []string
	signed string // the signed text: every field but the signature, each followed by "|"
	key    *pass.Key
	kid    string
}

// open checks everything up to and including the signature.
func open(payload string, trust pass.Trust) (*opened, error) {
	if len(payload) > MaxPayload {
		return nil, pass.Errorf(pass.TooLarge, "record is %d bytes; at most %d accepted", len(payload), MaxPayload)
	}
	if !strings.HasPrefix(payload, Prefix) {
		return nil, pass.Errorf(pass.Prefix, "not a Hong Kong record (no %q prefix)", Prefix)
	}
	if !utf8.ValidString(payload) {
		return nil, pass.Errorf(pass.Schema, "record is not valid UTF-8")
	}
	n := strings.Count(payload, "|") + 1
	if n > maxFields {
		return nil, pass.Errorf(pass.Schema, "record has %d fields; no layout has more than %d", n, maxFields)
	}
	if n < 4 {
		return nil, pass.Errorf(pass.Schema, "record has %d fields; too few for any layout", n)
	}
	fields := strings.Split(payload, "|")
	if err := checkFields(fields); err != nil {
		return nil, err
	}
	typ := fields[1]
	major, ok := majorVersion(fields[2])
	if !ok {
		return nil, pass.Errorf(pass.UnsupportedFormat, "record type %s: QR code version %s is not a version number", printable(typ), printable(fields[2]))
	}
	l, known := lookup(typ, major, n)
	if !known {
		return nil, pass.Errorf(pass.UnsupportedFormat, "record type %s version %d is not supported", printable(typ), major)
	}
	if l == nil {
		return nil, pass.Errorf(pass.Schema, "%s version %d record has %d fields; no layout of that length", typ, major, n)
	}
	keyVersion := ""
	if i := l.index(roleKeyVersion); i >= 0 {
		keyVersion = fields[i]
		if !validKeyVersion(keyVersion) {
			return nil, pass.Errorf(pass.Schema, "field %d (key version) must be 1 to 16 letters, digits, '.', '_' or '-'", i)
		}
		if keyVersion == "-" {
			keyVersion = ""
		}
	}
	keys, kid, err := findKeys(trust, typ, major, keyVersion)
	if err != nil {
		return nil, err
	}
	sig := fields[n-1]
	der, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return nil, pass.Errorf(pass.Signature, "signature is not base64")
	}
	signed := payload[:len(payload)-len(sig)]
	h := sha256.New()
	io.WriteString(h, signed)
	var sum [sha256.Size]byte
	digest := h.Sum(sum[:0])
	for _, k := range keys {
		pub, ok := k.Public.(*ecdsa.PublicKey)
		if !ok || pub.Curve != elliptic.P256() {
			continue
		}
		if ecdsa.VerifyASN1(pub, digest, der) {
			return &opened{layout: l, fields: fields, signed: signed, key: k, kid: kid}, nil
		}
	}
	return nil, pass.Errorf(pass.Signature, "signature does not verify under %s", kid)
}

// checkFields bounds every field and refuses control characters, which
// no record prints and which would garble the display.
func checkFields(fields []string) error {
	for i, v := range fields {
		limit := MaxField
		if i == len(fields)-1 {
			limit = MaxSignature
		}
		if len(v) > limit {
			return pass.Errorf(pass.TooLarge, "field %d is %d bytes; at most %d accepted", i, len(v), limit)
		}
		for j := 0; j < len(v); j++ {
			if c := v[j]; c < 0x20 || c == 0x7f {
				return pass.Errorf(pass.Schema, "field %d holds a control character", i)
			}
		}
	}
	return nil
}

// findKeys returns the trusted keys for a record: the kid with the key
// version first ("HKSARG:VAC3:1"), then the one without ("HKSARG:VAC3").
func findKeys(trust pass.Trust, typ string, major int, keyVersion string) ([]*pass.Key, string, error) {
	if trust == nil {
		return nil, "", pass.Errorf(pass.UnknownKey, "no trust store")
	}
	base := KID(typ, major, "")
	kids := []string{base}
	if keyVersion != "" {
		kids = []string{KID(typ, major, keyVersion), base}
	}
	for _, kid := range kids {
		keys, err := trust.Keys(Name, kid)
		if err != nil {
			return nil, "", &pass.Error{Code: pass.Internal, Detail: "trust store: " + err.Error(), Err: err}
		}
		if len(keys) > 0 {
			return keys, kid, nil
		}
	}
	return nil, "", pass.Errorf(pass.UnknownKey, "no trusted key %s", strings.Join(kids, " or "))
}

// KID returns the trust-store key id of records of typ and major version,
// with keyVersion when not "": "HKSARG:VAC3", "HKSARG:VAC3:1".
func KID(typ string, major int, keyVersion string) string {
	kid := KIDPrefix + typ + strconv.Itoa(major)
	if keyVersion != "" {
		kid += ":" + keyVersion
	}
	return kid
}

// majorVersion reads "3", "3.00" or "3.1" as 3.
func majorVersion(s string) (int, bool) {
	if s == "" || len(s) > 8 {
		return 0, false
	}
	major, minor, dotted := strings.Cut(s, ".")
	if major == "" || (dotted && minor == "") {
		return 0, false
	}
	for _, part := range []string{major, minor} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return 0, false
			}
		}
	}
	n, err := strconv.Atoi(major)
	if err != nil || n > 999 {
		return 0, false
	}
	return n, true
}

func validKeyVersion(s string) bool {
	if s == "" || len(s) > 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// printable quotes a short token for an error message, or describes it:
// reasons are shown and logged, and a field may hold personal data.
func printable(s string) string {
	if len(s) == 0 || len(s) > 8 {
		return "(" + strconv.Itoa(len(s)) + " bytes)"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '.') {
			return "(" + strconv.Itoa(len(s)) + " bytes)"
		}
	}
	return strconv.Quote(s)
}
