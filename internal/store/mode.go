package store

import (
	"errors"
	"io/fs"
	"os"
)

// FileMode is the mode of every file the store writes: the database, its
// WAL and shared memory, its lock, backups and copies. It does not depend
// on the process's umask (0644 in the simulator): the visit log and the
// counts are the kiosk's alone.
const FileMode = 0o600

// createPrivate makes an empty database file with FileMode when there is
// none, so that SQLite, which gives the WAL and shared-memory files the
// database's mode, makes them private too; and sets FileMode on the files
// an older firmware left readable.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, FileMode)
	switch {
	case err == nil:
		if err := f.Close(); err != nil {
			return err
		}
	case !errors.Is(err, fs.ErrExist):
		return err
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal", lockPath(path)} {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm() == FileMode {
			continue
		}
		// Another user's file (a technician's kioskctl opening kioskd's
		// store) is left as it is: its owner sets it right.
		if err := os.Chmod(p, FileMode); err != nil && !errors.Is(err, fs.ErrPermission) {
			return err
		}
	}
	return nil
}
