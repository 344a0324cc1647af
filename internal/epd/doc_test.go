package epd

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// The package documentation's table of panels names every model in
// Models, in order, and no other.
func TestDocListsModels(t *testing.T) {
	b, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), "// Panels:\n//\n")
	if !ok {
		t.Fatal("doc.go has no \"Panels:\" table")
	}
	var got []string
	for _, line := range strings.Split(table, "\n") {
		row, ok := strings.CutPrefix(line, "//\t")
		if !ok {
			break
		}
		if f := strings.Fields(row); len(f) > 0 && f[0] != "name" {
			got = append(got, f[0])
		}
	}
	if want := ModelNames(); !slices.Equal(got, want) {
		t.Errorf("doc.go's table of panels lists %q; Models has %q", got, want)
	}
}
