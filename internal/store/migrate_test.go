package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestSchemaVersionMatchesFiles(t *testing.T) {
	t.Parallel()
	if got, want := len(migrations), schemaVersion; got != want {
		t.Fatalf("migrations/ holds %d files; schemaVersion is %d", got, want)
	}
	for i, m := range migrations {
		if m.version != i+1 {
			t.Errorf("migration %d: got version %d", i, m.version)
		}
	}
}

func TestLoadMigrationsRejects(t *testing.T) {
	t.Parallel()
	sql := &fstest.MapFile{Data: []byte("CREATE TABLE a (x);")}
	for _, tc := range []struct {
		name string
		fs   fstest.MapFS
		want string
	}{
		{"none", fstest.MapFS{}, "no migrations"},
		{"gap", fstest.MapFS{"0001_a.sql": sql, "0003_c.sql": sql}, "want number 0002"},
		{"repeat", fstest.MapFS{"0001_a.sql": sql, "0001_b.sql": sql}, "want number 0002"},
		{"starts at 2", fstest.MapFS{"0002_a.sql": sql}, "want number 0001"},
		{"bad name", fstest.MapFS{"0001-a.sql": sql}, "NNNN_name.sql"},
		{"upper case", fstest.MapFS{"0001_A.sql": sql}, "NNNN_name.sql"},
		{"other file", fstest.MapFS{"0001_a.sql": sql, "README": sql}, "NNNN_name.sql"},
		{"empty", fstest.MapFS{"0001_a.sql": &fstest.MapFile{}}, "0 bytes"},
		{"too large", fstest.MapFS{"0001_a.sql": &fstest.MapFile{Data: make([]byte, maxMigrationSize+1)}}, "bytes; want 1 to"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadMigrations(tc.fs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	ms, err := loadMigrations(fstest.MapFS{"0001_a.sql": sql, "0002_b.sql": sql})
	if err != nil || len(ms) != 2 || ms[1].name != "0002_b.sql" {
		t.Errorf("two good files: got %v, %v", ms, err)
	}
}

// TestMigrations applies every migration N from an empty database and from
// a database at version N-1 holding data, and requires the same schema
// either way, the data kept, and a pre-vN copy of the old database.
func TestMigrations(t *testing.T) {
	t.Parallel()
	for n := 1; n <= len(migrations); n++ {
		t.Run(fmt.Sprintf("v%d", n), func(t *testing.T) {
			fresh := dbPath(t)
			s := openT(t, fresh, migrations[:n])
			if got := s.Status(); got.Version != n || got.MigratedFrom != 0 || got.Backup != "" {
				t.Errorf("from empty: got status %+v, want v%d from v0 without a copy", got, n)
			}
			s.Close()
			if exists(backupName(fresh, n)) {
				t.Errorf("from empty: a pre-migration copy was made of an empty database")
			}
			want := querySchema(t, fresh)

			old := dbPath(t)
			s = openT(t, old, migrations[:n-1+boolInt(n == 1)])
			if n > 1 {
				if err := s.SetSetting(context.Background(), "marker", "kept"); err != nil {
					t.Fatal(err)
				}
			} else {
				// v0 holding data: a foreign table SQLite has, user_version 0.
				s.Close()
				db := rawDB(t, old)
				if _, err := db.Exec("PRAGMA user_version = 0; DROP TABLE settings; DROP TABLE time_floor; DROP TABLE data_versions; DROP TABLE trust_keys; DROP TABLE revoked; CREATE TABLE marker (x)"); err != nil {
					t.Fatal(err)
				}
				db.Close()
			}
			s.Close()
			before := querySchema(t, old)

			s = openT(t, old, migrations[:n])
			st := s.Status()
			if st.Version != n || st.MigratedFrom != n-1 {
				t.Errorf("from v%d: got status %+v", n-1, st)
			}
			if got, want := st.Backup, backupName(old, n); got != want {
				t.Errorf("from v%d: backup got %q, want %q", n-1, got, want)
			}
			if n > 1 {
				v, ok, err := s.Setting(context.Background(), "marker")
				if err != nil || !ok || v != "kept" {
					t.Errorf("from v%d: setting got %q, %v, %v; want kept", n-1, v, ok, err)
				}
			}
			s.Close()
			got := querySchema(t, old)
			if n == 1 {
				got = slices.DeleteFunc(got, func(s string) bool { return strings.HasPrefix(s, "table marker") })
			}
			if !slices.Equal(got, want) {
				t.Errorf("schema from v%d differs from a fresh v%d:\n got %q\nwant %q", n-1, n, got, want)
			}
			// The copy is the old database, readable on its own.
			if got := querySchema(t, backupName(old, n)); !slices.Equal(got, before) {
				t.Errorf("pre-v%d copy schema:\n got %q\nwant %q", n, got, before)
			}
			h, err := readHeader(backupName(old, n))
			if err != nil || !h.valid || h.wal || h.userVersion != n-1 {
				t.Errorf("pre-v%d copy header: got %+v, %v; want valid, not WAL, v%d", n, h, err, n-1)
			}
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestMigrationFailureChangesNothing: a failing migration rolls back the
// whole upgrade; the database stays at its version with its data.
func TestMigrationFailureChangesNothing(t *testing.T) {
	t.Parallel()
	p := dbPath(t)
	s := openT(t, p, migrations[:1])
	if err := s.SetSetting(context.Background(), "marker", "kept"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	before := querySchema(t, p)
	bad := append(slices.Clone(migrations), migration{version: len(migrations) + 1, name: "bad.sql", sql: "CREATE TABLE x (y); SELECT * FROM no_such_table;"})
	_, err := open(context.Background(), p, testOpts(nil), bad)
	if err == nil || !strings.Contains(err.Error(), "bad.sql") {
		t.Fatalf("open with a failing migration: got %v, want an error naming bad.sql", err)
	}
	if got := querySchema(t, p); !slices.Equal(got, before) {
		t.Errorf("schema after a failed migration:\n got %q\nwant %q", got, before)
	}
	s = openT(t, p, migrations[:1])
	if v, ok, _ := s.Setting(context.Background(), "marker"); !ok || v != "kept" {
		t.Errorf("data after a failed migration: got %q, %v", v, ok)
	}
	if got := s.Status().Version; got != 1 {
		t.Errorf("version after a failed migration: got %d, want 1", got)
	}
	if !exists(backupName(p, len(bad))) {
		t.Errorf("no pre-v%d copy was made before the failed migration", len(bad))
	}
}

// TestBackupFailureStopsMigration: when the copy cannot be made, nothing
// is migrated.
func TestBackupFailureStopsMigration(t *testing.T) {
	t.Parallel()
	p := dbPath(t)
	openT(t, p, migrations[:1]).Close()
	// A directory where the copy's temporary file would go.
	if err := os.Mkdir(backupName(p, schemaVersion)+".tmp", 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(backupName(p, schemaVersion)+".tmp/x", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), p, testOpts(nil))
	if err == nil || !strings.Contains(err.Error(), "nothing was migrated") {
		t.Fatalf("Open: got %v, want a failed copy", err)
	}
	h, _ := readHeader(p)
	if h.userVersion != 1 {
		t.Errorf("version after a failed copy: got %d, want 1", h.userVersion)
	}
	db, _ := sql.Open("sqlite3", "file:"+p+"?mode=ro")
	defer db.Close()
	var v int
	db.QueryRow("PRAGMA user_version").Scan(&v)
	if v != 1 {
		t.Errorf("user_version after a failed copy: got %d, want 1", v)
	}
}
