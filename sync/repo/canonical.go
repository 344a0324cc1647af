package repo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxDepth bounds the nesting of a metadata document.
const maxDepth = 32

// integer is the only number canonical JSON allows.
var integer = regexp.MustCompile(`^(0|-?[1-9][0-9]{0,18})$`)

// Canonical returns the canonical form of the JSON document doc, as TUF
// signs it (OLPC canonical JSON, as securesystemslib and go-tuf encode it):
// object keys sorted bytewise, no insignificant space, strings escaping only
// '"' and '\', integers only. It is stricter than the encoders: a repeated
// object key, a number that is not an integer, a control character or
// invalid UTF-8 in a string, nesting deeper than 32 and trailing data are
// errors, so that two parsers can never read one signed document two ways.
func Canonical(doc []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	v, err := readValue(dec, 0)
	if err != nil {
		return nil, fmt.Errorf("canonical JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("canonical JSON: data after the document")
	}
	var b bytes.Buffer
	b.Grow(len(doc))
	writeValue(&b, v)
	return b.Bytes(), nil
}

type member struct {
	key string
	val any
}

// readValue reads one value: string, json.Number, bool, nil, []any or
// []member (an object).
func readValue(dec *json.Decoder, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nested deeper than %d", maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			var obj []member
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k := kt.(string) // the decoder only yields strings as keys
				if err := checkString(k); err != nil {
					return nil, err
				}
				if seen[k] {
					return nil, fmt.Errorf("key %q repeated", k)
				}
				seen[k] = true
				v, err := readValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				obj = append(obj, member{k, v})
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			slices.SortFunc(obj, func(a, b member) int { return strings.Compare(a.key, b.key) })
			return obj, nil
		case '[':
			arr := []any{}
			for dec.More() {
				v, err := readValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return arr, nil
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case string:
		return t, checkString(t)
	case json.Number:
		if !integer.MatchString(string(t)) {
			return nil, fmt.Errorf("number %s is not an integer in canonical form", t)
		}
		return t, nil
	case bool, nil:
		return t, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

func checkString(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("string is not UTF-8")
	}
	for _, r := range s {
		if r < 0x20 {
			return fmt.Errorf("string holds control character %U", r)
		}
	}
	return nil
}

func writeValue(b *bytes.Buffer, v any) {
	switch t := v.(type) {
	case []member:
		b.WriteByte('{')
		for i, m := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, m.key)
			b.WriteByte(':')
			writeValue(b, m.val)
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			writeValue(b, e)
		}
		b.WriteByte(']')
	case string:
		writeString(b, t)
	case json.Number:
		b.WriteString(string(t))
	case bool:
		if t {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case nil:
		b.WriteString("null")
	}
}

func writeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
}

// MarshalCanonical encodes v with encoding/json and returns its canonical
// form.
func MarshalCanonical(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return Canonical(b)
}
