package bounded

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		path string
		max  int64
		want string // the content, or the error
	}{
		{"under the limit", write("a", "abc"), 4, "abc"},
		{"at the limit", write("b", "abcd"), 4, "abcd"},
		{"empty", write("c", ""), 4, ""},
		{"over the limit", write("d", "abcde"), 4, filepath.Join(dir, "d") + ": larger than 4 bytes"},
		{"missing", filepath.Join(dir, "none"), 4, "no such file"},
		{"a FIFO", fifo, 4, fifo + ": not a regular file"},
		{"a directory", dir, 4, dir + ": not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := ReadFile(tc.path, tc.max)
			got := string(b)
			if err != nil {
				got = err.Error()
			}
			if !strings.Contains(got, tc.want) || tc.want == "" && got != "" {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReadAllTooLarge(t *testing.T) {
	r := strings.NewReader(strings.Repeat("x", 100))
	_, err := ReadAll(r, 10, "policy")
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Max != 10 || err.Error() != "policy: larger than 10 bytes" {
		t.Fatalf("got %v, want a *TooLargeError: policy: larger than 10 bytes", err)
	}
	// It stops reading after max+1 bytes.
	if got, want := r.Len(), 100-11; got != want {
		t.Errorf("left unread: got %d, want %d", got, want)
	}
}
