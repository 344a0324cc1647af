package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestBackupAndRestore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := dbPath(t)
	s := openT(t, p, migrations[:2])
	if err := s.SetSetting(ctx, "era", "v2"); err != nil {
		t.Fatal(err)
	}
	apply(t, s, func(tx *Tx) error {
		_, err := tx.AddRevocations(SliceSeq(ids(1, 100)))
		return err
	})
	s.Close()

	s = openT(t, p, migrations[:3])
	if got, want := s.Status().Backup, p+".pre-v3"; got != want {
		t.Fatalf("backup: got %q, want %q", got, want)
	}
	if err := s.SetSetting(ctx, "era", "v3"); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(p); !errors.Is(err, ErrInUse) {
		t.Errorf("Restore while open: got %v, want ErrInUse", err)
	}
	s.Close()

	bs, err := Backups(p)
	if err != nil || !slices.Equal(bs, []string{p + ".pre-v3"}) {
		t.Fatalf("Backups: got %q, %v", bs, err)
	}
	from, err := Restore(p)
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if from != p+".pre-v3" {
		t.Errorf("Restore used %q, want the pre-v3 copy", from)
	}
	if h, _ := readHeader(p); h.userVersion != 2 {
		t.Errorf("restored database: v%d, want v2", h.userVersion)
	}
	if !exists(p + ".pre-v3") {
		t.Errorf("Restore consumed the copy; want it kept")
	}
	replaced, _ := filepath.Glob(p + ".replaced-*")
	if len(replaced) != 1 {
		t.Fatalf("replaced files: %q, want one", replaced)
	}
	if h, _ := readHeader(replaced[0]); h.userVersion != 3 {
		t.Errorf("the replaced database: v%d, want the v3 one", h.userVersion)
	}

	// Old firmware (v2) opens the restored database as it was.
	s = openT(t, p, migrations[:2])
	if v, _, _ := s.Setting(ctx, "era"); v != "v2" {
		t.Errorf("restored setting: got %q, want v2", v)
	}
	if got := revocationCount(t, s); got != 100 {
		t.Errorf("restored revocations: got %d, want 100", got)
	}
	if s.Status().Backup != "" {
		t.Errorf("opening at the same version made a copy")
	}
}

func TestRestoreNoBackup(t *testing.T) {
	t.Parallel()
	p := dbPath(t)
	openT(t, p, nil).Close()
	before := fileHash(t, p)
	if _, err := Restore(p); !errors.Is(err, ErrNoBackup) {
		t.Errorf("got %v, want ErrNoBackup", err)
	}
	if fileHash(t, p) != before {
		t.Errorf("the database changed")
	}
}

func TestRestoreRefusesDamagedCopy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"not a database", []byte(strings.Repeat("not sqlite ", 100)), "not an SQLite database"},
		{"empty", nil, "not an SQLite database"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := dbPath(t)
			openT(t, p, nil).Close()
			before := fileHash(t, p)
			if err := os.WriteFile(p+".pre-v3", tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Restore(p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
			if fileHash(t, p) != before {
				t.Errorf("the database changed")
			}
		})
	}
}

func TestRestorePicksNewestAndIgnoresOthers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "kiosk.db")
	for _, name := range []string{"kiosk.db.pre-v2", "kiosk.db.pre-v10", "kiosk.db.pre-v3", "kiosk.db.pre-v03", "kiosk.db.pre-vx", "kiosk.db.pre-v0", "other.db.pre-v9"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Backups(p)
	want := []string{p + ".pre-v2", p + ".pre-v3", p + ".pre-v10"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Backups: got %q, %v; want %q", got, err, want)
	}
}
