package i18n

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/venuekiosk/venuekiosk/display/font"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// rawKeys reads a catalog file's keys without Parse's checks.
func rawKeys(t *testing.T, l Lang) []string {
	t.Helper()
	b, err := files.ReadFile("catalog/" + string(l) + ".toml")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if _, err := toml.Decode(string(b), &raw); err != nil {
		t.Fatalf("%s: %v", l, err)
	}
	var ks []string
	for k, v := range raw {
		if m, ok := v.(map[string]any); ok {
			for k2 := range m {
				ks = append(ks, k+"."+k2)
			}
			continue
		}
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func TestEveryLanguageHasTheSameKeys(t *testing.T) {
	var want []string
	for _, k := range Keys() {
		want = append(want, string(k))
	}
	slices.Sort(want)
	for _, l := range Langs() {
		got := rawKeys(t, l)
		for _, k := range want {
			if _, ok := slices.BinarySearch(got, k); !ok {
				t.Errorf("%s: key %s missing", l, k)
			}
		}
		for _, k := range got {
			if _, ok := slices.BinarySearch(want, k); !ok {
				t.Errorf("%s: key %s is not in Keys()", l, k)
			}
		}
	}
}

func TestPlaceholdersAgree(t *testing.T) {
	for _, k := range Keys() {
		want := Placeholders(Get(EN).T(k))
		for _, l := range Langs()[1:] {
			if got := Placeholders(Get(l).T(k)); !slices.Equal(got, want) {
				t.Errorf("%s %s: placeholders %q, English has %q", l, k, got, want)
			}
		}
	}
	for k, want := range map[Key][]string{DataAge: {"age"}, DataStale: {"time"}, Holder: {"initials", "year"}, ExposureNotice: {"date"}, AgeHours: {"n"}} {
		if got := Placeholders(Get(EN).T(k)); !slices.Equal(got, want) {
			t.Errorf("%s: placeholders %q, the kiosk fills %q", k, got, want)
		}
	}
}

func TestFontCoversEveryMessage(t *testing.T) {
	for _, l := range Langs() {
		for _, k := range Keys() {
			for _, r := range font.Missing(Get(l).T(k)) {
				t.Errorf("%s %s: the font has no glyph for %q (U+%04X)", l, k, r, r)
			}
		}
	}
}

func TestMessagesAreTranslated(t *testing.T) {
	// A Chinese message identical to the English one was not translated
	// (placeholders and symbols aside).
	for _, l := range []Lang{ZHHant, ZHHans} {
		for _, k := range Keys() {
			if en := Get(EN).T(k); Get(l).T(k) == en && strings.ContainsAny(en, "abcdefghijklmnopqrstuvwxyz") {
				t.Errorf("%s %s: %q is the English text", l, k, en)
			}
		}
	}
}

// TestReasonCodesComplete reads firmware/pass's source so a new reason
// code without a message fails here.
func TestReasonCodesComplete(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "../../firmware/pass/errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []pass.Code
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || vs.Type == nil {
			return true
		}
		if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
			return true
		}
		for _, v := range vs.Values {
			if lit, ok := v.(*ast.BasicLit); ok {
				s, _ := strconv.Unquote(lit.Value)
				codes = append(codes, pass.Code(s))
			}
		}
		return true
	})
	if len(codes) < 20 {
		t.Fatalf("found %d codes in firmware/pass/errors.go, want at least 20", len(codes))
	}
	for _, c := range codes {
		if !slices.Contains(ReasonCodes, c) {
			t.Errorf("reason code %q has no message (add it to ReasonCodes and every catalog)", c)
		}
		if got := Get(EN).Reason(c); got == "" || got == string(ReasonKey(c)) {
			t.Errorf("Reason(%q) = %q", c, got)
		}
	}
	if got, want := Get(ZHHant).Reason("no_such_code"), Get(ZHHant).Reason(pass.Internal); got != want {
		t.Errorf("unknown code: got %q, want the internal fault text %q", got, want)
	}
}

