package sim

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/venuekiosk/venuekiosk/firmware/daemon"
)

// LockFile is the name, in the state directory, of the file a simulated
// kiosk holds locked (flock) while it runs.
const LockFile = "sim.lock"

// lockDir takes the simulator's lock on dir and checks that no kioskd
// (or kioskctl) holds its store; it returns the function that releases
// the lock.
func lockDir(dir string) (unlock func() error, err error) {
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("simulator: %s is in use by another simulated kiosk (another `make run`?): "+
				"stop it, or give this one its own state directory (make run SIM_STATE=DIR); nothing was changed", dir)
		}
		return nil, fmt.Errorf("simulator: locking %s: %w", dir, err)
	}
	// The store's own lock (kiosk.db.lock, internal/store): a kioskd
	// that is not simulated, or kioskctl sync, has the store.
	if g, err := os.OpenFile(filepath.Join(dir, daemon.DBFile+".lock"), os.O_RDWR, 0); err == nil {
		err := syscall.Flock(int(g.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		g.Close() // releases it
		if errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("simulator: the store in %s is in use by another process (is kioskd running?); nothing was changed", dir)
		}
	}
	return f.Close, nil
}
