package store

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestFilesPrivate: whatever the umask (0022 in the simulator), the
// database, its WAL and shared memory, its lock and a pre-migration copy
// are 0600; an older database left 0644 is made 0600 at open.
func TestFilesPrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.db")
	s, err := Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting(context.Background(), "k", "v"); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		for _, f := range []string{"kiosk.db", "kiosk.db-wal", "kiosk.db-shm", "kiosk.db.lock"} {
			fi, err := os.Stat(filepath.Join(dir, f))
			if err != nil {
				t.Errorf("%s: %s: %v", when, f, err)
				continue
			}
			if fi.Mode().Perm() != FileMode {
				t.Errorf("%s: %s mode %v, want %v", when, f, fi.Mode().Perm(), os.FileMode(FileMode))
			}
		}
	}
	check("new store")
	if err := s.backupTo(context.Background(), path+".pre-v9"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path + ".pre-v9"); err != nil || fi.Mode().Perm() != FileMode {
		t.Errorf("backup: %v %v", fi.Mode(), err)
	}
	s.Close()
	for _, f := range []string{"kiosk.db", "kiosk.db-wal", "kiosk.db-shm"} {
		os.Chmod(filepath.Join(dir, f), 0o644) // as older firmware left them
	}
	s, err = Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check("reopened")
}
