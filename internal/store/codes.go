package store

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// MaxCodes bounds the entries one ReplaceCodes call accepts.
const MaxCodes = 1 << 24

// CodeEntry puts a pass under a red or amber code for a time: from
// ValidFrom (inclusive; zero: since always) until ValidUntil (exclusive;
// zero: open-ended). Times are kept to the second.
type CodeEntry struct {
	ID         pass.ID
	Code       pass.Code // pass.RedCode or pass.AmberCode
	ValidFrom  time.Time
	ValidUntil time.Time
}

const qCode = "SELECT code FROM codes WHERE id = ? AND valid_from <= ? AND (valid_until IS NULL OR valid_until > ?)"

// Code implements verify.Codes. It takes no context; see
// the package documentation on contexts.
func (s *Store) Code(id pass.ID, at time.Time) (pass.Code, error) {
	return s.codeContext(context.Background(), id, at)
}

// codeContext returns pass.RedCode or pass.AmberCode when id carries a code
// whose validity contains at, or "". Red beats amber.
func (s *Store) codeContext(ctx context.Context, id pass.ID, at time.Time) (pass.Code, error) {
	if err := s.check(); err != nil {
		return "", err
	}
	u := at.Unix()
	st, err := s.stmtCode.get(s.r)
	if err != nil {
		return "", err
	}
	rows, err := st.QueryContext(ctx, id[:], u, u)
	if err != nil {
		return "", fmt.Errorf("store: code lookup: %w", err)
	}
	defer rows.Close()
	var out pass.Code
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return "", err
		}
		switch c {
		case "red":
			out = pass.RedCode
		case "amber":
			if out == "" {
				out = pass.AmberCode
			}
		default:
			return "", fmt.Errorf("store: code list holds %q", c)
		}
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("store: code lookup: %w", err)
	}
	return out, nil
}

// ReplaceCodes makes codes the whole red/amber code list and returns how
// many entries it holds. Two entries with the same ID, code and start are
// an error.
func (tx *Tx) ReplaceCodes(codes iter.Seq2[CodeEntry, error]) (int64, error) {
	if err := tx.begin(); err != nil {
		return 0, err
	}
	if _, err := tx.exec("DELETE FROM codes"); err != nil {
		return 0, fmt.Errorf("store: clearing codes: %w", err)
	}
	b := newBatcher(tx, "INSERT INTO codes(id, code, valid_from, valid_until) VALUES ", "(?,?,?,?)", "", 4)
	defer b.close()
	var buf [batchRows]pass.ID
	for c, err := range codes {
		what := fmt.Sprintf("code entry %d", b.seen)
		if err != nil {
			return 0, fmt.Errorf("store: %s: %w", what, err)
		}
		if b.seen >= MaxCodes {
			return 0, invalid("codes", "more than %d entries", MaxCodes)
		}
		if c.ID.IsZero() {
			return 0, invalid(what, "the zero pass ID")
		}
		var code string
		switch c.Code {
		case pass.RedCode:
			code = "red"
		case pass.AmberCode:
			code = "amber"
		default:
			return 0, invalid(what, "code %q: want %q or %q", c.Code, pass.RedCode, pass.AmberCode)
		}
		from, err := unixOrZero(c.ValidFrom)
		if err != nil {
			return 0, invalid(what, "valid from: %v", err)
		}
		var until any
		if !c.ValidUntil.IsZero() {
			u, err := unixOrZero(c.ValidUntil)
			if err != nil {
				return 0, invalid(what, "valid until: %v", err)
			}
			if u <= from {
				return 0, invalid(what, "valid until %s is not after valid from", c.ValidUntil.UTC().Format(time.RFC3339))
			}
			until = u
		}
		if err := tx.poll(b.seen); err != nil {
			return 0, err
		}
		buf[b.rows] = c.ID
		if err := b.add(buf[b.rows][:], code, from, until); err != nil {
			return 0, tx.fail("writing codes", err)
		}
	}
	if err := b.flush(); err != nil {
		return 0, tx.fail("writing codes", err)
	}
	return b.affected, nil
}

// unixOrZero returns t in unix seconds, 0 for the zero time, and an error
// for times before 1970 (no data the kiosk handles is that old).
func unixOrZero(t time.Time) (int64, error) {
	if t.IsZero() {
		return 0, nil
	}
	u := t.Unix()
	if u < 0 {
		return 0, fmt.Errorf("%s is before 1970", t.UTC().Format(time.RFC3339))
	}
	return u, nil
}
