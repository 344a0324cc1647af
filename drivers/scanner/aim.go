package scanner

// AIM symbology identifiers (ISO/IEC 15424): a flag "]", a code character
// naming the symbology, and a modifier character giving options, e.g. "]Q1"
// (QR Code, model 2) or "]d2" (Data Matrix ECC 200 with FNC1).

// SplitAIM splits a leading AIM identifier off data. It reports ok false,
// and returns data unchanged, when data does not start with one.
func SplitAIM(data []byte) (id string, rest []byte, ok bool) {
	if len(data) < 3 || data[0] != ']' || !isLetter(data[1]) || !isAlnum(data[2]) {
		return "", data, false
	}
	return string(data[:3]), data[3:], true
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }
func isAlnum(c byte) bool  { return isLetter(c) || c >= '0' && c <= '9' }

// symbologies names the common AIM code characters.
var symbologies = map[byte]string{
	'A': "Code 39",
	'C': "Code 128",
	'E': "EAN/UPC",
	'F': "Codabar",
	'G': "Code 93",
	'H': "Code 11",
	'I': "Interleaved 2 of 5",
	'L': "PDF417",
	'M': "MSI",
	'Q': "QR Code",
	'S': "Standard 2 of 5",
	'U': "MaxiCode",
	'X': "other",
	'd': "Data Matrix",
	'e': "GS1 DataBar",
	'h': "Han Xin",
	'z': "Aztec",
}

// SymbologyName names the symbology of an AIM identifier such as "]Q1", or
// returns "" for one it does not know or a malformed identifier.
func SymbologyName(id string) string {
	if _, _, ok := SplitAIM([]byte(id)); !ok || len(id) != 3 {
		return ""
	}
	return symbologies[id[1]]
}
