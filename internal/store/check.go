package store

import (
	"context"
)

// Stats sums up the store for the status page and kioskctl.
type Stats struct {
	Version     int   // schema version
	Revocations int64 // revoked pass IDs
	Codes       int64 // red/amber code entries
	TrustKeys   int64
	Exposures   int64
	Bytes       int64 // database size: pages × page size (the WAL not included)
}

// Stats counts the rows of the main tables. Counting 10 million
// revocations takes a while; it is not for the scan path.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	if err := s.check(); err != nil {
		return st, err
	}
	conn, err := s.r.Conn(ctx) // one connection: one snapshot for every count
	if err != nil {
		return st, err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return st, err
	}
	defer tx.Rollback()
	for _, q := range []struct {
		sql string
		dst *int64
	}{
		{"SELECT count(*) FROM revoked", &st.Revocations},
		{"SELECT count(*) FROM codes", &st.Codes},
		{"SELECT count(*) FROM trust_keys", &st.TrustKeys},
		{"SELECT count(*) FROM exposures", &st.Exposures},
		{"SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()", &st.Bytes},
	} {
		if err := tx.QueryRowContext(ctx, q.sql).Scan(q.dst); err != nil {
			return st, err
		}
	}
	v, err := userVersion(ctx, tx)
	st.Version = v
	return st, err
}

// IntegrityCheck runs PRAGMA integrity_check (the thorough one: it reads
// every page and index) and returns its complaints; none means sound.
func (s *Store) IntegrityCheck(ctx context.Context) ([]string, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, "PRAGMA integrity_check(100)")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var msgs []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return nil, err
		}
		if m != "ok" {
			msgs = append(msgs, m)
		}
	}
	return msgs, rows.Err()
}
