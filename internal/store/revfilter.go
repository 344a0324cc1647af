package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"sync/atomic"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// The revocation filter: a Bloom filter
// (https://en.wikipedia.org/wiki/Bloom_filter) of every revoked pass ID,
// held in memory beside SQLite so that the common lookup — a pass that is
// not revoked — is answered without a query. It never answers "revoked":
// a "no" from it means the ID is not in the table; a "maybe" asks SQLite,
// which stays the source of truth.
//
// It can therefore never hide a revocation as long as every ID in the
// table is in the filter whenever a reader may see the table:
//
//   - Open builds it from the table before it returns the Store;
//   - AddRevocations and ReplaceRevocations add each ID while they write
//     it, inside the transaction, so before the commit makes it visible
//     (a concurrent lookup at worst asks SQLite and finds the old answer;
//     bits left behind by a rollback only cost that query);
//   - ReplaceRevocations fills a new filter sized for the new list, which
//     lookups consult beside the old one from just before the commit, and
//     alone after it (the old one alone again if the commit fails);
//   - RemoveRevocations leaves the bits: the stale "maybe" asks SQLite.
//
// Memory: 12.8 bits an entry (filterBitsPerEntry), 16,000,000 bytes at
// 10,000,000 entries, and as much again for the new list while a replace
// runs. With filterK hash functions about 0.2% of the IDs not on the list
// still reach SQLite. As deltas add entries the filter fills; past
// 5/4 of what it was sized for the writer rebuilds it from the table after
// the commit (the old one, still complete, serves until then). A store
// opened read-only has no filter: another process writes its table.

const (
	// filterBitsPerEntry is the filter's size, in tenths of a bit per
	// entry: 12.8 bits, 16 MB at ten million entries.
	filterBitsPerEntry = 128
	// filterK is the number of hash functions, about ln 2 · 12.8.
	filterK = 9
	// filterMinEntries is the least a filter is sized for (26 KB).
	filterMinEntries = 1 << 14
)

// revFilter is a Bloom filter of pass IDs. add and mayContain are safe
// for concurrent use: bits are set and read atomically. Words are 32 bits
// wide, native to the kiosk's 32-bit ARM as to arm64 and amd64.
type revFilter struct {
	words []uint32 // read and written with sync/atomic once published
	m     uint64   // bits
	size  int64    // entries it was sized for
	added atomic.Int64
}

func newRevFilter(entries int64) *revFilter {
	entries = max(entries, filterMinEntries)
	m := uint64(entries) * filterBitsPerEntry / 10
	m = (m + 31) &^ 31
	return &revFilter{words: make([]uint32, m/32), m: m, size: entries}
}

// hashes derives the filter's bit positions for id: a pass ID is a
// SHA-256 hash, so its bytes are uniform, and two 64-bit words of it drive
// double hashing (Kirsch and Mitzenmacher, "Less hashing, same
// performance", 2006): probe i is h1 + i·h2, mapped onto [0, m) by a
// multiply-shift.
func hashes(id *pass.ID) (h1, h2 uint64) {
	return binary.LittleEndian.Uint64(id[0:8]), binary.LittleEndian.Uint64(id[8:16]) | 1
}

func (f *revFilter) bit(h1, h2, i uint64) (*uint32, uint32) {
	b, _ := bits.Mul64(h1+i*h2, f.m)
	return &f.words[b/32], 1 << (b % 32)
}

// add sets id's bits.
func (f *revFilter) add(id *pass.ID) {
	h1, h2 := hashes(id)
	for i := range uint64(filterK) {
		if w, mask := f.bit(h1, h2, i); atomic.LoadUint32(w)&mask == 0 {
			atomic.OrUint32(w, mask)
		}
	}
}

// addUnpublished is add for a filter no other goroutine can see yet:
// without atomic instructions, which would stall on every bit.
func (f *revFilter) addUnpublished(id []byte) {
	h1, h2 := hashes((*pass.ID)(id))
	for i := range uint64(filterK) {
		w, mask := f.bit(h1, h2, i)
		*w |= mask
	}
}

// mayContain reports whether id may have been added; false is certain.
func (f *revFilter) mayContain(id *pass.ID) bool {
	h1, h2 := hashes(id)
	for i := range uint64(filterK) {
		if w, mask := f.bit(h1, h2, i); atomic.LoadUint32(w)&mask == 0 {
			return false
		}
	}
	return true
}

// full reports whether deltas have filled the filter past 5/4 of its size.
func (f *revFilter) full() bool { return f.added.Load() > f.size+f.size/4 }

