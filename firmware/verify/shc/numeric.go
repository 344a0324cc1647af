package shc

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// The QR numeric encoding writes each JWS character c as the two decimal
// digits of c-45 ('-' is 45, the lowest character of a compact JWS; 'z',
// the highest, is 45+77).
const (
	numericBase = '-'
	maxPair     = 'z' - numericBase
)

// DecodeQR returns the compact JWS held by the text of a single-chunk SMART
// Health Card QR code. Multi-chunk codes ("shc:/2/3/…") are refused with
// pass.UnsupportedFormat.
func DecodeQR(text string) (string, error) {
	digits, ok := strings.CutPrefix(text, Prefix)
	if !ok {
		return "", pass.Errorf(pass.Prefix, "no %q prefix", Prefix)
	}
	if strings.IndexByte(digits, '/') >= 0 {
		return "", chunkError(digits)
	}
	switch {
	case digits == "":
		return "", pass.Errorf(pass.Encoding, "no digits after %q", Prefix)
	case len(digits) > 2*MaxJWS:
		return "", pass.Errorf(pass.TooLarge, "%d digits; a card holds at most %d", len(digits), 2*MaxJWS)
	case len(digits)%2 != 0:
		return "", pass.Errorf(pass.Encoding, "odd number of digits (%d); each character takes two", len(digits))
	}
	b := make([]byte, len(digits)/2)
	for i := range b {
		hi, lo := digits[2*i], digits[2*i+1]
		if hi < '0' || hi > '9' || lo < '0' || lo > '9' {
			at := 2 * i
			if hi >= '0' && hi <= '9' {
				at++
			}
			return "", pass.Errorf(pass.Encoding, "non-digit at offset %d of the numeric data", at)
		}
		v := (hi-'0')*10 + lo - '0'
		if v > maxPair {
			return "", pass.Errorf(pass.Encoding, "digit pair %02d at offset %d is above %d", v, 2*i, maxPair)
		}
		b[i] = v + numericBase
	}
	return string(b), nil
}

// chunkError explains a "C/N/…" chunked code without echoing its digits.
func chunkError(rest string) error {
	parts := strings.SplitN(rest, "/", 3)
	if len(parts) == 3 {
		c, errC := strconv.Atoi(parts[0])
		n, errN := strconv.Atoi(parts[1])
		if errC == nil && errN == nil && c >= 1 && n >= 2 && c <= n && n <= 99 && len(parts[0]) <= 2 && len(parts[1]) <= 2 {
			return pass.Errorf(pass.UnsupportedFormat, "part %d of a %d-part SMART Health Card; chunked QR codes are deprecated and this kiosk reads single-code cards only", c, n)
		}
	}
	return pass.Errorf(pass.Encoding, "malformed chunk header: want digits only, or part/total/digits")
}

// EncodeQR returns the text of a single-chunk QR code holding jws: the
// prefix and two digits per character. Characters outside '-'…'z' cannot be
// encoded; a compact JWS has none.
func EncodeQR(jws string) (string, error) {
	if len(jws) > MaxJWS {
		return "", fmt.Errorf("JWS is %d characters; at most %d", len(jws), MaxJWS)
	}
	var sb strings.Builder
	sb.Grow(len(Prefix) + 2*len(jws))
	sb.WriteString(Prefix)
	for i := 0; i < len(jws); i++ {
		c := jws[i]
		if c < numericBase || c > numericBase+maxPair {
			return "", fmt.Errorf("character %d of the JWS (%#02x) has no numeric encoding", i, c)
		}
		v := c - numericBase
		sb.WriteByte('0' + v/10)
		sb.WriteByte('0' + v%10)
	}
	return sb.String(), nil
}
