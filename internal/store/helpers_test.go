package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// logBuf is a concurrency-safe log sink for tests.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func testOpts(log *logBuf) *Opts {
	o := &Opts{Now: func() time.Time { return t0 }}
	if log != nil {
		o.Logger = slog.New(slog.NewTextHandler(log, nil))
	} else {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

func dbPath(t testing.TB) string { return filepath.Join(t.TempDir(), "kiosk.db") }

// openT opens path with migrations ms (nil: all) and closes it at cleanup.
func openT(t testing.TB, path string, ms []migration) *Store {
	t.Helper()
	if ms == nil {
		ms = migrations
	}
	s, err := open(context.Background(), path, testOpts(nil), ms)
	if err != nil {
		t.Fatalf("open(%s, v%d): %v", path, len(ms), err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newStore(t testing.TB) *Store { return openT(t, dbPath(t), nil) }

// id returns a distinct pass ID for (batch, n).
func id(batch, n int) pass.ID {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(batch))
	binary.BigEndian.PutUint64(b[8:], uint64(n))
	return pass.ID(sha256.Sum256(b[:]))
}

func ids(batch, count int) []pass.ID {
	out := make([]pass.ID, count)
	for i := range out {
		out[i] = id(batch, i)
	}
	return out
}

func apply(t testing.TB, s *Store, fn func(tx *Tx) error) {
	t.Helper()
	if err := s.Apply(context.Background(), fn); err != nil {
		t.Fatalf("Apply: %v", err)
	}
}

func fileHash(t testing.TB, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// rawDB opens path with plain go-sqlite3 (no store logic), for building
// odd databases.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func querySchema(t testing.TB, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema ORDER BY type, name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func revocationCount(t testing.TB, s *Store) int64 {
	t.Helper()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Revocations
}
