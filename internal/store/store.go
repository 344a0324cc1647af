package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// Opts configures a Store. The zero value (or a nil *Opts) is the default.
type Opts struct {
	// Logger receives recovery and migration notices; default slog.Default().
	Logger *slog.Logger
	// busyTimeout is how long a statement waits for a lock held by another
	// connection; default 5 s.
	busyTimeout time.Duration
	// Readers is the size of the read pool; default 4, at most 32.
	Readers int
	// cacheKiB is the writer's page cache; default 16 MiB. Bulk applies of
	// millions of revocations run faster with more.
	cacheKiB int
	// readerCacheKiB is each reader's page cache; default 4 MiB: enough to
	// keep the interior pages of a ten-million-entry revocation index, so
	// a lookup reads one page from the file. SQLite fills it only as pages
	// are read.
	readerCacheKiB int
	// Now tells the time for applied_at columns and the names of files moved
	// aside; default time.Now.
	Now func() time.Time
}

func (o *Opts) withDefaults() Opts {
	var d Opts
	if o != nil {
		d = *o
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.busyTimeout <= 0 {
		d.busyTimeout = 5 * time.Second
	}
	if d.Readers <= 0 {
		d.Readers = 4
	}
	d.Readers = min(d.Readers, 32)
	if d.cacheKiB <= 0 {
		d.cacheKiB = 16 << 10
	}
	if d.readerCacheKiB <= 0 {
		d.readerCacheKiB = 4 << 10
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return d
}

// journalSizeLimit truncates the WAL back to this size after a checkpoint,
// so one large sync does not leave a large file behind.
const journalSizeLimit = 8 << 20

// Store is the kiosk's SQLite database: one writer connection and a pool
// of read-only connections on the same file in WAL mode. It is safe for
// concurrent use.
type Store struct {
	path string
	opts Opts
	log  *slog.Logger
	lk   *os.File

	w       *sql.DB       // exactly one connection: every write is serialised on it
	writing chan struct{} // holds one token while a write transaction runs
	r       *sql.DB       // read-only connections; never wait for the writer

	status Status

	stmtRevoked, stmtCode, stmtKeys lazyStmt
	stmtStays                       lazyStmt // visits.go

	keys  keyCache
	fresh atomic.Pointer[freshness]

	revf       atomic.Pointer[revFilters] // revfilter.go; nil when read-only
	revQueries atomic.Int64               // revocation lookups that asked SQLite

	readOnly bool // OpenReadOnly: no writer, no lock

	closeOnce sync.Once
	closed    atomic.Bool
	closeErr  error
}

// Status says what Open found and did. The daemon shows it.
type Status struct {
	Path    string
	Version int // schema version after Open
	// MigratedFrom is the version Open found; equal to Version when no
	// migration ran (0 for a new database).
	MigratedFrom int
	// Backup is the pre-migration copy made by this Open, or "".
	Backup string
	// Recovered is non-nil when a damaged database was moved aside and a
	// fresh one built in its place.
	Recovered *Recovery
	// Checked is how long PRAGMA quick_check took.
	Checked time.Duration
	// FilterBuilt is how long building the revocation filter from the
	// table took (revfilter.go).
	FilterBuilt time.Duration
}

// Recovery describes a damaged database that Open moved aside.
type Recovery struct {
	MovedTo string    // the damaged file's new name (its -wal and -shm follow it)
	Reason  string    // SQLite's first complaint
	At      time.Time // when it was moved
}

// Open opens (creating if needed) the database at path, checks it, and
// brings its schema up to schemaVersion. See the package documentation for
// the order of these steps. ctx bounds the checks and the migration.
func Open(ctx context.Context, path string, opts *Opts) (*Store, error) {
	return open(ctx, path, opts, migrations)
}

func open(ctx context.Context, path string, opts *Opts, ms []migration) (*Store, error) {
	o := opts.withDefaults()
	known := len(ms)
	if path == "" {
		return nil, errors.New("store: empty database path")
	}

	// 1. The header, read without SQLite: refuse newer databases before
	// anything (SQLite, the lock file) touches the directory.
	h, err := readHeader(path)
	if err != nil {
		return nil, err
	}
	if h.valid && h.userVersion > known {
		return nil, &NewerSchemaError{Path: path, Found: h.userVersion, Known: known}
	}

	lk, err := lock(path)
	if err != nil {
		return nil, err
	}
	s := &Store{path: path, opts: o, log: o.Logger, lk: lk, writing: make(chan struct{}, 1)}
	s.status.Path = path
	if err := createPrivate(path); err != nil {
		unlock(lk)
		return nil, fmt.Errorf("store: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			s.closeDBs()
			unlock(lk)
		}
	}()

	// 2. A file that is not an SQLite database at all.
	if h.exists && !h.empty && !h.valid {
		if err := s.quarantine("not an SQLite database (no SQLite header)"); err != nil {
			return nil, err
		}
	}

	// 3. Through a read-only connection: the schema version again (the
	// header is as of the last checkpoint; a WAL may hold a newer one),
	// then PRAGMA quick_check. Read-only, so a damaged database and its
	// WAL are moved aside exactly as they were found. A hot rollback
	// journal (a crash of a database not yet in WAL mode) needs a writer
	// to roll it back: then the writer checks.
	existed := false
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
		existed = true
	}
	checked := false
	if existed && !exists(path+"-journal") {
		v, problem, err := s.inspect(ctx)
		switch {
		case isCorrupt(err):
			problem = err.Error()
		case err != nil:
			return nil, fmt.Errorf("store: checking %s: %w", path, err)
		case v > known:
			return nil, &NewerSchemaError{Path: path, Found: v, Known: known}
		}
		if problem != "" {
			if err := s.quarantine(problem); err != nil {
				return nil, err
			}
		}
		checked = true
	}

	// 4. The writer.
	if err := s.openWriterOrRecover(ctx); err != nil {
		return nil, err
	}
	if existed && !checked {
		start := time.Now()
		problem, err := quickCheck(ctx, s.w)
		s.status.Checked = time.Since(start)
		if isCorrupt(err) {
			problem = err.Error()
		} else if err != nil {
			return nil, err
		}
		if problem != "" {
			s.closeDBs()
			if err := s.quarantine(problem); err != nil {
				return nil, err
			}
			if err := s.openWriter(ctx); err != nil {
				return nil, err
			}
		}
	}

	// 5. Migrations, after a copy of the old database.
	cur, err := userVersion(ctx, s.w)
	if err != nil {
		return nil, err
	}
	s.status.MigratedFrom = cur
	if cur > known {
		return nil, &NewerSchemaError{Path: path, Found: cur, Known: known}
	}
	if cur < known {
		if err := s.upgrade(ctx, ms, cur); err != nil {
			return nil, err
		}
	}
	s.status.Version = known

	// 6. The read pool.
	if err := s.openReaders(ctx); err != nil {
		return nil, err
	}
	if err := s.loadFreshness(ctx); err != nil {
		return nil, err
	}
	if err := s.loadRevFilter(ctx); err != nil {
		return nil, err
	}
	ok = true
	return s, nil
}

// openWriterOrRecover opens the writer; a database SQLite finds damaged
// on the way (it passed quick_check, so rarely) is moved aside and a fresh
// one opened.
func (s *Store) openWriterOrRecover(ctx context.Context) error {
	err := s.openWriter(ctx)
	if err == nil || !isCorrupt(err) {
		return err
	}
	s.closeDBs()
	if err := s.quarantine(err.Error()); err != nil {
		return err
	}
	return s.openWriter(ctx)
}

// openWriter opens the writer connection.
func (s *Store) openWriter(ctx context.Context) error {
	p := s.params()
	p.Set("_journal_mode", "WAL")
	p.Set("_synchronous", "FULL")
	p.Set("_txlock", "immediate")
	p.Set("_cache_size", strconv.Itoa(-s.opts.cacheKiB))
	s.w = sql.OpenDB(&connector{dsn: dsn(s.path, p), drv: &sqlite3.SQLiteDriver{ConnectHook: writerHook}})
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxLifetime(0)
	s.w.SetConnMaxIdleTime(0)
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("store: opening %s: %w", s.path, err)
	}
	return nil
}

