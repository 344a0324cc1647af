package dcc

import (
	"unicode/utf8"
)

// The certificate is decoded into wire types whose leaves record whether a
// field was present and whether it had the right CBOR type, so that the
// schema check can tell "missing" from "empty" and name the field at fault.
// Leaves decode themselves from the raw CBOR item, which is cheaper than
// reflection and lets them refuse null.

type dgcWire struct {
	Ver text        `cbor:"ver"`
	Nam *nameWire   `cbor:"nam"`
	DOB date        `cbor:"dob"`
	V   *[]vacWire  `cbor:"v"`
	T   *[]testWire `cbor:"t"`
	R   *[]recWire  `cbor:"r"`
}

type nameWire struct {
	FN  text `cbor:"fn"`
	FNT text `cbor:"fnt"`
	GN  text `cbor:"gn"`
	GNT text `cbor:"gnt"`
}

type vacWire struct {
	TG text    `cbor:"tg"`
	VP text    `cbor:"vp"`
	MP text    `cbor:"mp"`
	MA text    `cbor:"ma"`
	DN integer `cbor:"dn"`
	SD integer `cbor:"sd"`
	DT date    `cbor:"dt"`
	CO text    `cbor:"co"`
	IS text    `cbor:"is"`
	CI text    `cbor:"ci"`
}

type testWire struct {
	TG text `cbor:"tg"`
	TT text `cbor:"tt"`
	NM text `cbor:"nm"`
	MA text `cbor:"ma"`
	SC date `cbor:"sc"`
	TR text `cbor:"tr"`
	TC text `cbor:"tc"`
	CO text `cbor:"co"`
	IS text `cbor:"is"`
	CI text `cbor:"ci"`
}

type recWire struct {
	TG text `cbor:"tg"`
	FR date `cbor:"fr"`
	CO text `cbor:"co"`
	IS text `cbor:"is"`
	DF date `cbor:"df"`
	DU date `cbor:"du"`
	CI text `cbor:"ci"`
}

// leaf states
const (
	absent    = 0
	present   = 1
	wrongType = 2
)

// text is a CBOR text string.
type text struct {
	s     string
	state uint8
	found string // the CBOR type found when state is wrongType
}

// UnmarshalCBOR implements cbor.Unmarshaler. The decoder has already checked
// that b is one well-formed item with definite lengths.
func (t *text) UnmarshalCBOR(b []byte) error { return t.decode(b, false) }

// date is a text string holding a date or date-time, optionally inside tag 0
// (RFC 3339 date-time) or tag 1004 (RFC 8943 full-date), which some issuers
// add (dgc-testdata SE 2 tags sc).
type date struct{ text }

// UnmarshalCBOR implements cbor.Unmarshaler.
func (d *date) UnmarshalCBOR(b []byte) error { return d.decode(b, true) }

func (t *text) decode(b []byte, dateTags bool) error {
	major, arg, n, ok := head(b)
	if dateTags && ok && major == 6 && (arg == 0 || arg == 1004) {
		b = b[n:]
		major, arg, n, ok = head(b)
	}
	if !ok || major != 3 || arg != uint64(len(b)-n) || !utf8.Valid(b[n:]) {
		t.state, t.found = wrongType, typeName(b)
		return nil
	}
	t.s, t.state = string(b[n:]), present
	return nil
}

// integer is a CBOR integer that fits an int64.
type integer struct {
	v     int64
	state uint8
	found string
}

// UnmarshalCBOR implements cbor.Unmarshaler.
func (i *integer) UnmarshalCBOR(b []byte) error {
	major, arg, n, ok := head(b)
	if !ok || major > 1 || n != len(b) {
		i.state, i.found = wrongType, typeName(b)
		return nil
	}
	if arg > 1<<62 {
		i.state, i.found = wrongType, "out-of-range integer"
		return nil
	}
	i.v, i.state = int64(arg), present
	if major == 1 {
		i.v = -1 - int64(arg)
	}
	return nil
}

// head decodes the initial byte and argument of a definite-length CBOR item:
// its major type, argument and head length.
func head(b []byte) (major byte, arg uint64, n int, ok bool) {
	if len(b) == 0 {
		return 0, 0, 0, false
	}
	major, ai := b[0]>>5, b[0]&0x1f
	switch {
	case ai < 24:
		return major, uint64(ai), 1, true
	case ai > 27:
		return major, 0, 0, false
	}
	n = 1 << (ai - 24) // 1, 2, 4 or 8 bytes follow
	if len(b) < 1+n {
		return 0, 0, 0, false
	}
	for _, c := range b[1 : 1+n] {
		arg = arg<<8 | uint64(c)
	}
	return major, arg, 1 + n, true
}

// typeName names the CBOR type of the item b for error messages.
func typeName(b []byte) string {
	major, _, _, ok := head(b)
	if !ok {
		return "malformed item"
	}
	switch major {
	case 0, 1:
		return "integer"
	case 2:
		return "byte string"
	case 3:
		return "text string"
	case 4:
		return "array"
	case 5:
		return "map"
	case 6:
		return "tagged item"
	}
	switch b[0] {
	case 0xf4, 0xf5:
		return "boolean"
	case 0xf6:
		return "null"
	case 0xf7:
		return "undefined"
	case 0xf9, 0xfa, 0xfb:
		return "floating-point number"
	}
	return "simple value"
}
