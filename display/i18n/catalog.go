package i18n

import (
	"embed"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// Lang is a language tag the kiosk knows.
type Lang string

// Languages.
const (
	EN     Lang = "en"
	ZHHant Lang = "zh-Hant"
	ZHHans Lang = "zh-Hans"
)

// Langs returns every language, English first.
func Langs() []Lang { return []Lang{EN, ZHHant, ZHHans} }

// LangNames returns every language's tag, in the order of Langs: the one
// list of languages that configuration, help and documentation are
// checked against.
func LangNames() []string {
	ls := Langs()
	n := make([]string, len(ls))
	for i, l := range ls {
		n[i] = string(l)
	}
	return n
}

// ParseLang returns the Lang named s, as firmware/config spells it.
func ParseLang(s string) (Lang, error) {
	for _, l := range Langs() {
		if string(l) == s {
			return l, nil
		}
	}
	return "", fmt.Errorf("i18n: unknown language %q: want one of %s", s, strings.Join(LangNames(), ", "))
}

// Chinese reports whether l is a Chinese language.
func (l Lang) Chinese() bool { return l == ZHHant || l == ZHHans }

//go:embed catalog/*.toml
var files embed.FS

// MaxCatalog bounds a catalog file; MaxMessage bounds one message.
const (
	MaxCatalog = 64 << 10
	MaxMessage = 512
)

var placeholder = regexp.MustCompile(`\{([a-z_]*)\}?`)

// Catalog is one language's messages.
type Catalog struct {
	lang Lang
	msgs map[Key]string
}

// Parse reads a catalog file: TOML with string values at the top level
// and in one level of tables ("verdict.green"). It must have exactly the
// key set of Keys, and only well-formed placeholders.
func Parse(l Lang, data []byte) (*Catalog, error) {
	if len(data) > MaxCatalog {
		return nil, fmt.Errorf("i18n: %s: larger than %d bytes", l, MaxCatalog)
	}
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return nil, fmt.Errorf("i18n: %s: %v", l, err)
	}
	c := &Catalog{lang: l, msgs: map[Key]string{}}
	var flatten func(prefix string, m map[string]any, depth int) error
	flatten = func(prefix string, m map[string]any, depth int) error {
		for k, v := range m {
			name := prefix + k
			switch v := v.(type) {
			case string:
				if err := checkMessage(v); err != nil {
					return fmt.Errorf("i18n: %s: %s: %v", l, name, err)
				}
				c.msgs[Key(name)] = v
			case map[string]any:
				if depth > 0 {
					return fmt.Errorf("i18n: %s: %s: tables nest one level at most", l, name)
				}
				if err := flatten(name+".", v, depth+1); err != nil {
					return err
				}
			default:
				return fmt.Errorf("i18n: %s: %s: %T, want a string", l, name, v)
			}
		}
		return nil
	}
	if err := flatten("", raw, 0); err != nil {
		return nil, err
	}
	want := Keys()
	for _, k := range want {
		if _, ok := c.msgs[k]; !ok {
			return nil, fmt.Errorf("i18n: %s: key %s missing", l, k)
		}
	}
	if len(c.msgs) != len(want) {
		var extra []string
		for k := range c.msgs {
			if !slices.Contains(want, k) {
				extra = append(extra, string(k))
			}
		}
		sort.Strings(extra)
		return nil, fmt.Errorf("i18n: %s: unknown key %s", l, strings.Join(extra, ", "))
	}
	return c, nil
}

func checkMessage(s string) error {
	if s == "" {
		return fmt.Errorf("empty message")
	}
	if len(s) > MaxMessage {
		return fmt.Errorf("longer than %d bytes", MaxMessage)
	}
	if strings.ContainsAny(s, "\n\r\t") {
		return fmt.Errorf("control characters")
	}
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		if m[1] == "" || !strings.HasSuffix(m[0], "}") {
			return fmt.Errorf("malformed placeholder %q", m[0])
		}
	}
	if strings.Count(s, "{") != strings.Count(s, "}") || strings.Count(s, "{") != len(placeholder.FindAllString(s, -1)) {
		return fmt.Errorf("unbalanced braces")
	}
	return nil
}

// Placeholders returns the names of the placeholders of message s, sorted.
func Placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return slices.Compact(out)
}

var embedded = sync.OnceValue(func() map[Lang]*Catalog {
	m := map[Lang]*Catalog{}
	for _, l := range Langs() {
		b, err := files.ReadFile("catalog/" + string(l) + ".toml")
		if err != nil {
			panic("i18n: " + err.Error())
		}
		c, err := Parse(l, b)
		if err != nil {
			panic(err.Error())
		}
		m[l] = c
	}
	return m
})

// Get returns the embedded catalog of l; an unknown language gets English.
func Get(l Lang) *Catalog {
	if c, ok := embedded()[l]; ok {
		return c
	}
	return embedded()[EN]
}

// Lang returns the catalog's language.
func (c *Catalog) Lang() Lang { return c.lang }

// T returns the message k with its placeholders filled from args, given as
// name, value pairs: T(DataAge, "age", "5 min"). A placeholder without a
// value stays as it is; an unknown key returns the key itself.
func (c *Catalog) T(k Key, args ...string) string {
	s, ok := c.msgs[k]
	if !ok {
		return string(k)
	}
	if len(args) == 0 {
		return s
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+args[i]+"}", args[i+1])
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// Reason returns the short text of a reason code ("reason.<code>"); an
// unknown code gets the text of pass.Internal.
func (c *Catalog) Reason(code pass.Code) string {
	if s, ok := c.msgs[ReasonKey(code)]; ok {
		return s
	}
	return c.msgs[ReasonKey(pass.Internal)]
}

// Age returns d as a short age: "<1 min", "5 min", "3 h", "2 d" (rounded
// down; negative ages count as zero).
func (c *Catalog) Age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return c.T(AgeUnderMinute)
	case d < time.Hour:
		return c.T(AgeMinutes, "n", strconv.Itoa(int(d/time.Minute)))
	case d < 48*time.Hour:
		return c.T(AgeHours, "n", strconv.Itoa(int(d/time.Hour)))
	}
	return c.T(AgeDays, "n", strconv.Itoa(int(d/(24*time.Hour))))
}
