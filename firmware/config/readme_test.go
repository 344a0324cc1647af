package config

import (
	"os"
	"path/filepath"
	"regexp"
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