// writerHook runs on each new writer connection: it bounds the WAL's size
// and makes sure WAL mode took (it cannot on a file system without shared
// memory).
func writerHook(c *sqlite3.SQLiteConn) error {
	if _, err := c.Exec("PRAGMA journal_size_limit = "+strconv.Itoa(journalSizeLimit), nil); err != nil {
		return err
	}
	// Zero the space a deleted or moved cell leaves inside a page, at no
	// extra I/O, so that an erased visit (visits.go) leaves no copy behind.
	if _, err := c.Exec("PRAGMA secure_delete = FAST", nil); err != nil {
		return err
	}
	rows, err := c.Query("PRAGMA journal_mode", nil)
	if err != nil {
		return err
	}
	defer rows.Close()
	v := make([]driver.Value, 1)
	if err := rows.Next(v); err != nil {
		return err
	}
	if m, _ := v[0].(string); !strings.EqualFold(m, "wal") {
		return fmt.Errorf("store: journal_mode is %v, want wal", v[0])
	}
	return nil
}

func quickCheck(ctx context.Context, db *sql.DB) (string, error) {
	rows, err := db.QueryContext(ctx, "PRAGMA quick_check(10)")
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var msgs []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return "", err
		}
		msgs = append(msgs, m)
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if len(msgs) == 1 && msgs[0] == "ok" {
		return "", nil
	}
	if len(msgs) == 0 {
		return "quick_check returned nothing", nil
	}
	return "quick_check: " + msgs[0], nil
}

