package fleet

import (
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"plain", "scanner connected", "scanner connected"},
		{"device path kept", "connected /dev/serial/by-id/usb-Newland_scanner-if00", "connected /dev/serial/by-id/usb-Newland_scanner-if00"},
		{"panel model kept", "waveshare_4in2_v2_emulated", "waveshare_4in2_v2_emulated"},
		{"pass ID", "revoked cae735431056b25b2142d7902db03a7d5fc9d0f4b288398212402dc1ec7aa109 seen", "revoked [redacted] seen"},
		{"base64 hash", "hash yuc1QxBWsltBQteQLbA6fV/J0PSyiDmCEkAtwex6oQk= here", "hash [redacted] here"},
		{"base45 payload", "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOOK.IR9B+9D", "[redacted]"},
		{"date of birth", "born 1964-08-12", "born [redacted]"},
		{"year and month", "dob 1964-08", "dob [redacted]"},
		{"dotted date", "12.08.1964", "[redacted]"},
		{"compact date", "19640812", "[redacted]"},
		{"long number", "document 48213377", "document [redacted]"},
		{"short numbers kept", "3 errors in 120s", "3 errors in 120s"},
		{"non-ASCII", "Müller 中環", "M?ller ??"},
		{"control characters", "a\x00b\x1bc", "a?b?c"},
		{"white space", "  a \t\n b  ", "a b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Clean(tc.in); got != tc.want {
				t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	long := Clean(strings.Repeat("word ", 1000))
	if len(long) != MaxText || !strings.HasSuffix(long, "...") {
		t.Errorf("long text: got %d bytes ending %q, want %d ending ...", len(long), long[len(long)-3:], MaxText)
	}
	if err := checkText("x", long); err != nil {
		t.Errorf("cleaned text does not pass the message check: %v", err)
	}
}
