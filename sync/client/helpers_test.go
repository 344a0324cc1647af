package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/clock"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/internal/store"
	"github.com/venuekiosk/venuekiosk/sync/publish"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

var quiet = slog.New(slog.DiscardHandler)

// authority is a publisher with its repository and keys in a temporary
// directory, signing on a fake clock.
type authority struct {
	t       testing.TB
	dir     string // the repository
	keys    string
	clk     *clock.Fake
	pub     *publish.Repo
	rootRaw []byte // version 1: what kiosks are provisioned with
}

func newAuthority(t testing.TB, rootKeys, rootThreshold int) *authority {
	t.Helper()
	base := t.TempDir()
	a := &authority{t: t, dir: filepath.Join(base, "repo"), keys: filepath.Join(base, "keys"), clk: clock.NewFake(t0)}
	var err error
	a.pub, err = publish.Init(a.dir, a.keys, rootKeys, rootThreshold, a.opts())
	if err != nil {
		t.Fatal(err)
	}
	if a.rootRaw, err = os.ReadFile(filepath.Join(a.dir, "1.root.json")); err != nil {
		t.Fatal(err)
	}
	return a
}

func (a *authority) opts() *publish.Opts {
	return &publish.Opts{Now: a.clk.Now}
}

// reopen reads the repository again (after a test edited it).
func (a *authority) reopen() {
	a.t.Helper()
	p, err := publish.Open(a.dir, a.opts(), a.keys)
	if err != nil {
		a.t.Fatal(err)
	}
	a.pub = p
}

func (a *authority) publish(in publish.Inputs) *publish.Summary {
	a.t.Helper()
	s, err := a.pub.Publish(in)
	if err != nil {
		a.t.Fatal(err)
	}
	return s
}

// testIDs returns n distinct IDs of batch b.
func testIDs(b, n int) []pass.ID {
	out := make([]pass.ID, n)
	for i := range out {
		out[i] = pass.NewID("test", fmt.Sprintf("%d/%d", b, i))
	}
	return out
}

// lostCard is the staff card every dataset revokes.
const lostCard = "CM-LOST-1"

// dataset is a small complete data set.
func dataset(revs []pass.ID) publish.Inputs {
	return publish.Inputs{
		Trust:            []*pass.Key{},
		Policy:           policy.DefaultJSON(),
		Revocations:      revs,
		Codes:            []store.CodeEntry{{ID: testIDs(9, 1)[0], Code: pass.AmberCode, ValidFrom: t0.Add(-time.Hour)}},
		Exposures:        []store.Exposure{{Venue: "V1", Start: t0.Add(-3 * time.Hour), End: t0.Add(-time.Hour), NoticeEN: "A case visited.", NoticeZH: "確診者曾到訪。", NoticeUntil: t0.AddDate(0, 0, 14)}},
		StaffRevocations: []string{lostCard},
	}
}

// kiosk is a store and a sync client.
type kiosk struct {
	t   testing.TB
	dir string
	st  *store.Store
	cl  *Client
	clk *clock.Trusted // the kiosk's trusted clock, on the authority's fake clock
}

func newKiosk(t testing.TB, a *authority, source string, mod ...func(o *Opts)) *kiosk {
	t.Helper()
	return newKioskIn(t, a, source, t.TempDir(), mod...)
}

// newKioskIn makes a kiosk whose store and metadata are in dir.
func newKioskIn(t testing.TB, a *authority, source, dir string, mod ...func(o *Opts)) *kiosk {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(dir, "kiosk.db"), &store.Opts{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	k := &kiosk{t: t, dir: dir, st: st}
	if source == "" {
		source = a.dir
	}
	if k.clk, err = clock.NewTrusted(a.clk, st); err != nil {
		t.Fatal(err)
	}
	o := Opts{Source: source, Root: a.rootRaw, Dir: filepath.Join(dir, "tuf"), Store: st, Now: a.clk.Now, Logger: quiet,
		Timeout: 5 * time.Second, StallTimeout: 2 * time.Second, FloorFor: k.clk.FloorFor}
	for _, m := range mod {
		m(&o)
	}
	if k.cl, err = New(o); err != nil {
		t.Fatal(err)
	}
	return k
}

func (k *kiosk) sync() *Result {
	k.t.Helper()
	r, err := k.cl.Sync(context.Background())
	if err != nil {
		k.t.Fatalf("Sync: %v", err)
	}
	return r
}

func (k *kiosk) version(name string) int64 {
	k.t.Helper()
	v, _, err := k.st.DataVersion(context.Background(), name)
	if err != nil {
		k.t.Fatal(err)
	}
	return v.Version
}

func (k *kiosk) revoked(id pass.ID) bool {
	k.t.Helper()
	ok, err := k.st.Revoked(id)
	if err != nil {
		k.t.Fatal(err)
	}
	return ok
}

// snapshot is everything a failed sync must leave as it was.
type snapshot struct {
	versions []store.DataVersion
	stats    store.Stats
	policy   []byte
	floor    time.Time
	codes    []pass.Code
	revoked  []bool
	staff    int64 // revoked staff cards
}

func (k *kiosk) snapshot(probe []pass.ID) snapshot {
	k.t.Helper()
	ctx := context.Background()
	var s snapshot
	var err error
	if s.versions, err = k.st.DataVersions(ctx); err != nil {
		k.t.Fatal(err)
	}
	if s.stats, err = k.st.Stats(ctx); err != nil {
		k.t.Fatal(err)
	}
	s.stats.Bytes = 0 // free pages come and go
	if s.policy, _, err = k.st.PolicyJSON(ctx); err != nil {
		k.t.Fatal(err)
	}
	if s.floor, err = k.st.TimeFloor(); err != nil {
		k.t.Fatal(err)
	}
	if s.staff, err = k.st.StaffRevocationCount(ctx); err != nil {
		k.t.Fatal(err)
	}
	for _, id := range probe {
		c, err := k.st.Code(id, t0)
		if err != nil {
			k.t.Fatal(err)
		}
		s.codes = append(s.codes, c)
		s.revoked = append(s.revoked, k.revoked(id))
	}
	return s
}

func (s snapshot) diff(o snapshot) string {
	switch {
	case !slices.Equal(s.versions, o.versions):
		return fmt.Sprintf("data versions %+v, then %+v", s.versions, o.versions)
	case s.stats != o.stats:
		return fmt.Sprintf("store counts %+v, then %+v", s.stats, o.stats)
	case !bytes.Equal(s.policy, o.policy):
		return "policy changed"
	case !s.floor.Equal(o.floor):
		return fmt.Sprintf("time floor %v, then %v", s.floor, o.floor)
	case !slices.Equal(s.codes, o.codes):
		return fmt.Sprintf("codes %v, then %v", s.codes, o.codes)
	case !slices.Equal(s.revoked, o.revoked):
		return fmt.Sprintf("revoked %v, then %v", s.revoked, o.revoked)
	case s.staff != o.staff:
		return fmt.Sprintf("%d revoked staff cards, then %d", s.staff, o.staff)
	}
	return ""
}

// copyDir copies a repository (for a mirror that an attacker controls).
func copyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, in); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		return os.Chtimes(out, fi.ModTime(), fi.ModTime()) // as mirrors do (rsync -t)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func repoDataset(entries int64) repo.Dataset {
	return repo.Dataset{Name: repo.Revocations, Version: 1, Kind: repo.KindFull, Entries: entries}
}