func TestT(t *testing.T) {
	for _, tc := range []struct {
		lang Lang
		key  Key
		args []string
		want string
	}{
		{EN, Instruction, nil, "Scan to check in"},
		{EN, DataAge, []string{"age", "5 min"}, "Data updated 5 min ago"},
		{ZHHant, DataAge, []string{"age", "5分鐘"}, "資料於5分鐘前更新"},
		{EN, Holder, []string{"initials", "C.T.M.", "year", "1985"}, "C.T.M. · born 1985"},
		{EN, DataAge, nil, "Data updated {age} ago"},
		{EN, DataAge, []string{"age"}, "Data updated {age} ago"}, // odd args: the lone name is ignored
		{EN, Key("no.such"), nil, "no.such"},
		{Lang("fr"), Instruction, nil, "Scan to check in"},
	} {
		t.Run(fmt.Sprintf("%v %v", tc.lang, tc.key), func(t *testing.T) {
			if got := Get(tc.lang).T(tc.key, tc.args...); got != tc.want {
				t.Errorf("%s T(%s, %q): got %q, want %q", tc.lang, tc.key, tc.args, got, tc.want)
			}
		})
	}
}

func TestAge(t *testing.T) {
	for _, tc := range []struct {
		lang Lang
		d    time.Duration
		want string
	}{
		{EN, -time.Hour, "<1 min"},
		{EN, 59 * time.Second, "<1 min"},
		{EN, 5*time.Minute + 59*time.Second, "5 min"},
		{EN, 3 * time.Hour, "3 h"},
		{EN, 47 * time.Hour, "47 h"},
		{EN, 72 * time.Hour, "3 d"},
		{ZHHant, 2 * time.Hour, "2小時"},
		{ZHHans, 96 * time.Hour, "4天"},
	} {
		t.Run(fmt.Sprintf("%v %v", tc.lang, tc.d), func(t *testing.T) {
			if got := Get(tc.lang).Age(tc.d); got != tc.want {
				t.Errorf("%s Age(%v): got %q, want %q", tc.lang, tc.d, got, tc.want)
			}
		})
	}
}

func TestParseLang(t *testing.T) {
	for _, s := range []string{"en", "zh-Hant", "zh-Hans"} {
		if l, err := ParseLang(s); err != nil || string(l) != s {
			t.Errorf("ParseLang(%q): got %q, %v", s, l, err)
		}
	}
	for _, s := range []string{"", "EN", "zh", "zh-TW", "fr"} {
		if _, err := ParseLang(s); err == nil || !strings.HasSuffix(err.Error(), "want one of en, zh-Hant, zh-Hans") {
			t.Errorf("ParseLang(%q): got %v, want an error listing en, zh-Hant, zh-Hans", s, err)
		}
	}
	if got, want := strings.Join(LangNames(), " "), "en zh-Hant zh-Hans"; got != want {
		t.Errorf("LangNames() = %q, want %q", got, want)
	}
}

func TestParseRejects(t *testing.T) {
	good, _ := files.ReadFile("catalog/en.toml")
	if _, err := Parse(EN, good); err != nil {
		t.Fatalf("the English catalog: %v", err)
	}
	replace := func(old, new string) []byte {
		if !strings.Contains(string(good), old) {
			t.Fatalf("test setup: %q not in en.toml", old)
		}
		return []byte(strings.Replace(string(good), old, new, 1))
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"not TOML", []byte("instruction = ")},
		{"missing key", replace(`instruction = "Scan to check in"`, "")},
		{"unknown key", replace(`instruction = "Scan to check in"`, `instruction = "Scan to check in"`+"\ninstructions = \"x\"")},
		{"number", replace(`instruction = "Scan to check in"`, `instruction = 5`)},
		{"empty", replace(`instruction = "Scan to check in"`, `instruction = ""`)},
		{"newline", replace(`instruction = "Scan to check in"`, `instruction = "Scan\nto"`)},
		{"nested table", replace("[verdict]", "[verdict.more]\nx = \"y\"\n[verdict]")},
		{"upper-case placeholder", replace(`{age} ago"`, `{Age} ago"`)},
		{"unclosed placeholder", replace(`{age} ago"`, `{age ago"`)},
		{"stray brace", replace(`{age} ago"`, `{age} ago}"`)},
		{"empty placeholder", replace(`{age} ago"`, `{} ago"`)},
		{"too long", replace(`"Scan to check in"`, `"`+strings.Repeat("x", MaxMessage+1)+`"`)},
		{"too large", append(append([]byte{}, good...), []byte("\n#"+strings.Repeat("x", MaxCatalog))...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse(EN, tc.data); err == nil {
				t.Errorf("%s: parsed, want an error", tc.name)
			}
		})
	}
}
