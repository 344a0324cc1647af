package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

func TestOpenReadOnlyBesideAWriter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := dbPath(t)
	w := openT(t, path, nil)
	id := pass.NewID("dcc", "URN:UVCI:RO")
	signed := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	if err := w.Apply(ctx, func(tx *Tx) error {
		if _, err := tx.AddRevocations(SliceSeq([]pass.ID{id})); err != nil {
			return err
		}
		return tx.SetDataVersion(DataRevocations, 7, "test", signed)
	}); err != nil {
		t.Fatal(err)
	}
	// kioskd holds the lock; a reader opens anyway.
	r, err := OpenReadOnly(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if ok, err := r.Revoked(id); err != nil || !ok {
		t.Errorf("Revoked: got %v, %v; want true", ok, err)
	}
	v, ok, err := r.DataVersion(ctx, DataRevocations)
	if err != nil || !ok || v.Version != 7 {
		t.Errorf("DataVersion: got %+v %v %v", v, ok, err)
	}
	// A later commit by the writer is seen.
	if err := w.AddCounters(ctx, signed, Counters{Green: 3}); err != nil {
		t.Fatal(err)
	}
	if c, err := r.Counters(ctx, signed); err != nil || c.Green != 3 {
		t.Errorf("Counters after the writer's commit: got %+v, %v", c, err)
	}
	// Nothing is written through it.
	if err := r.Apply(ctx, func(tx *Tx) error { return nil }); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Apply: got %v, want ErrReadOnly", err)
	}
	if err := r.RaiseTimeFloor(time.Now()); !errors.Is(err, ErrReadOnly) {
		t.Errorf("RaiseTimeFloor: got %v, want ErrReadOnly", err)
	}
	if err := r.SetSetting(ctx, "a", "b"); !errors.Is(err, ErrReadOnly) {
		t.Errorf("SetSetting: got %v, want ErrReadOnly", err)
	}
}

func TestOpenReadOnlyRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := OpenReadOnly(ctx, filepath.Join(dir, "missing.db"), nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: got %v, want ErrNotExist", err)
	}
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte("this is not a database, but it is long enough to have a header of sorts......................................."), 0o600)
	if _, err := OpenReadOnly(ctx, junk, nil); err == nil {
		t.Error("junk: want an error")
	}
	// A database at schema v1 (not yet migrated) is refused, untouched.
	old := filepath.Join(dir, "old.db")
	s, err := open(ctx, old, nil, migrations[:1])
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := OpenReadOnly(ctx, old, nil); err == nil {
		t.Error("schema v1: want an error")
	}
}
