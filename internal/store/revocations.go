package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// MaxRevocations bounds the IDs one call of ReplaceRevocations,
// AddRevocations or RemoveRevocations accepts. The store is designed for
// 10,000,000 revoked passes.
const MaxRevocations = 1 << 25

const qRevoked = "SELECT 1 FROM revoked WHERE id = ?"

// Revoked implements verify.Revocations. It takes no context; see
// the package documentation on contexts.
func (s *Store) Revoked(id pass.ID) (bool, error) {
	return s.revokedContext(context.Background(), id)
}

// revokedContext reports whether id is on the revocation list.
func (s *Store) revokedContext(ctx context.Context, id pass.ID) (bool, error) {
	if err := s.check(); err != nil {
		return false, err
	}
	if fs := s.revf.Load(); fs != nil && !fs.mayContain(&id) {
		return false, nil // certain: see revfilter.go
	}
	return s.revokedSQL(ctx, id)
}

// revokedSQL looks id up in the table.
func (s *Store) revokedSQL(ctx context.Context, id pass.ID) (bool, error) {
	s.revQueries.Add(1)
	st, err := s.stmtRevoked.get(s.r)
	if err != nil {
		return false, err
	}
	var one int
	err = st.QueryRowContext(ctx, id[:]).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: revocation lookup: %w", err)
	}
	return true, nil
}

// ReplaceRevocations makes ids the whole revocation list and returns how
// many distinct IDs it now holds. ids is read once, streaming; an error it
// yields aborts the call (and Apply rolls back). The IDs are sorted on the
// way in (see runIDs), with memory bounded whatever the list's size.
//
// Disk: until the commit's checkpoint the WAL holds every new page (about
// 42 bytes an entry) and the spill files 32 bytes an ID, so replacing ten
// million entries needs about 750 MB free beside the database.
func (tx *Tx) ReplaceRevocations(ids iter.Seq2[pass.ID, error]) (int64, error) {
	if err := tx.begin(); err != nil {
		return 0, err
	}
	if _, err := tx.exec("DELETE FROM revoked"); err != nil {
		return 0, tx.fail("clearing revocations", err)
	}
	b := newBatcher(tx, "INSERT OR IGNORE INTO revoked(id) VALUES ", "(?)", "", 1)
	defer b.close()
	var buf [batchRows]pass.ID
	var f *revFilter
	sized := func(n int64) { f = tx.replaceFilter(n) }
	err := tx.sortIDs(ids, tx.s.spillDir(), sized, func(id pass.ID) error {
		buf[b.rows] = id
		if f != nil {
			f.addUnpublished(buf[b.rows][:]) // see committingRevocations
		}
		if err := b.add(buf[b.rows][:]); err != nil {
			return tx.fail("writing revocations", err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if err := b.flush(); err != nil {
		return 0, tx.fail("writing revocations", err)
	}
	if f != nil {
		f.added.Store(b.affected)
	}
	return b.affected, nil
}

// AddRevocations adds ids to the revocation list and returns how many
// were new.
func (tx *Tx) AddRevocations(ids iter.Seq2[pass.ID, error]) (int64, error) {
	if err := tx.begin(); err != nil {
		return 0, err
	}
	f := tx.filter()
	n, err := tx.writeIDs(ids, f, "INSERT OR IGNORE INTO revoked(id) VALUES ", "(?)", "")
	if f != nil {
		f.added.Add(n)
	}
	return n, err
}

// RemoveRevocations takes ids off the revocation list and returns how
// many were on it.
func (tx *Tx) RemoveRevocations(ids iter.Seq2[pass.ID, error]) (int64, error) {
	if err := tx.begin(); err != nil {
		return 0, err
	}
	// The filter keeps the removed IDs' bits: a stale "maybe" asks SQLite.
	return tx.writeIDs(ids, nil, "DELETE FROM revoked WHERE id IN (", "?", ")")
}

// writeIDs applies a delta in chunks of runIDs, each sorted in memory so
// its writes walk the tree in order. Each ID goes into f, when not nil,
// before its write.
func (tx *Tx) writeIDs(ids iter.Seq2[pass.ID, error], f *revFilter, head, row, tail string) (int64, error) {
	b := newBatcher(tx, head, row, tail, 1)
	defer b.close()
	chunk := make([]pass.ID, 0, min(runIDs, 1024))
	var batch [batchRows]pass.ID
	write := func() error {
		sortIDs(&chunk)
		for _, id := range chunk {
			batch[b.rows] = id
			if f != nil {
				f.add(&batch[b.rows])
			}
			if err := b.add(batch[b.rows][:]); err != nil {
				return tx.fail("writing revocations", err)
			}
		}
		chunk = chunk[:0]
		return nil
	}
	var seen int64
	for id, err := range ids {
		if err := tx.checkID(seen, id, err); err != nil {
			return 0, err
		}
		seen++
		chunk = append(chunk, id)
		if len(chunk) == runIDs {
			if err := write(); err != nil {
				return 0, err
			}
		}
	}
	if err := write(); err != nil {
		return 0, err
	}
	if err := b.flush(); err != nil {
		return 0, tx.fail("writing revocations", err)
	}
	return b.affected, nil
}
