package scanner

import (
	"fmt"
	"testing"
)

func TestDecodeECI(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		unknown  []int
	}{
		{`plain`, "plain", nil},
		{`a\\b`, `a\b`, nil},
		{`a\b`, `a\b`, nil},                       // a lone backslash is data
		{`end\`, `end\`, nil},                     // at the end too
		{`x\12345`, `x\12345`, nil},               // five digits are not an escape
		{`\000003caf` + "\xe9", "café", nil},      // ISO 8859-1
		{`\000026caf` + "\xc3\xa9", "café", nil},  // UTF-8
		{`\000025` + "\x00A\x00\xe9", "Aé", nil},  // UTF-16BE
		{`\000020` + "\x82\xa0", "あ", nil},        // Shift JIS
		{`\000030` + "\xb0\xa1", "가", nil},        // EUC-KR
		{`\000899` + "\xff\x00", "\xff\x00", nil}, // binary
		{`\000999` + "\xff", "\xff", []int{999}},  // unknown: as is
		{`\000003\\` + "\xe9", `\é`, nil},         // an escaped backslash inside a segment
		{`\000003` + "\xe9" + `\000026` + "\xc3\xa9", "éé", nil},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, unknown := decodeECI([]byte(tt.in), nil)
			if string(got) != tt.want || fmt.Sprint(unknown) != fmt.Sprint(tt.unknown) {
				t.Errorf("decodeECI(%q): got %q, %v; want %q, %v", tt.in, got, unknown, tt.want, tt.unknown)
			}
		})
	}
}

func TestCharsetNames(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Charset
	}{{"utf-8", UTF8}, {"UTF8", UTF8}, {"gb18030", GB18030}, {"Big5", Big5}} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseCharset(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("ParseCharset(%q): got %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "latin1", "gbk ", "big-5"} {
		if _, err := ParseCharset(bad); err == nil {
			t.Errorf("ParseCharset(%q): want an error", bad)
		}
	}
	if got := Charset(7).String(); got != "Charset(7)" {
		t.Errorf("String of a bad charset: got %q", got)
	}
	names := Charsets()
	if len(names) != int(Big5)+1 {
		t.Fatalf("Charsets() = %q, want %d names", names, int(Big5)+1)
	}
	for i, n := range names {
		if p, err := ParseCharset(n); err != nil || p != Charset(i) || p.String() != n {
			t.Errorf("Charsets()[%d] = %q: ParseCharset gives %v, %v; want %v", i, n, p, err, Charset(i))
		}
	}
}
