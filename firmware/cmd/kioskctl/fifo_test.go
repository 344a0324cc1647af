package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/internal/command"
	"github.com/venuekiosk/venuekiosk/sync/publish"
)

// TestSyncFromStickWithFIFO: a stick (an ext4 one can carry anything)
// whose timestamp.json, a data file, or a provisioning or floor-reset
// file, or a key file is a FIFO: kioskctl says so at once instead of
// waiting for a writer that never comes.
func TestSyncFromStickWithFIFO(t *testing.T) {
	cfgFile, _, repoDir, pub := syncKiosk(t)
	if _, err := pub.Publish(publish.Inputs{Policy: policy.DefaultJSON()}); err != nil {
		t.Fatal(err)
	}
	stick := filepath.Join(t.TempDir(), "stick")
	copyTree(t, repoDir, stick)
	ts := filepath.Join(stick, "timestamp.json")
	os.Remove(ts)
	if err := syscall.Mkfifo(ts, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	fifo := filepath.Join(t.TempDir(), "file.fifo")
	syscall.Mkfifo(fifo, 0o644)
	for _, args := range [][]string{
		{"sync", "--config", cfgFile, "--from", stick},
		{"sync", "--config", cfgFile, "--from", stick, "--check"},
		{"provision", "--config", cfgFile, "--from", fifo, "--operator-pub", fifo},
		{"clock", "reset", "--config", cfgFile, "--signed", fifo},
		{"provision", "sign", "--key", fifo, "--in", fifo},
		{"venueqr", "verify", "--pub", fifo, "VK1:X"},
		{"venueqr", "make", "--key", fifo, "--venue", "CM-01"},
	} {
		var name []string
		for _, a := range args {
			name = append(name, filepath.Base(a)) // the files, not their temporary directories
		}
		t.Run(strings.Join(name, " "), func(t *testing.T) {
			done := make(chan struct{})
			var code int
			var errOut string
			go func() {
				code, _, errOut = kioskctl(t, "", args...)
				close(done)
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				// Unblock the reader so that the test ends.
				for _, p := range []string{ts, fifo} {
					if f, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
						f.Close()
					}
				}
				<-done
				t.Fatalf("kioskctl %s blocked on a FIFO", strings.Join(args, " "))
			}
			if code == command.ExitOK || !strings.Contains(errOut, "not a regular file") {
				t.Errorf("kioskctl %s: exit %d, %q; want a refusal naming the FIFO", strings.Join(args, " "), code, errOut)
			}
		})
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if fi.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
