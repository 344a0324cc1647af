package config

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Every key of kioskd.toml is in the README's table of keys, as
// `section.key` or in a row that starts with `section.…` and names `key`.
func TestREADMEListsEveryKey(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Skipf("README.md: %v (the test runs in a checkout)", err)
	}
	readme := string(b)
	var rows []string
	for _, line := range strings.Split(readme, "\n") {
		if strings.HasPrefix(line, "| `") {
			rows = append(rows, line)
		}
	}
	section := regexp.MustCompile(`^\[(\w+)\]`)
	key := regexp.MustCompile(`^(\w+)\s*=`)
	var sec string
	n := 0
	for _, line := range strings.Split(string(Example()), "\n") {
		if m := section.FindStringSubmatch(line); m != nil {
			sec = m[1]
			continue
		}
		m := key.FindStringSubmatch(line)
		if m == nil || sec == "" {
			continue
		}
		n++
		full := sec + "." + m[1]
		if strings.Contains(readme, "`"+full+"`") {
			continue
		}
		found := false
		for _, r := range rows {
			if strings.HasPrefix(r, "| `"+sec+".") && strings.Contains(strings.SplitN(r, "|", 3)[1], "`"+m[1]+"`") {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("README.md does not list the key %s", full)
		}
	}
	if n < 50 {
		t.Errorf("read %d keys from kioskd.toml; want every key (at least 50)", n)
	}
}

// readmeMeaning returns the "meaning" cell of key's row in the README's
// table of keys: the row whose first cell is `section.name`.
func readmeMeaning(t *testing.T, readme, key string) string {
	t.Helper()
	for _, line := range strings.Split(readme, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) >= 5 && strings.TrimSpace(cells[1]) == "`"+key+"`" {
			return strings.Join(cells[3:len(cells)-1], "|")
		}
	}
	t.Fatalf("README.md has no row for %s", key)
	return ""
}

var backticked = regexp.MustCompile("`([^`]*)`")

// ticks returns the backticked words of s.
func ticks(s string) []string {
	var w []string
	for _, m := range backticked.FindAllStringSubmatch(s, -1) {
		w = append(w, m[1])
	}
	return w
}

// The README's table of keys lists, for each key whose values another
// package owns, exactly that package's values, in its order, and the
// owners' bounds; its table of tone profiles has a column for each
// profile, its explicit terminators and its languages are the owners'. A value added to an
// owner (a panel model in epd.Models, say) fails here until documented.
func TestREADMEListsOwnersValues(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Skipf("README.md: %v (the test runs in a checkout)", err)
	}
	readme := string(b)
	for _, o := range owned() {
		if got := ticks(readmeMeaning(t, readme, o.key)); !slices.Equal(got, o.values) {
			t.Errorf("README.md: the row of %s lists %q; its owner has %q", o.key, got, o.values)
		}
	}
	for _, b := range ownedBounds() {
		if m, want := readmeMeaning(t, readme, b.key), "`"+b.min+"` to `"+b.max+"`"; !strings.Contains(m, want) {
			t.Errorf("README.md: the row of %s says %q; want the owner's bounds %s", b.key, m, want)
		}
	}
	var header []string
	for _, line := range strings.Split(readme, "\n") {
		if strings.HasPrefix(line, "| signal |") {
			header = ticks(line)
		}
	}
	if want := ownedValues(t, "kiosk.profile"); !slices.Equal(header, want) {
		t.Errorf("README.md: the table of signals has columns for %q; want one for each profile, %q", header, want)
	}
	_, rest, _ := strings.Cut(readme, "Explicit `scanner.terminator` values (")
	explicit, _, _ := strings.Cut(rest, ")")
	got := ticks(explicit)
	slices.Sort(got)
	want := slices.DeleteFunc(ownedValues(t, "scanner.terminator"), func(v string) bool { return v == "auto" })
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("README.md: the explicit terminators are %q; want every one but auto, %q", got, want)
	}
	_, rest, _ = strings.Cut(readme, "**Languages**: ")
	line, _, _ := strings.Cut(rest, ";")
	if got, want := ticks(line), ownedValues(t, "panel.languages"); !slices.Equal(got, want) {
		t.Errorf("README.md: **Languages** lists %q; want %q", got, want)
	}
}
