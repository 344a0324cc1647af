package store

import (
	"context"
	"errors"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

func TestOpenPragmas(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	for _, tc := range []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"synchronous", "2"}, // FULL
		{"foreign_keys", "1"},
		{"busy_timeout", "5000"},
		{"journal_size_limit", "8388608"},
		{"user_version", strconv.Itoa(schemaVersion)},
		{"secure_delete", "2"}, // FAST
	} {
		t.Run(tc.pragma, func(t *testing.T) {
			var got string
			if err := s.w.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil {
				t.Fatalf("PRAGMA %s: %v", tc.pragma, err)
			}
			if got != tc.want {
				t.Errorf("writer PRAGMA %s: got %s, want %s", tc.pragma, got, tc.want)
			}
		})
	}
	if _, err := s.r.ExecContext(ctx, "INSERT INTO settings(key, value) VALUES ('a', 'b')"); err == nil {
		t.Errorf("a write through the read pool succeeded; want the readers read-only")
	}
	if got, want := s.Status().Version, schemaVersion; got != want {
		t.Errorf("Status().Version: got %d, want %d", got, want)
	}
	if got := s.Status(); got.Backup != "" || got.Recovered != nil || got.MigratedFrom != 0 {
		t.Errorf("a new database: got status %+v, want no backup, no recovery, from v0", got)
	}
}

func TestOpenEmptyPath(t *testing.T) {
	t.Parallel()
	if _, err := Open(context.Background(), "", nil); err == nil {
		t.Errorf("Open(\"\"): got no error")
	}
}

func TestOpenMissingDirectory(t *testing.T) {
	t.Parallel()
	p := t.TempDir() + "/no/such/dir/kiosk.db"
	if _, err := Open(context.Background(), p, testOpts(nil)); err == nil {
		t.Errorf("Open in a missing directory: got no error")
	}
}

func TestOpenEmptyFileIsNew(t *testing.T) {
	t.Parallel()
	p := dbPath(t)
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s := openT(t, p, nil)
	if s.Status().Recovered != nil {
		t.Errorf("a zero-length file was treated as damaged: %+v", s.Status().Recovered)
	}
	if got := revocationCount(t, s); got != 0 {
		t.Errorf("revocations: got %d, want 0", got)
	}
}

func TestOpenTwiceIsInUse(t *testing.T) {
	t.Parallel()
	p := dbPath(t)
	openT(t, p, nil)
	_, err := Open(context.Background(), p, testOpts(nil))
	if !errors.Is(err, ErrInUse) {
		t.Errorf("second Open: got %v, want ErrInUse", err)
	}
}

func TestCloseCheckpointsAndUnlocks(t *testing.T) {
	t.Parallel()
	p := dbPath(t)
	s := openT(t, p, nil)
	apply(t, s, func(tx *Tx) error {
		_, err := tx.AddRevocations(SliceSeq(ids(1, 1000)))
		return err
	})
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if fi, err := os.Stat(p + "-wal"); err == nil && fi.Size() != 0 {
		t.Errorf("after Close the WAL holds %d bytes; want it checkpointed", fi.Size())
	}
	// Everything is in the main file: a read-only look without the WAL sees it.
	h, err := readHeader(p)
	if err != nil || !h.valid || h.userVersion != schemaVersion {
		t.Fatalf("header after Close: %+v, %v", h, err)
	}
	s2 := openT(t, p, nil)
	if got, want := revocationCount(t, s2), int64(1000); got != want {
		t.Errorf("revocations after reopening: got %d, want %d", got, want)
	}
}

func TestClosedStore(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	s.Close()
	ctx := context.Background()
	for name, err := range map[string]error{
		"Revoked": func() error { _, err := s.Revoked(pass.ID{1}); return err }(),
		"Code":    func() error { _, err := s.Code(pass.ID{1}, t0); return err }(),
		"Keys":    func() error { _, err := s.Keys("dcc", "x"); return err }(),
		"Apply":   s.Apply(ctx, func(*Tx) error { return nil }),
		"Stats":   func() error { _, err := s.Stats(ctx); return err }(),
		"Floor":   func() error { _, err := s.TimeFloor(); return err }(),
		"Raise":   s.RaiseTimeFloor(t0),
		"Setting": func() error { _, _, err := s.Setting(ctx, "a"); return err }(),
	} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: got %v, want ErrClosed", name, err)
		}
	}
}

