package store

import (
	"bytes"
	"context"
	"database/sql"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// damage writes a database with 20,000 revocations and returns its bytes.
func sound(t *testing.T) []byte {
	p := dbPath(t)
	s := openT(t, p, nil)
	apply(t, s, func(tx *Tx) error {
		_, err := tx.AddRevocations(SliceSeq(ids(1, 20000)))
		return err
	})
	s.Close()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRecoverDamaged(t *testing.T) {
	t.Parallel()
	good := sound(t)
	rng := rand.New(rand.NewPCG(1, 2))
	noise := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	const page = 4096
	for _, tc := range []struct {
		name string
		data func() []byte
		wal  []byte // a -wal file beside it, or nil
	}{
		{"pages in the middle overwritten", func() []byte {
			b := bytes.Clone(good)
			mid := len(b) / page / 2
			copy(b[mid*page:], noise(8*page))
			return b
		}, nil},
		{"pages overwritten, with a -wal", func() []byte {
			b := bytes.Clone(good)
			copy(b[3*page:], noise(4*page))
			return b
		}, []byte("stale log that is not a WAL")},
		{"header kept, page 1 garbage", func() []byte {
			b := bytes.Clone(good)
			copy(b[headerSize:], noise(page-headerSize))
			return b
		}, nil},
		{"text file", func() []byte { return []byte(strings.Repeat("this is not a database\n", 200)) }, nil},
		{"ten bytes", func() []byte { return []byte("0123456789") }, nil},
		{"truncated database", func() []byte { return bytes.Clone(good[:len(good)/3]) }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := dbPath(t)
			bad := tc.data()
			if err := os.WriteFile(p, bad, 0o600); err != nil {
				t.Fatal(err)
			}
			if tc.wal != nil {
				if err := os.WriteFile(p+"-wal", tc.wal, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var log logBuf
			s, err := open(context.Background(), p, testOpts(&log), migrations)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			rec := s.Status().Recovered
			if rec == nil {
				t.Fatalf("Status().Recovered is nil; want the damaged file moved aside")
			}
			if want := p + ".corrupt-20261123T090000Z"; rec.MovedTo != want {
				t.Errorf("moved to %q, want %q", rec.MovedTo, want)
			}
			if rec.Reason == "" || !rec.At.Equal(t0) {
				t.Errorf("recovery: %+v", rec)
			}
			got, err := os.ReadFile(rec.MovedTo)
			if err != nil || !bytes.Equal(got, bad) {
				t.Errorf("the moved file is not the damaged one byte for byte (err %v)", err)
			}
			if tc.wal != nil {
				if got, _ := os.ReadFile(rec.MovedTo + "-wal"); !bytes.Equal(got, tc.wal) {
					t.Errorf("the -wal did not move with the database: got %q", got)
				}
			}
			if l := log.String(); !strings.Contains(l, "moved aside") || !strings.Contains(l, rec.MovedTo) {
				t.Errorf("log: %q; want the move logged", l)
			}
			// The fresh database works.
			if n := revocationCount(t, s); n != 0 {
				t.Errorf("fresh database holds %d revocations", n)
			}
			apply(t, s, func(tx *Tx) error {
				_, err := tx.AddRevocations(SliceSeq(ids(2, 3)))
				return err
			})
			if ok, err := s.Revoked(id(2, 1)); !ok || err != nil {
				t.Errorf("Revoked on the fresh database: %v, %v", ok, err)
			}
			if msgs, err := s.IntegrityCheck(context.Background()); err != nil || len(msgs) > 0 {
				t.Errorf("integrity_check: %q, %v", msgs, err)
			}
		})
	}
}

func TestRecoverTwiceSameSecond(t *testing.T) {
	t.Parallel()
	p := dbPath(t)
	for i, want := range []string{p + ".corrupt-20261123T090000Z", p + ".corrupt-20261123T090000Z-2"} {
		if err := os.WriteFile(p, []byte(strings.Repeat("x", 500)), 0o600); err != nil {
			t.Fatal(err)
		}
		s := openT(t, p, nil)
		if got := s.Status().Recovered; got == nil || got.MovedTo != want {
			t.Errorf("recovery %d: got %+v, want moved to %q", i, got, want)
		}
		s.Close()
	}
}

func TestSoundDatabaseNotMoved(t *testing.T) {
	t.Parallel()
	p := dbPath(t)
	os.WriteFile(p, sound(t), 0o600)
	s := openT(t, p, nil)
	if s.Status().Recovered != nil {
		t.Errorf("a sound database was moved aside: %+v", s.Status().Recovered)
	}
	if got := revocationCount(t, s); got != 20000 {
		t.Errorf("revocations: got %d, want 20000", got)
	}
}

// TestHotJournalRolledBack: a database still in rollback-journal mode (as
// Restore leaves it) that crashed mid-transaction has a hot -journal; Open
// rolls it back instead of failing or moving it aside.
func TestHotJournalRolledBack(t *testing.T) {
	t.Parallel()
	src := dbPath(t)
	s := openT(t, src, nil)
	apply(t, s, func(tx *Tx) error { _, err := tx.AddRevocations(SliceSeq(ids(1, 100))); return err })
	s.Close()
	db, err := sql.Open("sqlite3", "file:"+src+"?_journal_mode=DELETE")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	// A tiny cache makes SQLite write changed pages to the file before
	// commit, with their originals in the journal.
	if _, err := db.Exec("PRAGMA cache_size = 10"); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3000 {
		b := id(2, i)
		if _, err := tx.Exec("INSERT INTO revoked(id) VALUES (?)", b[:]); err != nil {
			t.Fatal(err)
		}
	}
	p := dbPath(t)
	copyT(t, src, p)
	copyT(t, src+"-journal", p+"-journal")
	tx.Rollback()

	s = openT(t, p, nil)
	if r := s.Status().Recovered; r != nil {
		t.Fatalf("moved aside: %+v", r)
	}
	if got := revocationCount(t, s); got != 100 {
		t.Errorf("revocations after rolling back the journal: got %d, want 100", got)
	}
	if msgs, err := s.IntegrityCheck(context.Background()); err != nil || len(msgs) > 0 {
		t.Errorf("integrity_check: %q, %v", msgs, err)
	}
}
