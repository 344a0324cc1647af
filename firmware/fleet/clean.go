package fleet

import (
	"regexp"
	"strings"
)

// MaxText bounds every free-text field of a message, in bytes.
const MaxText = 160

// Redacted replaces what Clean takes out.
const Redacted = "[redacted]"

var (
	// 16 or more hex digits: a pass ID, a hash, a key.
	hexRun = regexp.MustCompile(`[0-9A-Fa-f]{16,}`)
	// 20 or more base64/base64url/base45 characters: a hash or a payload.
	// Only runs with a digit, a letter and no more than two thirds lower
	// case letters are taken, so that words, paths and device names stay
	// (redactB64).
	b64Run = regexp.MustCompile(`[A-Za-z0-9+/=_%.:*$-]{20,}`)
	// Dates (a date of birth is one): 1964-08-12, 1964-08, 12.08.1964,
	// 12/08/64, 19640812.
	dateRun = regexp.MustCompile(`\d{4}-\d{1,2}(-\d{1,2})?|\d{1,2}[./]\d{1,2}[./]\d{2,4}`)
	// Six or more digits: document numbers, compact dates.
	digitRun = regexp.MustCompile(`\d{6,}`)
)

// Clean makes s fit for a message: printable ASCII only (anything else
// becomes '?'), runs of white space collapsed, hex runs, mixed base64-like
// runs, dates and long numbers replaced by Redacted, and the result cut to
// MaxText bytes. The kiosk's own texts (device states, problems) never
// hold a holder's data; Clean is the second line.
func Clean(s string) string {
	if len(s) > 4*MaxText {
		s = s[:4*MaxText]
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			space = true
			continue
		case r < 0x20 || r > 0x7e:
			r = '?'
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	out := hexRun.ReplaceAllString(b.String(), Redacted)
	out = b64Run.ReplaceAllStringFunc(out, redactB64)
	out = dateRun.ReplaceAllString(out, Redacted)
	out = digitRun.ReplaceAllString(out, Redacted)
	if len(out) > MaxText {
		out = out[:MaxText-3] + "..."
	}
	return out
}

func redactB64(s string) string {
	var upper, lower, digit int
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			upper++
		case r >= 'a' && r <= 'z':
			lower++
		case r >= '0' && r <= '9':
			digit++
		}
	}
	if digit > 0 && upper+lower > 0 && 3*lower <= 2*len(s) {
		return Redacted
	}
	return s
}
