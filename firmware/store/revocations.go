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

// Revoked implements verify.Revocations, bounded by Opts.Timeout.
func (s *Store) Revoked(id pass.ID) (bool, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	return s.RevokedContext(ctx, id)
}

// RevokedContext reports whether id is on the revocation list.
func (s *Store) RevokedContext(ctx context.Context, id pass.ID) (bool, error) {
	if err := s.check(); err != nil {
		return false, err
	}
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
// yields aborts the call (and Apply rolls back).
func (tx *Tx) ReplaceRevocations(ids iter.Seq2[pass.ID, error]) (int64, error) {
	if err := tx.begin(); err != nil {
		return 0, err
	}
	if _, err := tx.exec("DELETE FROM revoked"); err != nil {
		return 0, fmt.Errorf("store: clearing revocations: %w", err)
	}
	return tx.writeIDs(ids, "INSERT OR IGNORE INTO revoked(id) VALUES ", "(?)", "")
}

// AddRevocations adds ids to the revocation list and returns how many
// were new.
func (tx *Tx) AddRevocations(ids iter.Seq2[pass.ID, error]) (int64, error) {
	if err := tx.begin(); err != nil {
		return 0, err
	}
	return tx.writeIDs(ids, "INSERT OR IGNORE INTO revoked(id) VALUES ", "(?)", "")
}

// RemoveRevocations takes ids off the revocation list and returns how
// many were on it.
func (tx *Tx) RemoveRevocations(ids iter.Seq2[pass.ID, error]) (int64, error) {
	if err := tx.begin(); err != nil {
		return 0, err
	}
	return tx.writeIDs(ids, "DELETE FROM revoked WHERE id IN (", "?", ")")
}

func (tx *Tx) writeIDs(ids iter.Seq2[pass.ID, error], head, row, tail string) (int64, error) {
	b := newBatcher(tx, head, row, tail, 1)
	defer b.close()
	var buf [batchRows]pass.ID
	for id, err := range ids {
		if err != nil {
			return 0, fmt.Errorf("store: revocation %d: %w", b.seen, err)
		}
		if id.IsZero() {
			return 0, invalid(fmt.Sprintf("revocation %d", b.seen), "the zero pass ID")
		}
		if b.seen >= MaxRevocations {
			return 0, invalid("revocations", "more than %d IDs", MaxRevocations)
		}
		if err := tx.poll(b.seen); err != nil {
			return 0, err
		}
		buf[b.rows] = id
		if err := b.add(buf[b.rows][:]); err != nil {
			return 0, tx.fail("writing revocations", err)
		}
	}
	if err := b.flush(); err != nil {
		return 0, tx.fail("writing revocations", err)
	}
	return b.affected, nil
}
