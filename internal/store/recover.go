package store

import (
	"fmt"
	"log/slog"
	"os"
)

// sideFiles are the files SQLite keeps beside a database; they move with it.
var sideFiles = []string{"-wal", "-shm", "-journal"}

// moveAside renames the database and its side files to dst (dst-wal, …).
// Nothing is deleted. The directory is synced so the new names survive a
// power cut.
func moveAside(db, dst string) error {
	for _, suffix := range append([]string{""}, sideFiles...) {
		if !exists(db + suffix) {
			continue
		}
		if err := os.Rename(db+suffix, dst+suffix); err != nil {
			return fmt.Errorf("store: moving %s aside: %w", db+suffix, err)
		}
	}
	return syncDir(db)
}

// freeName returns base, or base-2, base-3… whichever names no file (nor
// side file) yet.
func freeName(base string) string {
	name := base
	for i := 2; ; i++ {
		taken := exists(name)
		for _, suffix := range sideFiles {
			taken = taken || exists(name+suffix)
		}
		if !taken {
			return name
		}
		name = fmt.Sprintf("%s-%d", base, i)
	}
}

const stampFormat = "20060102T150405Z"

// quarantine moves a damaged database aside as <path>.corrupt-<UTC time>
// and records it in the Status. The caller opens a fresh database.
func (s *Store) quarantine(reason string) error {
	at := s.opts.Now().UTC()
	dst := freeName(s.path + ".corrupt-" + at.Format(stampFormat))
	if err := moveAside(s.path, dst); err != nil {
		return err
	}
	s.status.Recovered = &Recovery{MovedTo: dst, Reason: reason, At: at}
	s.log.Warn("store: database damaged; moved aside and starting with an empty one",
		slog.String("path", s.path), slog.String("moved_to", dst), slog.String("reason", reason))
	return nil
}
