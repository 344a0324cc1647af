package publish

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInputsRefuseFIFO: an operator's input named like a file but a FIFO
// (a mistyped process substitution, a stick's trap) is refused at once
// rather than waiting for a writer for ever.
func TestInputsRefuseFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "input")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		read func(string) error
	}{
		{"revocations", func(p string) error { _, err := ReadRevocations(p); return err }},
		{"codes", func(p string) error { _, err := ReadCodes(p); return err }},
		{"exposures", func(p string) error { _, err := ReadExposures(p); return err }},
		{"policy", func(p string) error { _, err := ReadPolicy(p); return err }},
		{"staff revocations", func(p string) error { _, err := ReadStaffRevocations(p); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { done <- tc.read(fifo) }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), "not a regular file") {
					t.Errorf("got %v, want %q", err, "not a regular file")
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("still reading the FIFO after 10 s")
			}
		})
	}
}