// bytes is the filter's memory.
func (f *revFilter) bytes() int64 { return int64(len(f.words)) * 4 }

// revFilters is what lookups consult: an ID may be revoked when any of
// them may contain it. Usually one; two while a replace is committing.
// Only the writer (holding Store.writing) or Open changes it, by swapping
// the Store's pointer.
type revFilters []*revFilter

func (fs revFilters) mayContain(id *pass.ID) bool {
	for _, f := range fs {
		if f.mayContain(id) {
			return true
		}
	}
	return false
}

// newest is the filter that stays after the running transaction commits.
func (fs revFilters) newest() *revFilter { return fs[len(fs)-1] }

// buildRevFilter reads the whole table through db into a new filter. The
// caller makes sure no write commits meanwhile (Open, or the writer). It
// reads through go-sqlite3's connection directly: database/sql would
// double the cost of each of ten million rows.
func buildRevFilter(ctx context.Context, db *sql.DB) (*revFilter, error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: building the revocation filter: %w", err)
	}
	defer c.Close()
	var f *revFilter
	err = c.Raw(func(dc any) error {
		sc, ok := dc.(*sqlite3.SQLiteConn)
		if !ok {
			return fmt.Errorf("connection is a %T", dc)
		}
		dest := make([]driver.Value, 1)
		rows, err := sc.Query("SELECT count(*) FROM revoked", nil)
		if err != nil {
			return err
		}
		err = rows.Next(dest)
		rows.Close()
		n, ok := dest[0].(int64)
		if err != nil || !ok {
			return fmt.Errorf("counting: %v, %T", err, dest[0])
		}
		f = newRevFilter(n)
		if rows, err = sc.Query("SELECT id FROM revoked", nil); err != nil {
			return err
		}
		defer rows.Close()
		var read int64
		for ; ; read++ {
			if err := rows.Next(dest); err == io.EOF {
				break
			} else if err != nil {
				return err
			}
			id, ok := dest[0].([]byte)
			if !ok || len(id) != len(pass.ID{}) {
				return fmt.Errorf("row %d is not a pass ID", read)
			}
			f.addUnpublished(id)
			if read%pollEvery == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
		}
		f.added.Store(read)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: building the revocation filter: %w", err)
	}
	return f, nil
}

// loadRevFilter builds the filter at Open.
func (s *Store) loadRevFilter(ctx context.Context) error {
	start := time.Now()
	f, err := buildRevFilter(ctx, s.w)
	if err != nil {
		return err
	}
	s.revf.Store(&revFilters{f})
	s.status.FilterBuilt = time.Since(start)
	return nil
}

// filter is the filter the transaction's new revocations go into: the
// one lookups will consult after the commit. nil when the store has none.
func (tx *Tx) filter() *revFilter {
	if tx.revNext != nil {
		return tx.revNext
	}
	fs := tx.s.revf.Load()
	if fs == nil {
		return nil
	}
	return fs.newest()
}

// replaceFilter starts a new filter for a list of n IDs that is to
// replace the table. Only this transaction sees it until
// committingRevocations. nil when the store has none.
func (tx *Tx) replaceFilter(n int64) *revFilter {
	if tx.s.revf.Load() == nil {
		return nil
	}
	tx.revNext = newRevFilter(n)
	return tx.revNext
}

// committingRevocations runs just before the commit: a replace's new
// filter joins the current ones, so that lookups consult both while the
// commit makes the new list visible.
func (s *Store) committingRevocations(tx *Tx) {
	if tx.revNext == nil {
		return
	}
	tx.revPrev = s.revf.Load()
	next := append(revFilters{}, (*tx.revPrev)...)
	next = append(next, tx.revNext)
	s.revf.Store(&next)
}

// committedRevocations runs after a commit, holding the writer: a
// replaced filter is dropped, and one that deltas filled is rebuilt.
func (s *Store) committedRevocations(ctx context.Context, tx *Tx) {
	fs := s.revf.Load()
	if fs == nil {
		return
	}
	f := fs.newest()
	if tx.revNext != nil {
		s.revf.Store(&revFilters{f})
	}
	if !f.full() {
		return
	}
	start := time.Now()
	nf, err := buildRevFilter(ctx, s.w)
	if err != nil {
		// The full filter still holds every ID: only slower.
		s.log.Warn("store: rebuilding the revocation filter", "err", err)
		return
	}
	s.revf.Store(&revFilters{nf})
	s.log.Info("store: revocation filter rebuilt", "entries", nf.added.Load(), "bytes", nf.bytes(), "took", time.Since(start))
}
