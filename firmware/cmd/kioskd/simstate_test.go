package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The simulator's sample issuers are kept in its state directory: a
// payload saved from one run is judged the same in the next, instead of
// going red unknown_key.
func TestSimKeysKeptAcrossRestarts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs kioskd")
	}
	dir := t.TempDir()
	k := startKiosk(t, dir)
	// One green pass of each format (its prefix).
	saved := map[string]sample{}
	for _, s := range k.samples(t) { // passes only
		prefix, _, _ := strings.Cut(s.Payload, ":")
		prefix, _, _ = strings.Cut(prefix, "|")
		if _, ok := saved[prefix]; !ok && s.Expect == "green" {
			saved[prefix] = s
		}
	}
	if len(saved) != 3 {
		t.Fatalf("green samples of %d formats, want 3", len(saved))
	}
	if err := k.stop(); err != nil {
		t.Fatal(err)
	}
	k = startKiosk(t, dir)
	seq := k.lastSeq(t)
	for _, s := range saved {
		var got string
		got, seq = k.scanSerial(t, s.Payload, seq)
		if got != "green" {
			t.Errorf("%s, saved from the first run: %s in the second, want green", s.Name, got)
		}
	}
}

// snapshot hashes every file under dir and reads every link: what a
// second simulator must leave alone.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			m[rel] = "-> " + target
			return err
		case d.IsDir() || strings.HasPrefix(d.Name(), "kiosk.db"):
			return nil // the running kiosk's own store changes as it runs
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		m[rel] = hex.EncodeToString(h[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A second simulated kiosk on the same state directory refuses before it
// touches anything: no new publication of the sample repository, no new
// keys, the scanner's links still the first kiosk's.
func TestSecondSimRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs kioskd")
	}
	dir := t.TempDir()
	k := startKiosk(t, dir)
	before := snapshot(t, dir)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, kioskdBinary(t), "-simulate", "-state-dir", dir, "-listen", "127.0.0.1:0")
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	err := cmd.Run()
	if err == nil || ctx.Err() != nil {
		t.Fatalf("a second simulated kiosk on %s: %v (want a refusal)\n%s", dir, err, errOut.String())
	}
	if !strings.Contains(errOut.String(), "in use by another simulated kiosk") {
		t.Errorf("the refusal does not say why:\n%s", errOut.String())
	}
	after := snapshot(t, dir)
	for name, h := range before {
		if after[name] != h {
			t.Errorf("%s changed (%s → %s)", name, h, after[name])
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s appeared", name)
		}
	}
	// The first kiosk still reads its scanner.
	s := k.samples(t)[0]
	if got, _ := k.scanSerial(t, s.Payload, k.lastSeq(t)); got != s.Expect {
		t.Errorf("the first kiosk after the refusal: %s, want %s", got, s.Expect)
	}
}
