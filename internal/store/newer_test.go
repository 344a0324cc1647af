package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// newer is a schema version from newer firmware.
const newer = schemaVersion + 1

// newerDB builds a database at schema newer (as newer firmware would
// leave it), checkpointed, with nothing beside it.
func newerDB(t *testing.T) string {
	p := dbPath(t)
	openT(t, p, nil).Close()
	db := rawDB(t, p)
	if _, err := db.Exec("PRAGMA user_version = " + strconv.Itoa(newer)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	os.Remove(lockPath(p))
	return p
}

func TestNewerSchemaRefused(t *testing.T) {
	t.Parallel()
	p := newerDB(t)
	dir := filepath.Dir(p)
	if got, want := dirNames(t, dir), []string{"kiosk.db"}; !slices.Equal(got, want) {
		t.Fatalf("before: files %q, want %q", got, want)
	}
	h, _ := readHeader(p)
	if !h.wal || h.userVersion != newer {
		t.Fatalf("test database header: %+v; want WAL mode at v%d", h, newer)
	}
	before := fileHash(t, p)

	s, err := Open(context.Background(), p, testOpts(nil))
	if err == nil {
		s.Close()
		t.Fatalf("Open of a v%d database succeeded", newer)
	}
	var ne *NewerSchemaError
	if !errors.As(err, &ne) || ne.Found != newer || ne.Known != schemaVersion {
		t.Fatalf("got %v, want a NewerSchemaError v%d > v%d", err, newer, schemaVersion)
	}
	want := p + fmt.Sprintf(": database schema v%d is newer than this firmware understands (v%d); refusing to touch it", newer, schemaVersion)
	if err.Error() != want {
		t.Errorf("message:\n got %s\nwant %s", err, want)
	}
	if fileHash(t, p) != before {
		t.Errorf("the database's bytes changed")
	}
	if got, want := dirNames(t, dir), []string{"kiosk.db"}; !slices.Equal(got, want) {
		t.Errorf("after: files %q, want %q (no -wal, -shm or lock)", got, want)
	}
}

// TestNewerSchemaInWALRefused: the header still says v3 but the WAL holds
// the commit that made it newer.
func TestNewerSchemaInWALRefused(t *testing.T) {
	t.Parallel()
	src := dbPath(t)
	openT(t, src, nil).Close()
	db := rawDB(t, src)
	db.SetMaxOpenConns(1)
	defer db.Close()
	if _, err := db.Exec("PRAGMA wal_autocheckpoint = 0; PRAGMA user_version = " + strconv.Itoa(newer)); err != nil {
		t.Fatal(err)
	}
	// Copy the database and its WAL as a crash would leave them.
	p := dbPath(t)
	for _, suffix := range []string{"", "-wal"} {
		copyT(t, src+suffix, p+suffix)
	}
	if h, _ := readHeader(p); h.userVersion != schemaVersion {
		t.Fatalf("header of the copy: v%d, want v%d (the change only in the WAL)", h.userVersion, schemaVersion)
	}
	before, beforeWAL := fileHash(t, p), fileHash(t, p+"-wal")
	_, err := Open(context.Background(), p, testOpts(nil))
	var ne *NewerSchemaError
	if !errors.As(err, &ne) || ne.Found != newer {
		t.Fatalf("got %v, want a NewerSchemaError for v%d", err, newer)
	}
	if fileHash(t, p) != before || fileHash(t, p+"-wal") != beforeWAL {
		t.Errorf("the database or its WAL changed")
	}
}

func copyT(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
}
