package hken

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Prefix starts every venue code.
const Prefix = "HKEN:"

// Bounds.
const (
	// MaxCode bounds a whole code: a QR code holds under 3 KB of bytes.
	MaxCode = 4 << 10
	// MaxText bounds each name and type, in bytes.
	MaxText = 256
	// IDLen is the length of a venue id.
	IDLen = 8
)

// Errors, for errors.Is; each failure wraps one with a detail.
var (
	ErrPrefix   = errors.New("hken: no HKEN: prefix")
	ErrTooLarge = errors.New("hken: too large")
	ErrLength   = errors.New("hken: too short")
	ErrVenue    = errors.New("hken: bad venue character or id")
	ErrBase64   = errors.New("hken: bad base64")
	ErrJSON     = errors.New("hken: bad JSON")
	ErrField    = errors.New("hken: bad member")
)

// Venue is what a venue code says.
type Venue struct {
	Code   string // the character after "HKEN:" ("0" on every published sample)
	ID     string // the 8-character venue id
	NameZh string
	NameEn string
	Type   string // e.g. "IMPORT"
	TypeEn string // metadata.typeEn; "" when metadata is null
	TypeZh string // metadata.typeZh
	// HashOK reports whether the code's hash is Hash(ID). Decode sets
	// it; Encode ignores it and always prints the right hash.
	HashOK bool
}

// Hash returns the hash a code for venue id carries: the lower-case hex
// SHA-256 of "HKEN" + id + "2020".
func Hash(id string) string {
	sum := sha256.Sum256([]byte("HKEN" + id + "2020"))
	return hex.EncodeToString(sum[:])
}

// body is the JSON object. Pointers tell a missing member from an empty
// one; the member order is the one the app prints.
type body struct {
	Metadata *metadata `json:"metadata"`
	NameZh   *string   `json:"nameZh"`
	NameEn   *string   `json:"nameEn"`
	Type     *string   `json:"type"`
	Hash     *string   `json:"hash"`
}

type metadata struct {
	TypeEn *string `json:"typeEn"`
	TypeZh *string `json:"typeZh"`
}

// Decode reads a venue code.
func Decode(code string) (*Venue, error) {
	if len(code) > MaxCode {
		return nil, fmt.Errorf("%w: %d bytes; at most %d", ErrTooLarge, len(code), MaxCode)
	}
	if len(code) < len(Prefix) || code[:len(Prefix)] != Prefix {
		return nil, ErrPrefix
	}
	rest := code[len(Prefix):]
	if len(rest) < 1+IDLen+4 {
		return nil, fmt.Errorf("%w: %d bytes after the prefix; want a venue character, an %d-character id and base64", ErrLength, len(rest), IDLen)
	}
	v := &Venue{Code: rest[:1], ID: rest[1 : 1+IDLen]}
	if !alnum(v.Code) || !alnum(v.ID) {
		return nil, fmt.Errorf("%w: want ASCII letters or digits", ErrVenue)
	}
	b64 := rest[1+IDLen:]
	if i := strings.IndexFunc(b64, notBase64); i >= 0 {
		// encoding/base64 would skip line breaks; a QR payload has none.
		return nil, fmt.Errorf("%w: illegal character at offset %d", ErrBase64, 1+IDLen+i)
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBase64, err)
	}
	if !utf8.Valid(raw) {
		return nil, fmt.Errorf("%w: not UTF-8", ErrJSON)
	}
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		return nil, fmt.Errorf("%w: not an object", ErrJSON)
	}
	// Members are matched exactly, as the app's JavaScript reads them
	// (encoding/json alone would also match "NAMEEN").
	var obj map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&obj); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrJSON, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the object", ErrJSON)
	}
	var hash string
	for _, m := range []struct {
		name string
		dst  *string
	}{{"nameZh", &v.NameZh}, {"nameEn", &v.NameEn}, {"type", &v.Type}, {"hash", &hash}} {
		if err := member(obj, "", m.name, m.dst, true); err != nil {
			return nil, err
		}
	}
	if md, ok := obj["metadata"]; ok && string(md) != "null" {
		var meta map[string]json.RawMessage
		if err := json.Unmarshal(md, &meta); err != nil {
			return nil, fmt.Errorf("%w: metadata: want an object or null", ErrField)
		}
		for _, m := range []struct {
			name string
			dst  *string
		}{{"typeEn", &v.TypeEn}, {"typeZh", &v.TypeZh}} {
			if err := member(meta, "metadata.", m.name, m.dst, false); err != nil {
				return nil, err
			}
		}
	}
	if err := v.checkText(); err != nil {
		return nil, err
	}
	if len(hash) != sha256.Size*2 || !lowerHex(hash) {
		return nil, fmt.Errorf("%w: hash: want 64 lower-case hex digits", ErrField)
	}
	v.HashOK = hash == Hash(v.ID)
	return v, nil
}

// member reads the string member name of obj into dst.
func member(obj map[string]json.RawMessage, path, name string, dst *string, required bool) error {
	raw, ok := obj[name]
	if !ok {
		if required {
			return fmt.Errorf("%w: %s%s missing", ErrField, path, name)
		}
		return nil
	}
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, dst) != nil {
		return fmt.Errorf("%w: %s%s: want a string", ErrField, path, name)
	}
	return nil
}

// Encode prints v as a venue code.
func Encode(v *Venue) (string, error) {
	if len(v.Code) != 1 || len(v.ID) != IDLen || !alnum(v.Code) || !alnum(v.ID) {
		return "", fmt.Errorf("%w: want one and %d ASCII letters or digits", ErrVenue, IDLen)
	}
	if err := v.checkText(); err != nil {
		return "", err
	}
	hash := Hash(v.ID)
	b := body{NameZh: &v.NameZh, NameEn: &v.NameEn, Type: &v.Type, Hash: &hash}
	if v.TypeEn != "" || v.TypeZh != "" {
		b.Metadata = &metadata{TypeEn: &v.TypeEn, TypeZh: &v.TypeZh}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // as JSON.stringify
	if err := enc.Encode(b); err != nil {
		return "", fmt.Errorf("%w: %v", ErrJSON, err)
	}
	code := Prefix + v.Code + v.ID + base64.StdEncoding.EncodeToString(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	if len(code) > MaxCode {
		return "", fmt.Errorf("%w: %d bytes; at most %d", ErrTooLarge, len(code), MaxCode)
	}
	return code, nil
}

// checkText bounds the names and refuses control characters, which would
// garble the display.
func (v *Venue) checkText() error {
	for _, m := range []struct{ name, s string }{
		{"nameZh", v.NameZh}, {"nameEn", v.NameEn}, {"type", v.Type}, {"metadata.typeEn", v.TypeEn}, {"metadata.typeZh", v.TypeZh},
	} {
		if len(m.s) > MaxText {
			return fmt.Errorf("%w: %s is %d bytes; at most %d", ErrTooLarge, m.name, len(m.s), MaxText)
		}
		if !utf8.ValidString(m.s) {
			return fmt.Errorf("%w: %s is not UTF-8", ErrField, m.name)
		}
		for _, r := range m.s {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				return fmt.Errorf("%w: %s holds a control character", ErrField, m.name)
			}
		}
	}
	return nil
}

func notBase64(r rune) bool {
	return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '/' || r == '=')
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return s != ""
}

func lowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
