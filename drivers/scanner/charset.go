package scanner

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// Charset is the character set a scanner sends text in. Scanners sold in
// China, Taiwan and Hong Kong can be set (often are, out of the box) to
// send GB18030 or Big5 rather than UTF-8; the verifier reads UTF-8.
type Charset int

// Charsets.
const (
	UTF8    Charset = iota // bytes pass through as they are
	GB18030                // GB 18030 (a superset of GBK and GB 2312)
	Big5                   // Big5 with the Hong Kong HKSCS extensions (WHATWG Big5)
)

var charsetNames = [...]string{UTF8: "utf-8", GB18030: "gb18030", Big5: "big5"}

// String returns the configuration name: "utf-8", "gb18030" or "big5".
func (c Charset) String() string {
	if c < 0 || int(c) >= len(charsetNames) {
		return fmt.Sprintf("Charset(%d)", int(c))
	}
	return charsetNames[c]
}

// Charsets returns the charsets' configuration names, UTF8 first: the
// names ParseCharset accepts (with "utf8").
func Charsets() []string { return slices.Clone(charsetNames[:]) }

// ParseCharset parses a configuration name as returned by String ("utf8"
// is accepted too).
func ParseCharset(s string) (Charset, error) {
	if strings.EqualFold(s, "utf8") {
		return UTF8, nil
	}
	for i, n := range charsetNames {
		if strings.EqualFold(s, n) {
			return Charset(i), nil
		}
	}
	return 0, fmt.Errorf("scanner: charset %q: want one of %s", s, strings.Join(charsetNames[:], ", "))
}

func (c Charset) encoding() encoding.Encoding {
	switch c {
	case GB18030:
		return simplifiedchinese.GB18030
	case Big5:
		return traditionalchinese.Big5
	}
	return nil
}

// toUTF8 converts p from e to UTF-8; a nil e, or text that is all ASCII
// (the same in every charset here), passes through. Bytes that are not
// valid in e become U+FFFD: the verifier then refuses the frame rather
// than reading something else into it.
func toUTF8(p []byte, e encoding.Encoding) []byte {
	if e == nil || isASCII(p) {
		return p
	}
	out, err := e.NewDecoder().Bytes(p)
	if err != nil {
		// x/text decoders replace invalid input; an error here means
		// an internal limit, never a partial result worth keeping.
		return []byte(string(encoding.ASCIISub))
	}
	return out
}

func isASCII(p []byte) bool {
	for _, c := range p {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// eciAIM lists the AIM identifiers that say the ECI protocol is in force
// (ISO/IEC 18004:2015 table on symbology identifiers for QR Code; ISO/IEC
// 16022:2006 for Data Matrix).
var eciAIM = map[string]bool{
	"]Q2": true, "]Q4": true, "]Q6": true,
	"]d4": true, "]d5": true, "]d6": true,
}

// asIs marks an ECI whose bytes pass through unconverted.
var asIs encoding.Encoding = encoding.Nop

// eciCharsets maps ECI assignment numbers (AIM ECI Part 3 register) to
// charsets. Numbers not here pass bytes through.
var eciCharsets = map[int]encoding.Encoding{
	0: charmap.CodePage437, 1: charmap.ISO8859_1, 2: charmap.CodePage437, 3: charmap.ISO8859_1,
	4: charmap.ISO8859_2, 5: charmap.ISO8859_3, 6: charmap.ISO8859_4, 7: charmap.ISO8859_5,
	8: charmap.ISO8859_6, 9: charmap.ISO8859_7, 10: charmap.ISO8859_8, 11: charmap.ISO8859_9,
	12: charmap.ISO8859_10, 15: charmap.ISO8859_13, 16: charmap.ISO8859_14, 17: charmap.ISO8859_15,
	18: charmap.ISO8859_16, 20: japanese.ShiftJIS, 21: charmap.Windows1250, 22: charmap.Windows1251,
	23: charmap.Windows1252, 24: charmap.Windows1256,
	25: unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM),
	26: asIs, 27: asIs,
	28:  traditionalchinese.Big5,
	29:  simplifiedchinese.GB18030, // GB 2312: GB 18030 reads it
	30:  korean.EUCKR,
	31:  simplifiedchinese.GBK,
	32:  simplifiedchinese.GB18030,
	33:  unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM),
	34:  utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM),
	35:  utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM),
	170: asIs, 899: asIs,
}

// decodeECI decodes data sent under the ECI protocol: "\nnnnnn" (a
// backslash and six digits) switches the charset of what follows, "\\"
// is one backslash, and every segment is converted to UTF-8. Text before
// the first escape is in def. It returns the ECI numbers it did not know
// (their segments pass through unconverted).
func decodeECI(data []byte, def encoding.Encoding) (out []byte, unknown []int) {
	out = make([]byte, 0, len(data))
	cur := def
	seg := make([]byte, 0, len(data))
	flush := func() {
		if cur == nil || cur == asIs {
			out = append(out, seg...)
		} else {
			out = append(out, toUTF8(seg, cur)...)
		}
		seg = seg[:0]
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c != '\\' {
			seg = append(seg, c)
			continue
		}
		if i+1 < len(data) && data[i+1] == '\\' {
			seg = append(seg, '\\')
			i++
			continue
		}
		n, ok := sixDigits(data[i+1:])
		if !ok {
			seg = append(seg, c) // a lone backslash: data
			continue
		}
		flush()
		e, known := eciCharsets[n]
		if !known {
			unknown = append(unknown, n)
			e = asIs
		}
		cur = e
		i += 6
	}
	flush()
	return out, unknown
}

func sixDigits(p []byte) (int, bool) {
	if len(p) < 6 {
		return 0, false
	}
	n := 0
	for _, c := range p[:6] {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
