package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"
)

// VisitHash is a keyed hash of a pass ID: HMAC-SHA256 under the kiosk's
// visit secret (firmware/visits makes them). The store never sees a pass ID
// in the visit log, nor the secret.
type VisitHash [32]byte

// Visit is one stay of the visit log: who (as a keyed hash), when they
// checked in and, once an exit scan recorded it, when they checked out.
// Nothing else: no verdict, no name, no pass ID. Times are kept to the
// minute, the check-in rounded down and the check-out up, so that a stay
// never shrinks: an exposure window it overlapped still overlaps.
type Visit struct {
	Hash VisitHash
	At   time.Time // the check-in
	Out  time.Time // the check-out; zero: none yet (CheckOut records it)
}

// Stay is a visit as the exposure match reads it: [In, Out), Out zero
// when no exit scan recorded a check-out.
type Stay struct {
	In, Out time.Time
}

// Bounds on the visit log.
const (
	// MaxVisitBatch bounds one AddVisits call.
	MaxVisitBatch = 10000
	// maxStays bounds what Stays returns: a pass scanned more often than
	// this within the range is judged on its latest stays.
	maxStays = 1000
	// MaxStay bounds a stay with a check-out: a check-out closes a
	// check-in of the same day (firmware/visits), which a day with a
	// daylight-saving change makes 25 hours long at most. The exposure
	// match looks this far back before a window for stays reaching into
	// it.
	MaxStay = 25 * time.Hour
)

// floorMinute and ceilMinute round a time to the minute, in unix seconds.
func floorMinute(t time.Time) int64 { u := t.Unix(); return u - mod60(u) }

func ceilMinute(t time.Time) int64 {
	u := t.Unix()
	if mod60(u) == 0 && t.Nanosecond() == 0 {
		return u
	}
	return u - mod60(u) + 60
}

func mod60(u int64) int64 { return ((u % 60) + 60) % 60 }

func (v *Visit) validate() error {
	switch {
	case v.Hash == VisitHash{}:
		return fmt.Errorf("zero hash")
	case v.At.IsZero() || v.At.Unix() < 0:
		return fmt.Errorf("no time (or before 1970)")
	case !v.Out.IsZero() && !v.Out.After(v.At):
		return fmt.Errorf("check-out %v is not after the check-in %v", v.Out, v.At)
	case !v.Out.IsZero() && v.Out.Sub(v.At) > MaxStay:
		return fmt.Errorf("a stay of %v: at most %v", v.Out.Sub(v.At), MaxStay)
	}
	return nil
}

// AddVisits appends vs to the visit log in its own transaction. It waits
// for a running Apply.
func (s *Store) AddVisits(ctx context.Context, vs []Visit) error {
	return s.Apply(ctx, func(tx *Tx) error { return tx.AddVisits(vs) })
}

// AddVisits appends vs (check-ins, and check-outs where known) to the
// visit log within the transaction. A bad visit fails the whole call.
func (tx *Tx) AddVisits(vs []Visit) error {
	if err := tx.begin(); err != nil {
		return err
	}
	if len(vs) > MaxVisitBatch {
		return invalid("visits", "%d in one call; at most %d", len(vs), MaxVisitBatch)
	}
	for i := range vs {
		if err := vs[i].validate(); err != nil {
			return invalid(fmt.Sprintf("visit %d", i), "%v", err)
		}
	}
	b := newBatcher(tx, "INSERT INTO visits (hash, at, checkout) VALUES ", "(?,?,?)", "", 3)
	defer b.close()
	for i := range vs {
		in := floorMinute(vs[i].At)
		var out any
		if !vs[i].Out.IsZero() {
			out = max(ceilMinute(vs[i].Out), in+60)
		}
		if err := b.add(vs[i].Hash[:], in, out); err != nil {
			return tx.fail("writing visits", err)
		}
	}
	if err := b.flush(); err != nil {
		return tx.fail("writing visits", err)
	}
	return nil
}