// TestReadsDoNotWaitForWriter holds a write transaction open and reads
// from other goroutines meanwhile.
func TestReadsDoNotWaitForWriter(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	apply(t, s, func(tx *Tx) error {
		_, err := tx.AddRevocations(SliceSeq(ids(1, 10)))
		return err
	})
	inTx := make(chan struct{})
	release := make(chan struct{})
	applied := make(chan error, 1)
	go func() {
		applied <- s.Apply(context.Background(), func(tx *Tx) error {
			if _, err := tx.ReplaceRevocations(SliceSeq(ids(2, 5000))); err != nil {
				return err
			}
			close(inTx)
			<-release
			return nil
		})
	}()
	<-inTx
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	for i := range 10 {
		got, err := s.revokedContext(ctx, id(1, i))
		if err != nil || !got {
			t.Fatalf("reading the old list during a write: got %v, %v; want true, nil", got, err)
		}
	}
	if got, err := s.revokedContext(ctx, id(2, 0)); err != nil || got {
		t.Errorf("an uncommitted revocation is visible: got %v, %v", got, err)
	}
	if _, err := s.Stats(ctx); err != nil {
		t.Errorf("Stats during a write: %v", err)
	}
	close(release)
	if err := <-applied; err != nil {
		t.Fatal(err)
	}
	if got, err := s.revokedContext(ctx, id(2, 0)); err != nil || !got {
		t.Errorf("after commit: got %v, %v; want true", got, err)
	}
	if got, err := s.revokedContext(ctx, id(1, 0)); err != nil || got {
		t.Errorf("after replace, an old entry: got %v, %v; want false", got, err)
	}
}

func TestDSNEscapesPath(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ path, want string }{
		{"/var/lib/kiosk.db", "file:/var/lib/kiosk.db?"},
		{"/tmp/a?b#c%d", "file:/tmp/a%3fb%23c%25d?"},
		{"//x/kiosk.db", "file:/x/kiosk.db?"},
		{"kiosk.db", "file:kiosk.db?"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			if got := dsn(tc.path, nil); got != tc.want {
				t.Errorf("dsn(%q): got %q, want %q", tc.path, got, tc.want)
			}
		})
	}
	// A path with URI metacharacters really opens that file.
	dir := t.TempDir()
	p := dir + "/odd?name#1%.db"
	s := openT(t, p, nil)
	s.Close()
	if _, err := os.Stat(p); err != nil {
		t.Errorf("database at %q: %v", p, err)
	}
}

// TestWritesDuringApply: while a sync's Apply runs, RaiseTimeFloor (on the
// scan path) does not wait, and other writes wait only as their context
// allows.
func TestWritesDuringApply(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	if err := s.RaiseTimeFloor(t0); err != nil {
		t.Fatal(err)
	}
	inTx := make(chan struct{})
	release := make(chan struct{})
	applied := make(chan error, 1)
	go func() {
		applied <- s.Apply(context.Background(), func(tx *Tx) error {
			if err := tx.RaiseTimeFloor(t0.Add(time.Hour)); err != nil {
				return err
			}
			close(inTx)
			<-release
			return nil
		})
	}()
	<-inTx
	start := time.Now()
	if err := s.RaiseTimeFloor(t0.Add(2 * time.Hour)); !errors.Is(err, ErrBusy) {
		t.Errorf("RaiseTimeFloor during an Apply: got %v, want ErrBusy", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("RaiseTimeFloor waited %v", d)
	}
	if got, err := s.TimeFloor(); !got.Equal(t0) || err != nil {
		t.Errorf("TimeFloor during the Apply: got %v, %v; want the committed %v", got, err, t0)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.AddCounters(ctx, t0, Counters{Green: 1}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("AddCounters with a short deadline during an Apply: got %v, want DeadlineExceeded", err)
	}
	close(release)
	if err := <-applied; err != nil {
		t.Fatal(err)
	}
	if got, _ := s.TimeFloor(); !got.Equal(t0.Add(time.Hour)) {
		t.Errorf("TimeFloor after the Apply: got %v, want %v", got, t0.Add(time.Hour))
	}
	if err := s.RaiseTimeFloor(t0.Add(2 * time.Hour)); err != nil {
		t.Errorf("RaiseTimeFloor after the Apply: %v", err)
	}
	if c, _ := s.Counters(context.Background(), t0); c.Green != 0 {
		t.Errorf("the timed-out AddCounters wrote: %+v", c)
	}
}
