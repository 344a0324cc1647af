package i18n

import (
	"fmt"
	"testing"
)

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		prefs []string
		want  Lang
	}{
		{nil, EN},
		{[]string{""}, EN},
		{[]string{"en-GB,en;q=0.9"}, EN},
		{[]string{"zh-HK"}, ZHHant},
		{[]string{"zh-TW,zh;q=0.9,en;q=0.8"}, ZHHant},
		{[]string{"zh-Hant"}, ZHHant},
		{[]string{"zh-MO"}, ZHHant},
		{[]string{"zh-CN"}, ZHHans},
		{[]string{"zh-SG"}, ZHHans},
		{[]string{"zh-Hans-HK"}, ZHHans},
		{[]string{"fr-FR,zh-HK;q=0.5"}, ZHHant},
		{[]string{"de-DE"}, EN},
		{[]string{"!!!", "zh-CN"}, ZHHans}, // a bad header is skipped
		{[]string{"zh-HK", "en"}, ZHHant},  // navigator.language before the header
		{[]string{"zh-HK,zh;q=0.9,en;q=0.8"}, ZHHant},
		{[]string{"zh"}, ZHHans},
		{[]string{"en;q=0.5,zh-TW"}, ZHHant}, // by quality, not by order
		{[]string{string(make([]byte, 2000))}, EN},
	} {
		t.Run(fmt.Sprint(tc.prefs), func(t *testing.T) {
			if got := Match(tc.prefs...); got != tc.want {
				t.Errorf("Match(%q): got %s, want %s", tc.prefs, got, tc.want)
			}
		})
	}
}

func TestMessages(t *testing.T) {
	m := Get(ZHHant).Messages()
	if len(m) != len(Keys()) || m[VerdictGreen] != Get(ZHHant).T(VerdictGreen) {
		t.Fatalf("got %d messages, want %d", len(m), len(Keys()))
	}
	m[VerdictGreen] = "changed"
	if Get(ZHHant).T(VerdictGreen) == "changed" {
		t.Error("Messages returned the catalog itself, not a copy")
	}
}
