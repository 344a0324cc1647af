package base45

import "strconv"

// Alphabet is the RFC 9285 symbol table: the value of a character is its
// index in Alphabet.
const Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

// decodeMap maps a byte to its value in Alphabet, or 0xFF.
var decodeMap = func() (m [256]byte) {
	for i := range m {
		m[i] = 0xFF
	}
	for i := 0; i < len(Alphabet); i++ {
		m[Alphabet[i]] = byte(i)
	}
	return m
}()

// Error describes invalid Base45 input: what is wrong and at which offset
// of the input. It never quotes the input.
type Error struct {
	Offset int    // offset of the offending character or group in the input
	Reason string // what is wrong
}

func (e *Error) Error() string {
	return "base45: " + e.Reason + " at offset " + strconv.Itoa(e.Offset)
}

// EncodedLen returns the length of the encoding of n bytes.
func EncodedLen(n int) int { return n/2*3 + n%2*2 }

// DecodedLen returns the number of bytes n characters of valid input decode
// to. For a length no input can have (n%3 == 1) it returns -1.
func DecodedLen(n int) int {
	if n%3 == 1 {
		return -1
	}
	return n/3*2 + n%3/2
}

// AppendEncode appends the encoding of src to dst and returns the result.
func AppendEncode(dst, src []byte) []byte {
	for len(src) >= 2 {
		v := int(src[0])<<8 | int(src[1])
		dst = append(dst, Alphabet[v%45], Alphabet[v/45%45], Alphabet[v/(45*45)])
		src = src[2:]
	}
	if len(src) == 1 {
		v := int(src[0])
		dst = append(dst, Alphabet[v%45], Alphabet[v/45])
	}
	return dst
}

// EncodeToString returns the encoding of src.
func EncodeToString(src []byte) string {
	return string(AppendEncode(make([]byte, 0, EncodedLen(len(src))), src))
}

// AppendDecode appends the bytes src decodes to to dst. On error it returns
// dst unchanged in length and an *Error.
func AppendDecode[S ~string | ~[]byte](dst []byte, src S) ([]byte, error) {
	n := DecodedLen(len(src))
	if n < 0 {
		return dst, &Error{Offset: len(src) - 1, Reason: "a final group of one character"}
	}
	start := len(dst)
	if cap(dst)-start < n {
		grown := make([]byte, start, start+n)
		copy(grown, dst)
		dst = grown
	}
	out := dst[start : start+n]
	o := 0
	i := 0
	for ; i+3 <= len(src); i += 3 {
		a, b, c := decodeMap[src[i]], decodeMap[src[i+1]], decodeMap[src[i+2]]
		if a|b|c == 0xFF { // an invalid character maps to 0xFF; valid ones are < 64
			return dst[:start], badChar(src, i, 3)
		}
		v := uint32(a) + uint32(b)*45 + uint32(c)*45*45
		if v > 0xFFFF {
			return dst[:start], &Error{Offset: i, Reason: "group value " + strconv.Itoa(int(v)) + " exceeds 65535"}
		}
		out[o], out[o+1] = byte(v>>8), byte(v)
		o += 2
	}
	if i < len(src) { // two characters left
		a, b := decodeMap[src[i]], decodeMap[src[i+1]]
		if a|b == 0xFF {
			return dst[:start], badChar(src, i, 2)
		}
		v := uint32(a) + uint32(b)*45
		if v > 0xFF {
			return dst[:start], &Error{Offset: i, Reason: "final group value " + strconv.Itoa(int(v)) + " exceeds 255"}
		}
		out[o] = byte(v)
	}
	return dst[:start+n], nil
}

// DecodeString returns the bytes s decodes to.
func DecodeString(s string) ([]byte, error) {
	n := DecodedLen(len(s))
	if n < 0 {
		n = 0
	}
	b, err := AppendDecode(make([]byte, 0, n), s)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// badChar reports the first character outside the alphabet in the group of
// n characters at src[i:].
func badChar[S ~string | ~[]byte](src S, i, n int) *Error {
	for j := i; j < i+n; j++ {
		if decodeMap[src[j]] == 0xFF {
			return &Error{Offset: j, Reason: "byte 0x" + strconv.FormatUint(uint64(src[j]), 16) + " outside the Base45 alphabet"}
		}
	}
	return &Error{Offset: i, Reason: "invalid group"}
}
