package cose

import (
	"errors"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/fxamacker/cbor/v2"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// Bounds on every CBOR item read here. A DCC nests six levels deep (COSE
// array, claims map, hcert map, certificate map, entry array, entry map) and
// no map in a pass has more than a few dozen entries.
const (
	MaxDepth = 16
	MaxArray = 64
	MaxPairs = 64
)

// wellformed checks items against the bounds, refusing indefinite lengths.
var wellformed = mustDecMode(cbor.DecOptions{
	IndefLength:      cbor.IndefLengthForbidden,
	MaxNestedLevels:  MaxDepth,
	MaxArrayElements: MaxArray,
	MaxMapPairs:      MaxPairs,
	TagsMd:           cbor.TagsAllowed,
})

func mustDecMode(o cbor.DecOptions) cbor.DecMode {
	dm, err := o.DecMode()
	if err != nil {
		panic("cose: CBOR options: " + err.Error())
	}
	return dm
}

// Bytes is the encoded CBOR the readers walk: a byte slice, or a string
// holding the same bytes (so that text values are substrings of it).
type Bytes interface{ ~string | ~[]byte }

// Fail returns a *pass.Error. detail must not quote personal data.
func Fail(code pass.Code, detail string, cause error) *pass.Error {
	return &pass.Error{Code: code, Detail: detail, Err: cause}
}

// WellFormed checks that b is exactly one well-formed CBOR item within the
// bounds. what names the item in the error.
func WellFormed(what string, b []byte) error {
	if len(b) == 0 {
		return Fail(pass.CBOR, what+": empty", nil)
	}
	if err := wellformed.Wellformed(b); err != nil {
		return Classify(what, err)
	}
	return nil
}

// Classify turns a Wellformed error into a *pass.Error: bounds exceeded are
// too_large, everything else (malformed items, indefinite lengths, trailing
// bytes, truncation) is cbor. The detail is built from the error's kind,
// never from the input.
func Classify(what string, err error) *pass.Error {
	var (
		depth  *cbor.MaxNestedLevelError
		arr    *cbor.MaxArrayElementsError
		pairs  *cbor.MaxMapPairsError
		indef  *cbor.IndefiniteLengthError
		extra  *cbor.ExtraneousDataError
		syntax *cbor.SyntaxError
		sem    *cbor.SemanticError
	)
	switch {
	case errors.As(err, &depth):
		return Fail(pass.TooLarge, what+": nested deeper than "+strconv.Itoa(MaxDepth)+" levels", err)
	case errors.As(err, &arr):
		return Fail(pass.TooLarge, what+": an array longer than "+strconv.Itoa(MaxArray)+" elements", err)
	case errors.As(err, &pairs):
		return Fail(pass.TooLarge, what+": a map with more than "+strconv.Itoa(MaxPairs)+" entries", err)
	case errors.As(err, &indef):
		return Fail(pass.CBOR, what+": indefinite-length item", err)
	case errors.As(err, &extra):
		return Fail(pass.CBOR, what+": trailing bytes after the item", err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return Fail(pass.CBOR, what+": truncated", err)
	case errors.As(err, &syntax), errors.As(err, &sem):
		return Fail(pass.CBOR, what+": "+strings.TrimPrefix(err.Error(), "cbor: "), err)
	}
	return Fail(pass.CBOR, what+": malformed CBOR", err)
}

// CBOR major types.
const (
	Uint   = 0
	Neg    = 1
	BStr   = 2
	TStr   = 3
	Array  = 4
	Map    = 5
	Tag    = 6
	Simple = 7
)

// Head decodes the initial byte and argument of a definite-length item: its
// major type, argument and head length. ok is false for a truncated head,
// reserved additional information and indefinite lengths.
func Head[B Bytes](b B) (major byte, arg uint64, n int, ok bool) {
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
	for i := 1; i <= n; i++ {
		arg = arg<<8 | uint64(b[i])
	}
	return major, arg, 1 + n, true
}

// Skip returns the encoded length of the first item of b, which must have
// passed WellFormed (as part of an enclosing item). It returns -1 for bytes
// that are not, rather than panicking.
func Skip[B Bytes](b B) int {
	major, arg, n, ok := Head(b)
	if !ok {
		return -1
	}
	switch major {
	case BStr, TStr:
		if arg > uint64(len(b)-n) {
			return -1
		}
		return n + int(arg)
	case Array, Map:
		count := arg
		if major == Map {
			count *= 2
		}
		if count > 2*MaxPairs {
			return -1
		}
		off := n
		for range count {
			m := Skip(b[off:])
			if m < 0 {
				return -1
			}
			off += m
		}
		return off
	case Tag:
		m := Skip(b[n:])
		if m < 0 {
			return -1
		}
		return n + m
	}
	return n // integers, simple values and floats: the head is the item
}

// TypeName names the CBOR type of the item b for error messages.
func TypeName[B Bytes](b B) string {
	major, _, _, ok := Head(b)
	if !ok {
		return "malformed item"
	}
	switch major {
	case Uint, Neg:
		return "integer"
	case BStr:
		return "byte string"
	case TStr:
		return "text string"
	case Array:
		return "array"
	case Map:
		return "map"
	case Tag:
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

// String returns the content of the byte or text string item b (of major
// type major) and whether b is one.
func String[B Bytes](b B, major byte) (B, bool) {
	m, arg, n, ok := Head(b)
	if !ok || m != major || arg != uint64(len(b)-n) {
		var zero B
		return zero, false
	}
	return b[n:], true
}

// Text returns the content of the text string item b if it is one and is
// valid UTF-8.
func Text[B Bytes](b B) (B, bool) {
	s, ok := String(b, TStr)
	if !ok || !validUTF8(s) {
		var zero B
		return zero, false
	}
	return s, true
}

// validUTF8 is utf8.Valid for either kind of Bytes, without converting.
func validUTF8[B Bytes](s B) bool {
	n := len(s)
	for i := 0; i < n; {
		c := s[i]
		switch {
		case c < 0x80:
			i++
			continue
		case c < 0xc2:
			return false
		case c < 0xe0:
			if i+1 >= n || s[i+1]&0xc0 != 0x80 {
				return false
			}
			i += 2
			continue
		case c < 0xf0:
			if i+2 >= n {
				return false
			}
			lo, hi := byte(0x80), byte(0xbf)
			switch c {
			case 0xe0:
				lo = 0xa0 // no overlong encodings
			case 0xed:
				hi = 0x9f // no surrogates
			}
			if c1 := s[i+1]; c1 < lo || c1 > hi || s[i+2]&0xc0 != 0x80 {
				return false
			}
			i += 3
			continue
		case c < 0xf5:
			if i+3 >= n {
				return false
			}
			lo, hi := byte(0x80), byte(0xbf)
			switch c {
			case 0xf0:
				lo = 0x90
			case 0xf4:
				hi = 0x8f // at most U+10FFFF
			}
			if c1 := s[i+1]; c1 < lo || c1 > hi || s[i+2]&0xc0 != 0x80 || s[i+3]&0xc0 != 0x80 {
				return false
			}
			i += 4
			continue
		}
		return false
	}
	return true
}

// Int returns the value of the integer item b if it is one that fits an
// int64.
func Int[B Bytes](b B) (int64, bool) {
	major, arg, n, ok := Head(b)
	if !ok || major > Neg || n != len(b) || arg > math.MaxInt64 {
		return 0, false
	}
	if major == Neg {
		return -1 - int64(arg), true
	}
	return int64(arg), true
}

// Float returns the value of the floating-point item b (half, single or
// double precision) and whether b is one. NaN and the infinities are
// reported as not ok.
func Float[B Bytes](b B) (float64, bool) {
	var f float64
	switch {
	case len(b) == 3 && b[0] == 0xf9:
		f = halfToFloat(uint16(b[1])<<8 | uint16(b[2]))
	case len(b) == 5 && b[0] == 0xfa:
		f = float64(math.Float32frombits(uint32(b[1])<<24 | uint32(b[2])<<16 | uint32(b[3])<<8 | uint32(b[4])))
	case len(b) == 9 && b[0] == 0xfb:
		var u uint64
		for i := 1; i < 9; i++ {
			u = u<<8 | uint64(b[i])
		}
		f = math.Float64frombits(u)
	default:
		return 0, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// halfToFloat converts an IEEE 754 half-precision number.
func halfToFloat(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	frac := float64(h & 0x3ff)
	switch exp {
	case 0:
		return sign * math.Ldexp(frac, -24)
	case 0x1f:
		if frac == 0 {
			return math.Inf(int(sign))
		}
		return math.NaN()
	}
	return sign * math.Ldexp(1024+frac, exp-25)
}

// Untag returns the content of b when b is an item tagged with one of tags,
// else b.
func Untag[B Bytes](b B, tags ...uint64) B {
	major, arg, n, ok := Head(b)
	if !ok || major != Tag {
		return b
	}
	for _, t := range tags {
		if arg == t {
			return b[n:]
		}
	}
	return b
}

// Entries iterates over the entries of a map item in well-formed bytes,
// refusing duplicate keys.
type Entries[B Bytes] struct {
	rest  B
	left  int
	n     int
	keys  [MaxPairs]key[B]
	Key   B // the current entry's key item
	Value B // the current entry's value item
	err   error
}

// key identifies a map key for the duplicate check: equal integers whatever
// their encoded width, equal strings of the same major type, or else equal
// bytes.
type key[B Bytes] struct {
	major byte
	arg   uint64
	data  B
}

func keyOf[B Bytes](b B) key[B] {
	major, arg, n, ok := Head(b)
	switch {
	case !ok:
		return key[B]{major: 0xff, data: b}
	case major == Uint || major == Neg:
		return key[B]{major: major, arg: arg}
	case major == BStr || major == TStr:
		return key[B]{major: major, data: b[n:]}
	}
	return key[B]{major: 0xff, data: b}
}

// ReadMap starts iterating over the map item b. It reports false when b is
// not a map.
func ReadMap[B Bytes](b B, e *Entries[B]) bool {
	major, arg, n, ok := Head(b)
	if !ok || major != Map || arg > MaxPairs {
		return false
	}
	*e = Entries[B]{rest: b[n:], left: int(arg)}
	return true
}

// Next moves to the next entry. It returns false at the end of the map or
// on an error (see Err).
func (e *Entries[B]) Next() bool {
	if e.left == 0 || e.err != nil {
		return false
	}
	k := Skip(e.rest)
	if k < 0 {
		e.err = Fail(pass.CBOR, "malformed map key", nil)
		return false
	}
	v := Skip(e.rest[k:])
	if v < 0 {
		e.err = Fail(pass.CBOR, "malformed map value", nil)
		return false
	}
	e.Key, e.Value = e.rest[:k], e.rest[k:k+v]
	e.rest = e.rest[k+v:]
	e.left--
	id := keyOf(e.Key)
	for i := range e.n {
		if o := &e.keys[i]; o.major == id.major && o.arg == id.arg && len(o.data) == len(id.data) && string(o.data) == string(id.data) {
			e.err = Fail(pass.CBOR, "duplicate map key", nil)
			return false
		}
	}
	e.keys[e.n] = id
	e.n++
	return true
}

// Err returns the error that ended the iteration, or nil.
func (e *Entries[B]) Err() error { return e.err }

// IntKey returns the entry's key as an integer, if it is one.
func (e *Entries[B]) IntKey() (int64, bool) { return Int(e.Key) }

// TextKey returns the entry's key as text, if it is a text string.
func (e *Entries[B]) TextKey() (B, bool) { return String(e.Key, TStr) }
