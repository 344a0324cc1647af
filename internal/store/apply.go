package store

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strings"
	"sync"
)

// Tx is one write transaction, handed to the function given to Apply. Its
// methods use Apply's context. A Tx must not be used after Apply returns
// or from more than one goroutine at a time.
type Tx struct {
	s   *Store
	tx  *sql.Tx
	ctx context.Context

	mu              sync.Mutex
	done            bool
	trustChanged    bool
	versionsChanged bool

	// revNext is the revocation filter a ReplaceRevocations fills, seen
	// by lookups from just before the commit; revPrev the filters it joins
	// then, put back if the commit fails (revfilter.go).
	revNext *revFilter
	revPrev *revFilters
}

// Apply runs fn in one write transaction and commits it if fn returns nil.
// After a crash or power cut either all of fn's changes are in the
// database or none are. Writes are serialised: Apply waits (as ctx allows)
// for any other write to finish, and other writes (counters, settings, the
// time floor) wait for Apply. Readers never wait; they see the old data
// until Apply commits. fn must not call the Store's write methods
// (AddCounters, SetSetting, RaiseTimeFloor, Apply): they would wait for fn
// forever; use the Tx's methods instead. A panic in fn rolls back and
// propagates.
func (s *Store) Apply(ctx context.Context, fn func(tx *Tx) error) error {
	if err := s.check(); err != nil {
		return err
	}
	if s.readOnly {
		return ErrReadOnly
	}
	select {
	case s.writing <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.writing }()
	return s.apply(ctx, fn)
}

// apply runs fn in a transaction; the caller holds s.writing.
func (s *Store) apply(ctx context.Context, fn func(tx *Tx) error) error {
	sqltx, err := s.w.BeginTx(ctx, nil) // BEGIN IMMEDIATE (see openWriter)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := &Tx{s: s, tx: sqltx, ctx: ctx}
	committed := false
	defer func() {
		tx.mu.Lock()
		tx.done = true
		tx.mu.Unlock()
		sqltx.Rollback() // after Commit, a no-op
		if !committed && tx.revPrev != nil {
			s.revf.Store(tx.revPrev)
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	s.committingRevocations(tx)
	if err := sqltx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	committed = true
	if testHookCommitted != nil {
		testHookCommitted()
	}
	s.committedRevocations(ctx, tx)
	if tx.trustChanged {
		s.keys.invalidate()
	}
	if tx.versionsChanged {
		if err := s.loadFreshness(ctx); err != nil {
			// Committed; only the cached copy is stale. Fail safe: no
			// freshness means stale data.
			s.fresh.Store(&freshness{})
			return fmt.Errorf("store: committed, but reloading data times failed: %w", err)
		}
	}
	return nil
}

// testHookCommitted, when set by a test, runs right after each commit.
var testHookCommitted func()

func (tx *Tx) begin() error {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.done {
		return ErrTxDone
	}
	return nil
}

func (tx *Tx) exec(q string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(tx.ctx, q, args...)
}

// batchRows is how many rows one multi-row statement carries: fewer cgo
// calls per row, well under SQLite's 32766 bound on parameters.
const batchRows = 256

// batcher executes a statement shaped "head (?,…),(?,…) tail" (or
// "head ?,?,… tail" for IN lists) for up to batchRows rows at a time.
type batcher struct {
	tx         *Tx
	head, tail string
	row        string // one row's placeholders: "(?,?)" or "?"
	perRow     int
	full       *sql.Stmt
	args       []any
	rows       int
	affected   int64
	seen       int64
}

func newBatcher(tx *Tx, head, row, tail string, perRow int) *batcher {
	return &batcher{tx: tx, head: head, row: row, tail: tail, perRow: perRow, args: make([]any, 0, batchRows*perRow)}
}

func (b *batcher) query(rows int) string {
	var sb strings.Builder
	sb.WriteString(b.head)
	for i := range rows {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(b.row)
	}
	sb.WriteString(b.tail)
	return sb.String()
}

// add queues one row's arguments, executing a full batch. The arguments
// must stay valid until the next add or flush.
func (b *batcher) add(args ...any) error {
	b.args = append(b.args, args...)
	b.rows++
	b.seen++
	if b.rows < batchRows {
		return nil
	}
	if b.full == nil {
		st, err := b.tx.tx.PrepareContext(b.tx.ctx, b.query(batchRows))
		if err != nil {
			return err
		}
		b.full = st
	}
	// context.Background: a cancellable context costs a goroutine per
	// statement in go-sqlite3; the caller polls tx.ctx instead, and
	// database/sql rolls the transaction back when it is cancelled.
	res, err := b.full.ExecContext(context.Background(), b.args...)
	if err != nil {
		return err
	}
	return b.done(res)
}

func (b *batcher) flush() error {
	if b.full != nil {
		defer b.full.Close()
	}
	if b.rows == 0 {
		return nil
	}
	res, err := b.tx.tx.ExecContext(b.tx.ctx, b.query(b.rows), b.args...)
	if err != nil {
		return err
	}
	return b.done(res)
}

func (b *batcher) done(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	b.affected += n
	b.args = b.args[:0]
	b.rows = 0
	return nil
}

// close releases the prepared statement when a caller stops early.
func (b *batcher) close() {
	if b.full != nil {
		b.full.Close()
		b.full = nil
	}
}

// SliceSeq yields the elements of v with no errors: for the iterator
// arguments of Tx's methods.
func SliceSeq[T any](v []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, x := range v {
			if !yield(x, nil) {
				return
			}
		}
	}
}

// fail wraps err from a statement; when the transaction's context ended
// (and database/sql rolled it back), that is the error to report.
func (tx *Tx) fail(what string, err error) error {
	if cerr := tx.ctx.Err(); cerr != nil {
		err = cerr
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

// pollEvery is how often streaming methods check their context.
const pollEvery = 4096

func (tx *Tx) poll(n int64) error {
	if n%pollEvery == 0 {
		if err := tx.ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}
