package sim

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/internal/syncbuf"
)

// TestInputPassesBytesUntouched: what is written into scanner-input
// reaches the simulated scanner byte for byte — CRLF, LF, LF-CR, Tab, no
// suffix, GB18030 — so `make run` shows what real scanners' bytes do.
// (It used to turn CRLF and LF into CR, which hid a CRLF scanner's LF
// being left at the start of the next scan.)
func TestInputPassesBytesUntouched(t *testing.T) {
	var got syncbuf.Buffer
	link := filepath.Join(t.TempDir(), InputLink)
	in, err := newInput(link, &got)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	f, err := os.OpenFile(link, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := "]Q1HC1:A\r\nHKSARG|B\nshc:/1\n\rC\tD\xb8\xb4\xb1\xd8\xcc\xa9"
	if _, err := f.WriteString(want); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for got.String() != want && len(got.String()) < len(want) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got.String() != want {
		t.Errorf("forwarded %q, want %q", got.String(), want)
	}
}
