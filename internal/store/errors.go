package store

import (
	"errors"
	"fmt"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// Errors callers branch on.
var (
	// ErrClosed is returned by every method of a closed Store.
	ErrClosed = errors.New("store: closed")
	// ErrInUse says another process (or Store) holds the database.
	ErrInUse = errors.New("store: database is in use by another process (is kioskd running?)")
	// ErrNoBackup says Restore found no pre-migration copy.
	ErrNoBackup = errors.New("store: no pre-migration copy to restore")
	// ErrBusy says RaiseTimeFloor did not wait for a running write
	// transaction; nothing was written.
	ErrBusy = errors.New("store: a write transaction is running; not waiting for it")
	// ErrTxDone is returned by Tx methods called after Apply returned.
	ErrTxDone = errors.New("store: transaction already finished")
)

// NewerSchemaError says the database was written by newer firmware. Open
// leaves such a database exactly as it found it.
type NewerSchemaError struct {
	Path  string
	Found int // the database's schema version
	Known int // the newest version this firmware understands
}

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("%s: database schema v%d is newer than this firmware understands (v%d); refusing to touch it",
		e.Path, e.Found, e.Known)
}

// InvalidError says a value given to the store is out of range or
// malformed. Nothing was written.
type InvalidError struct {
	What   string // e.g. "trust key 3", "setting key"
	Reason string
}

func (e *InvalidError) Error() string { return "store: " + e.What + ": " + e.Reason }

func invalid(what, format string, args ...any) error {
	return &InvalidError{What: what, Reason: fmt.Sprintf(format, args...)}
}

// RollbackError says a data set version would move backwards.
type RollbackError struct {
	Name          string
	Current, Next int64
}

func (e *RollbackError) Error() string {
	return fmt.Sprintf("store: data set %q: version %d is older than the applied version %d", e.Name, e.Next, e.Current)
}

// isCorrupt reports whether err is SQLite saying the file is damaged or
// not a database at all (as opposed to busy, full or unreadable).
func isCorrupt(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB
	}
	return false
}