// CheckOut records an exit scan within the transaction: the pass whose
// keyed hash is h left at out. The latest stay of h that checked in
// within [from, out] gets out (rounded up to the minute, and at least a
// minute after its check-in) as its check-out; a stay already checked out
// keeps the later of the two. It reports whether there was such a stay: a
// check-out without a check-in is not recorded anywhere. from is the start
// of the day out belongs to (firmware/visits decides), at most MaxStay
// before it.
func (tx *Tx) CheckOut(h VisitHash, from, out time.Time) (bool, error) {
	if err := tx.begin(); err != nil {
		return false, err
	}
	switch {
	case h == VisitHash{}:
		return false, invalid("check-out", "zero hash")
	case out.IsZero() || out.Unix() < 0 || from.Unix() < 0:
		return false, invalid("check-out", "no time (or before 1970)")
	case from.After(out) || out.Sub(from) > MaxStay:
		return false, invalid("check-out", "from %v: want at most %v before the check-out %v", from, MaxStay, out)
	}
	res, err := tx.exec(`UPDATE visits SET checkout = max(coalesce(checkout, 0), ?, at + 60)
		WHERE id = (SELECT id FROM visits WHERE hash = ? AND at >= ? AND at <= ? ORDER BY at DESC, id DESC LIMIT 1)`,
		ceilMinute(out), h[:], from.Unix(), out.Unix())
	if err != nil {
		return false, tx.fail("recording a check-out", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// qStays reads one pass's stays: one descent of visits_by_hash, which
// covers every column it reads.
const qStays = "SELECT at, checkout FROM visits WHERE hash = ? AND at >= ? AND at < ? ORDER BY at DESC LIMIT ?"

// Stays returns the stays of h that checked in within [from, to), oldest
// first, at most maxStays, 1,000 (the latest ones when there are more). It is on
// the scan path (exposure matching): one descent of an index, no context
// (see the package documentation on contexts).
func (s *Store) Stays(h VisitHash, from, to time.Time) ([]Stay, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	st, err := s.stmtStays.get(s.r)
	if err != nil {
		return nil, fmt.Errorf("store: visit lookup: %w", err)
	}
	rows, err := st.QueryContext(context.Background(), h[:], from.Unix(), to.Unix(), maxStays)
	if err != nil {
		return nil, fmt.Errorf("store: visit lookup: %w", err)
	}
	defer rows.Close()
	var out []Stay
	for rows.Next() {
		var at int64
		var co *int64
		if err := rows.Scan(&at, &co); err != nil {
			return nil, err
		}
		st := Stay{In: time.Unix(at, 0).UTC()}
		if co != nil {
			st.Out = time.Unix(*co, 0).UTC()
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: visit lookup: %w", err)
	}
	slices.Reverse(out)
	return out, nil
}

// VisitStats are counts a technician may see: how many visits the log
// holds, how many of them an exit scan closed, and the span they cover.
// Nothing says whose.
type VisitStats struct {
	Visits         int64
	CheckedOut     int64
	Oldest, Newest time.Time // zero when the log is empty
}

// VisitStats counts the visit log.
func (s *Store) VisitStats(ctx context.Context) (VisitStats, error) {
	var st VisitStats
	if err := s.check(); err != nil {
		return st, err
	}
	var oldest, newest *int64
	err := s.r.QueryRowContext(ctx, "SELECT count(*), count(checkout), min(at), max(at) FROM visits").Scan(&st.Visits, &st.CheckedOut, &oldest, &newest)
	if err != nil {
		return st, fmt.Errorf("store: counting visits: %w", err)
	}
	if oldest != nil && newest != nil {
		st.Oldest, st.Newest = time.Unix(*oldest, 0).UTC(), time.Unix(*newest, 0).UTC()
	}
	return st, nil
}

// ExposedVisits counts the visits in the log whose stay overlaps an
// exposure window of venue: the "matched visits" a technician may see
// (kioskctl status). A stay runs from its check-in to its check-out, or
// without one from the end of its check-in's minute for the exposure's
// assumed stay, else assumed (the entry policy's for the venue), as
// firmware/visits matches them; intervals are half-open, so a stay that
// ends as a window starts does not overlap it. A visit within two windows
// counts once.
func (s *Store) ExposedVisits(ctx context.Context, venue string, assumed time.Duration) (int64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	var n int64
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM visits v WHERE v.id IN (
		SELECT v2.id FROM exposures e JOIN visits v2 ON v2.at < e.window_end AND v2.at > e.window_start - ?
			AND coalesce(v2.checkout, v2.at + 60 + coalesce(e.assumed_stay, ?)) > e.window_start
		WHERE e.venue = ?)`, int64(MaxStay/time.Second), int64(assumed/time.Second), venue).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: counting exposed visits: %w", err)
	}
	return n, nil
}

// Expiry says what ExpireVisits did.
type Expiry struct {
	Deleted int64 // visits erased
	// Converted says the database was switched to incremental auto-vacuum
	// (a one-time VACUUM of the whole file) on the way.
	Converted bool
	Freed     int64 // pages handed back to the file system
	// SizeBefore and SizeAfter are the database file's size in bytes,
	// before the call and after the checkpoint that truncates it.
	SizeBefore, SizeAfter int64
	// Checkpointed says the WAL was checkpointed and truncated to zero
	// bytes; false when readers kept it (it is then retried next time).
	Checkpointed bool
}

// ExpireVisits erases the visits dated before before, and those dated
// after notAfter (a clock that was wrong when they were written; zero: no
// such bound), and reclaims the space they held:
//
//  1. The rows are deleted with PRAGMA secure_delete on, so SQLite
//     overwrites the deleted content with zeros instead of leaving it in
//     free space inside pages and on the freelist.
//  2. PRAGMA incremental_vacuum hands every free page back to the file
//     system, in the same transaction. Its cost is proportional to the
//     pages freed — an hour's or a day's visits — not to the database: a
//     plain VACUUM would rewrite the whole file (with ten million
//     revocations, about half a gigabyte, and as much again in the WAL)
//     every time, wearing the flash and holding the writer for minutes.
//     Incremental vacuum needs the database in auto_vacuum=INCREMENTAL
//     mode, which can only be switched on by one VACUUM: the first call
//     on an older database does that once (Expiry.Converted).
//  3. PRAGMA wal_checkpoint(TRUNCATE) copies the WAL into the database,
//     which shrinks the file, and truncates the WAL to zero bytes, so no
//     old copy of an erased page lingers in it.
//
// It waits for a running Apply, as ctx allows.
func (s *Store) ExpireVisits(ctx context.Context, before, notAfter time.Time) (Expiry, error) {
	var e Expiry
	if err := s.check(); err != nil {
		return e, err
	}
	if s.readOnly {
		return e, ErrReadOnly
	}
	if before.IsZero() || before.Unix() < 0 {
		return e, invalid("visit expiry", "no cut-off time")
	}
	if !notAfter.IsZero() && !notAfter.After(before) {
		return e, invalid("visit expiry", "upper bound %v is not after the cut-off %v", notAfter, before)
	}
	select {
	case s.writing <- struct{}{}:
	case <-ctx.Done():
		return e, ctx.Err()
	}
	defer func() { <-s.writing }()

	e.SizeBefore = fileSize(s.path)
	var mode int
	if err := s.w.QueryRowContext(ctx, "PRAGMA auto_vacuum").Scan(&mode); err != nil {
		return e, fmt.Errorf("store: reading auto_vacuum: %w", err)
	}
	const incremental = 2
	if mode != incremental {
		// Only a VACUUM switches an existing database's mode; it cannot
		// run inside a transaction.
		if _, err := s.w.ExecContext(ctx, "PRAGMA auto_vacuum = INCREMENTAL"); err != nil {
			return e, fmt.Errorf("store: setting auto_vacuum: %w", err)
		}
		start := time.Now()
		if _, err := s.w.ExecContext(ctx, "VACUUM"); err != nil {
			return e, fmt.Errorf("store: converting to incremental auto-vacuum: %w", err)
		}
		e.Converted = true
		s.log.Info("store: switched to incremental auto-vacuum (one-time VACUUM)", "took", time.Since(start).Round(time.Millisecond))
	}

	err := s.apply(ctx, func(tx *Tx) error {
		if _, err := tx.exec("PRAGMA secure_delete = ON"); err != nil {
			return fmt.Errorf("store: secure_delete: %w", err)
		}
		// Back to FAST (writerHook) for other writes: ON also zeroes whole
		// freed pages, which a revocation replace would pay for millions of
		// times over.
		defer tx.exec("PRAGMA secure_delete = FAST")
		q, args := "DELETE FROM visits WHERE at < ?", []any{before.Unix()}
		if !notAfter.IsZero() {
			q, args = q+" OR at > ?", append(args, notAfter.Unix())
		}
		res, err := tx.exec(q, args...)
		if err != nil {
			return tx.fail("erasing visits", err)
		}
		if e.Deleted, err = res.RowsAffected(); err != nil {
			return err
		}
		var free int64
		if err := tx.tx.QueryRowContext(tx.ctx, "PRAGMA freelist_count").Scan(&free); err != nil {
			return err
		}
		// incremental_vacuum returns no rows; its effect is on the
		// freelist. Step it to completion.
		rows, err := tx.tx.QueryContext(tx.ctx, "PRAGMA incremental_vacuum")
		if err != nil {
			return tx.fail("incremental vacuum", err)
		}
		for rows.Next() {
		}
		if err := rows.Close(); err != nil {
			return tx.fail("incremental vacuum", err)
		}
		var left int64
		if err := tx.tx.QueryRowContext(tx.ctx, "PRAGMA freelist_count").Scan(&left); err != nil {
			return err
		}
		e.Freed = free - left
		return nil
	})
	if err != nil {
		return e, err
	}
	var busy, logFrames, done int
	if err := s.w.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done); err != nil {
		return e, fmt.Errorf("store: checkpoint after erasing visits: %w", err)
	}
	e.Checkpointed = busy == 0
	e.SizeAfter = fileSize(s.path)
	return e, nil
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			return -1
		}
		return 0
	}
	return fi.Size()
}
