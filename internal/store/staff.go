package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"regexp"
)

// DataStaffRevocations names the synced data set of revoked staff cards
// (firmware/staff): card ids, replaced whole by each version.
const DataStaffRevocations = "staff_revocations"

// MaxStaffRevocations bounds the card ids one ReplaceStaffRevocations
// call accepts.
const MaxStaffRevocations = 1 << 16

// staffCardID is firmware/staff's card id format (the schema checks it
// too).
var staffCardID = regexp.MustCompile(`^[A-Z0-9-]{1,24}$`)

// StaffRevoked reports whether the staff card id is revoked. *Store
// implements staff.Revocations with it.
func (s *Store) StaffRevoked(ctx context.Context, id string) (bool, error) {
	if err := s.check(); err != nil {
		return false, err
	}
	var one int
	err := s.r.QueryRowContext(ctx, "SELECT 1 FROM staff_revoked WHERE card_id = ?", id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: staff revocation lookup: %w", err)
	}
	return true, nil
}

// StaffRevocationCount returns how many staff cards are revoked.
func (s *Store) StaffRevocationCount(ctx context.Context) (int64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	var n int64
	err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM staff_revoked").Scan(&n)
	return n, err
}

// ReplaceStaffRevocations makes ids the whole list of revoked staff cards
// and returns how many distinct ids it now holds. A malformed id is an
// *InvalidError and, with Apply, rolls everything back.
func (tx *Tx) ReplaceStaffRevocations(ids iter.Seq2[string, error]) (int64, error) {
	if err := tx.begin(); err != nil {
		return 0, err
	}
	if _, err := tx.exec("DELETE FROM staff_revoked"); err != nil {
		return 0, tx.fail("clearing staff revocations", err)
	}
	b := newBatcher(tx, "INSERT OR IGNORE INTO staff_revoked(card_id) VALUES ", "(?)", "", 1)
	defer b.close()
	for id, err := range ids {
		what := fmt.Sprintf("staff revocation %d", b.seen)
		if err != nil {
			return 0, fmt.Errorf("store: %s: %w", what, err)
		}
		if b.seen >= MaxStaffRevocations {
			return 0, invalid("staff revocations", "more than %d card ids", MaxStaffRevocations)
		}
		if !staffCardID.MatchString(id) {
			return 0, invalid(what, "card id %q: want 1 to 24 of A-Z, 0-9 and '-'", id)
		}
		if err := b.add(id); err != nil {
			return 0, tx.fail("writing staff revocations", err)
		}
	}
	if err := b.flush(); err != nil {
		return 0, tx.fail("writing staff revocations", err)
	}
	return b.affected, nil
}
