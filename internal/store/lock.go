package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockPath is the advisory lock beside the database. kioskd holds it while
// the Store is open; Restore takes it so a running daemon's database is
// never swapped underneath it. It is separate from the database because
// SQLite's own POSIX locks are released when any descriptor of the
// database file is closed in the process.
func lockPath(db string) string { return db + ".lock" }

func lock(db string) (*os.File, error) {
	f, err := os.OpenFile(lockPath(db), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrInUse
		}
		return nil, fmt.Errorf("store: locking %s: %w", lockPath(db), err)
	}
	return f, nil
}

func unlock(f *os.File) error {
	if f == nil {
		return nil
	}
	return f.Close() // closing the descriptor releases the flock
}
