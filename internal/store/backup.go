package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// backupName is the pre-migration copy made before migrating db to
// version v: kiosk.db.pre-v3.
func backupName(db string, v int) string { return db + ".pre-v" + strconv.Itoa(v) }

// upgrade copies a non-empty database aside, then migrates it.
func (s *Store) upgrade(ctx context.Context, ms []migration, cur int) error {
	nonEmpty := cur > 0
	if !nonEmpty {
		var n int
		if err := s.w.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&n); err != nil {
			return err
		}
		nonEmpty = n > 0
	}
	if nonEmpty {
		dst := backupName(s.path, len(ms))
		start := time.Now()
		if err := s.backupTo(ctx, dst); err != nil {
			return fmt.Errorf("store: copying the database before migrating (nothing was migrated): %w", err)
		}
		s.status.Backup = dst
		s.log.Info("store: copied the database before migrating",
			slog.String("backup", dst), slog.Int("from", cur), slog.Int("to", len(ms)),
			slog.Duration("took", time.Since(start)))
	}
	if err := migrate(ctx, s.w, ms, cur); err != nil {
		return err
	}
	if nonEmpty {
		s.log.Info("store: migrated the schema", slog.Int("from", cur), slog.Int("to", len(ms)))
	}
	return nil
}

// backupTo copies the database to dst with SQLite's online backup API
// (a consistent snapshot, even while readers are active), leaving it as
// a stand-alone rollback-journal database, then renames it into place.
func (s *Store) backupTo(ctx context.Context, dst string) error {
	tmp := dst + ".tmp"
	for _, f := range []string{tmp, tmp + "-journal"} {
		// A partial copy from an interrupted backup; never a database of
		// record.
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		src, ok := dc.(*sqlite3.SQLiteConn)
		if !ok {
			return fmt.Errorf("store: driver connection is %T", dc)
		}
		p := s.params()
		p.Set("_journal_mode", "DELETE")
		p.Set("_synchronous", "FULL")
		c, err := (&sqlite3.SQLiteDriver{}).Open(dsn(tmp, p))
		if err != nil {
			return err
		}
		d := c.(*sqlite3.SQLiteConn)
		defer d.Close()
		if err := copyDB(ctx, d, src); err != nil {
			return err
		}
		// The copy carries the source's WAL flag in its header; make it
		// a rollback-journal database so it can be read without -wal/-shm.
		_, err = d.Exec("PRAGMA journal_mode = DELETE", nil)
		return err
	})
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Chmod(tmp, FileMode); err != nil {
		return err
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return err
	}
	return syncDir(dst)
}

func copyDB(ctx context.Context, dst, src *sqlite3.SQLiteConn) error {
	b, err := dst.Backup("main", src, "main")
	if err != nil {
		return err
	}
	for {
		done, err := b.Step(-1)
		if err != nil {
			b.Finish()
			return err
		}
		if done {
			return b.Finish()
		}
		// Busy or locked: wait and try again.
		select {
		case <-ctx.Done():
			b.Finish()
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Backups lists the pre-migration copies of db, oldest schema first.
func Backups(db string) ([]string, error) {
	dir, base := filepath.Split(db)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	type b struct {
		v    int
		name string
	}
	var bs []b
	prefix := base + ".pre-v"
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		v, err := strconv.Atoi(rest)
		if err != nil || v < 1 || strconv.Itoa(v) != rest {
			continue
		}
		bs = append(bs, b{v, filepath.Join(dir, e.Name())})
	}
	// insertion sort: a handful of files
	for i := 1; i < len(bs); i++ {
		for j := i; j > 0 && bs[j].v < bs[j-1].v; j-- {
			bs[j], bs[j-1] = bs[j-1], bs[j]
		}
	}
	out := make([]string, len(bs))
	for i, x := range bs {
		out[i] = filepath.Clean(x.name)
	}
	return out, nil
}

// Restore puts back the newest pre-migration copy of the database at db
// (the one made before the latest migration), for going back to older
// firmware: `kioskctl store restore`. The daemon must be stopped; Restore
// fails with ErrInUse while a Store has db open. The copy is checked
// first; the database it replaces is moved aside as
// <db>.replaced-<UTC time>, never deleted, and the copy itself is kept.
// It returns the copy it restored.
func Restore(db string) (string, error) {
	lk, err := lock(db)
	if err != nil {
		return "", err
	}
	defer unlock(lk)
	bs, err := Backups(db)
	if err != nil {
		return "", err
	}
	if len(bs) == 0 {
		return "", ErrNoBackup
	}
	src := bs[len(bs)-1]
	if err := checkCopy(src); err != nil {
		return "", err
	}
	tmp := db + ".restore.tmp"
	if err := copyFile(src, tmp); err != nil {
		os.Remove(tmp)
		return "", err
	}
	if exists(db) {
		dst := freeName(db + ".replaced-" + time.Now().UTC().Format(stampFormat))
		if err := moveAside(db, dst); err != nil {
			return "", err
		}
	} else {
		// Side files without a database belong to nothing; keep them
		// out of the restored database's way.
		for _, suffix := range sideFiles {
			if exists(db + suffix) {
				if err := moveAside(db, freeName(db+".orphan-"+time.Now().UTC().Format(stampFormat))); err != nil {
					return "", err
				}
				break
			}
		}
	}
	if err := os.Rename(tmp, db); err != nil {
		return "", err
	}
	return src, syncDir(db)
}

// checkCopy opens a backup read-only and runs quick_check on it.
func checkCopy(path string) error {
	h, err := readHeader(path)
	if err != nil {
		return err
	}
	if !h.valid {
		return fmt.Errorf("store: %s is not an SQLite database", path)
	}
	if h.wal {
		return fmt.Errorf("store: %s is in WAL mode; not a copy made by this store", path)
	}
	db := sql.OpenDB(&connector{dsn: dsn(path, url.Values{"mode": {"ro"}}), drv: &sqlite3.SQLiteDriver{}})
	defer db.Close()
	problem, err := quickCheck(context.Background(), db)
	if err != nil {
		return fmt.Errorf("store: checking %s: %w", path, err)
	}
	if problem != "" {
		return fmt.Errorf("store: %s is damaged: %s", path, problem)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
