package config

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// exampleComment returns the comment on key's line in kioskd.toml.
func exampleComment(t *testing.T, key string) string {
	t.Helper()
	section, name, _ := strings.Cut(key, ".")
	var sec string
	for _, line := range strings.Split(string(Example()), "\n") {
		if strings.HasPrefix(line, "[") {
			sec = strings.Trim(line, "[] ")
			continue
		}
		k, rest, ok := strings.Cut(line, "=")
		if !ok || sec != section || strings.TrimSpace(k) != name {
			continue
		}
		_, comment, ok := strings.Cut(rest, " # ")
		if !ok {
			t.Fatalf("kioskd.toml: %s has no comment", key)
		}
		return comment
	}
	t.Fatalf("kioskd.toml has no key %s", key)
	return ""
}

// kioskd.toml (what kioskd -print-config prints) names, on each owned
// key's line, exactly the owner's values (quoted, or as numbers for
// scanner.baud) and the owner's bounds.
func TestExampleListsOwnersValues(t *testing.T) {
	quoted := regexp.MustCompile(`"([^"]*)"`)
	number := regexp.MustCompile(`\b[0-9]+\b`)
	for _, o := range owned() {
		comment := exampleComment(t, o.key)
		var got []string
		if o.key == "scanner.baud" {
			got = number.FindAllString(comment, -1)
		} else {
			for _, m := range quoted.FindAllStringSubmatch(comment, -1) {
				got = append(got, m[1])
			}
		}
		if !slices.Equal(got, o.values) {
			t.Errorf("kioskd.toml: %s lists %q; its owner has %q", o.key, got, o.values)
		}
	}
	for _, b := range ownedBounds() {
		if comment, want := exampleComment(t, b.key), b.min+" to "+b.max; !strings.Contains(comment, want) {
			t.Errorf("kioskd.toml: %s says %q; want the owner's bounds %q", b.key, comment, want)
		}
	}
}