// inspect reads user_version and runs PRAGMA quick_check through a
// read-only connection, which never checkpoints or truncates a WAL.
func (s *Store) inspect(ctx context.Context) (version int, problem string, err error) {
	p := s.params()
	p.Set("mode", "ro")
	db := sql.OpenDB(&connector{dsn: dsn(s.path, p), drv: &sqlite3.SQLiteDriver{}})
	defer db.Close()
	db.SetMaxOpenConns(1)
	if version, err = userVersion(ctx, db); err != nil {
		return 0, "", err
	}
	start := time.Now()
	problem, err = quickCheck(ctx, db)
	s.status.Checked = time.Since(start)
	return version, problem, err
}

func (s *Store) openReaders(ctx context.Context) error {
	p := s.params()
	p.Set("mode", "ro")
	p.Set("_query_only", "1")
	p.Set("_cache_size", strconv.Itoa(-s.opts.readerCacheKiB))
	s.r = sql.OpenDB(&connector{dsn: dsn(s.path, p), drv: &sqlite3.SQLiteDriver{}})
	s.r.SetMaxOpenConns(s.opts.Readers)
	s.r.SetMaxIdleConns(s.opts.Readers)
	s.r.SetConnMaxLifetime(0)
	s.r.SetConnMaxIdleTime(0)
	s.stmtRevoked.q, s.stmtCode.q, s.stmtKeys.q = qRevoked, qCode, qKeys
	s.stmtStays.q = qStays
	return s.r.PingContext(ctx)
}

// lazyStmt is a statement of the read pool prepared on first use.
type lazyStmt struct {
	q    string
	once sync.Once
	st   *sql.Stmt
	err  error
}

func (l *lazyStmt) get(db *sql.DB) (*sql.Stmt, error) {
	l.once.Do(func() { l.st, l.err = db.Prepare(l.q) })
	return l.st, l.err
}

func (l *lazyStmt) close() error {
	var err error
	l.once.Do(func() {}) // no preparing from now on
	if l.st != nil {
		err = l.st.Close()
	}
	return err
}

func (s *Store) params() url.Values {
	p := url.Values{}
	p.Set("_busy_timeout", strconv.FormatInt(s.opts.busyTimeout.Milliseconds(), 10))
	p.Set("_foreign_keys", "1")
	return p
}

// dsn is an SQLite URI for path with go-sqlite3's parameters.
func dsn(path string, p url.Values) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	if strings.HasPrefix(esc, "//") {
		esc = "/" + strings.TrimLeft(esc, "/") // "file://x" would name an authority
	}
	return "file:" + esc + "?" + p.Encode()
}

// connector opens go-sqlite3 connections with a fixed DSN, so each Store
// has its own settings without registering global driver names.
type connector struct {
	dsn string
	drv *sqlite3.SQLiteDriver
}

func (c *connector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c *connector) Driver() driver.Driver                        { return c.drv }

// Status returns what Open found and did.
func (s *Store) Status() Status { return s.status }

// Path returns the database's file name.
func (s *Store) Path() string { return s.path }

// Close closes the read pool, checkpoints the WAL into the database file
// (truncating it) and closes the writer. It is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		s.revf.Store(nil)
		var errs []error
		for _, st := range []*lazyStmt{&s.stmtRevoked, &s.stmtCode, &s.stmtKeys} {
			errs = append(errs, st.close())
		}
		errs = append(errs, s.stmtStays.close())
		if s.r != nil {
			errs = append(errs, s.r.Close())
		}
		if s.w != nil {
			var busy, logFrames, done int
			err := s.w.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done)
			if err == nil && busy != 0 {
				err = errors.New("store: WAL checkpoint was blocked")
			}
			errs = append(errs, err, s.w.Close())
		}
		errs = append(errs, unlock(s.lk))
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

func (s *Store) closeDBs() {
	if s.r != nil {
		s.r.Close()
		s.r = nil
	}
	if s.w != nil {
		s.w.Close()
		s.w = nil
	}
}

func (s *Store) check() error {
	if s.closed.Load() {
		return ErrClosed
	}
	return nil
}
