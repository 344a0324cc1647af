package font

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Ellipsis ends a truncated line.
const Ellipsis = "…"

// breakAnywhere reports runes after and before which a line may break
// without a space: CJK ideographs, kana, Hangul and fullwidth forms.
func breakAnywhere(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// noLineStart are closing marks that never begin a line.
const noLineStart = "，。、；：？！）」』】》〉,.;:?!)]}…％%"

// tokens splits s into units that stay on one line: words of non-CJK
// text (with the spaces that follow them) and single CJK characters (with
// any closing marks that follow them).
func tokens(s string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case breakAnywhere(r) && !strings.ContainsRune(noLineStart, r):
			flush()
			cur.WriteRune(r)
			for i+1 < len(rs) && strings.ContainsRune(noLineStart, rs[i+1]) {
				i++
				cur.WriteRune(rs[i])
			}
			flush()
		case r == ' ':
			cur.WriteRune(r)
			flush()
		default:
			if cur.Len() > 0 {
				last, _ := lastRune(cur.String())
				if last == ' ' {
					flush()
				}
			}
			cur.WriteRune(r)
		}
	}
	flush()
	return out
}

func lastRune(s string) (rune, bool) {
	rs := []rune(s)
	if len(rs) == 0 {
		return 0, false
	}
	return rs[len(rs)-1], true
}

// Wrap breaks s into lines no wider than width pixels: at spaces, and
// between CJK characters. A word wider than a line is broken between
// characters. Newlines in s start new lines. Lines carry no trailing space.
func (f Face) Wrap(s string, width int) []string {
	var lines []string
	for _, para := range strings.Split(norm.NFC.String(s), "\n") {
		var line string
		for _, tok := range tokens(para) {
			if f.Measure(strings.TrimRight(line+tok, " ")) <= width {
				line += tok
				continue
			}
			if line != "" {
				lines = append(lines, strings.TrimRight(line, " "))
				line = ""
			}
			// tok alone may be too wide: break it by characters.
			for _, r := range tok {
				if line != "" && f.Measure(strings.TrimRight(line+string(r), " ")) > width {
					lines = append(lines, strings.TrimRight(line, " "))
					line = ""
				}
				if line == "" && r == ' ' {
					continue
				}
				line += string(r)
			}
		}
		lines = append(lines, strings.TrimRight(line, " "))
	}
	return lines
}

// Truncate returns s if it fits in width pixels, otherwise the longest
// prefix that fits followed by an ellipsis ("" when not even that fits).
func (f Face) Truncate(s string, width int) string {
	s = norm.NFC.String(s)
	if f.Measure(s) <= width {
		return s
	}
	rs := []rune(s)
	for n := len(rs) - 1; n >= 0; n-- {
		t := strings.TrimRight(string(rs[:n]), " ") + Ellipsis
		if f.Measure(t) <= width {
			return t
		}
	}
	return ""
}
