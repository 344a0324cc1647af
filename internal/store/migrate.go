package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
)

// schemaVersion is the newest schema this firmware understands: the number
// of the last file in migrations/. A test keeps the two in step.
const schemaVersion = 7

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one numbered schema step.
type migration struct {
	version int
	name    string // file name, for messages
	sql     string
}

var migrationName = regexp.MustCompile(`^([0-9]{4})_[a-z0-9_]+\.sql$`)

// maxMigrationSize bounds one migration file.
const maxMigrationSize = 256 << 10

// loadMigrations reads NNNN_name.sql files from fsys and requires them to
// be numbered 1, 2, 3… without gaps or repeats.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries { // ReadDir sorts by name
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() {
			return nil, fmt.Errorf("store: migration %q: want a file named NNNN_name.sql", e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		if v != len(ms)+1 {
			return nil, fmt.Errorf("store: migration %q: want number %04d next", e.Name(), len(ms)+1)
		}
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		if len(b) == 0 || len(b) > maxMigrationSize {
			return nil, fmt.Errorf("store: migration %q: %d bytes; want 1 to %d", e.Name(), len(b), maxMigrationSize)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("store: no migrations")
	}
	return ms, nil
}

// migrations is the firmware's schema history.
var migrations = func() []migration {
	sub, err := fs.Sub(migrationFiles, path.Clean("migrations"))
	if err != nil {
		panic(err)
	}
	ms, err := loadMigrations(sub)
	if err != nil {
		panic(err)
	}
	return ms
}()

// userVersion reads PRAGMA user_version.
func userVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// migrate brings the database from version cur to len(ms) in one
// transaction: after a crash it is at the old version or the new one,
// never between. Migrations must not need PRAGMA foreign_keys changes
// (those are no-ops inside a transaction).
func migrate(ctx context.Context, db *sql.DB, ms []migration, cur int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Re-read inside the write transaction: the version cannot change now.
	v, err := userVersion(ctx, tx)
	if err != nil {
		return err
	}
	if v != cur {
		return fmt.Errorf("store: schema version changed from v%d to v%d while migrating", cur, v)
	}
	for _, m := range ms[cur:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("store: migration %s: %w", m.name, err)
		}
	}
	// PRAGMA takes no parameters; the value is an int we formatted.
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(len(ms))); err != nil {
		return err
	}
	return tx.Commit()
}
