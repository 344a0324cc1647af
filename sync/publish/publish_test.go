package publish

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/clock"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/internal/store"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func ids(b, n int) []pass.ID {
	out := make([]pass.ID, n)
	for i := range out {
		out[i] = pass.NewID("test", fmt.Sprintf("%d/%d", b, i))
	}
	return out
}

type fixture struct {
	dir, keys string
	clk       *clock.Fake
	r         *Repo
}

func newFixture(t *testing.T, o *Opts) *fixture {
	t.Helper()
	base := t.TempDir()
	f := &fixture{dir: filepath.Join(base, "repo"), keys: filepath.Join(base, "keys"), clk: clock.NewFake(t0)}
	if o == nil {
		o = &Opts{}
	}
	o.Now = f.clk.Now
	r, err := Init(f.dir, f.keys, 1, 1, o)
	if err != nil {
		t.Fatal(err)
	}
	f.r = r
	return f
}

func (f *fixture) publish(t *testing.T, in Inputs) *Summary {
	t.Helper()
	f.clk.Advance(time.Minute)
	s, err := f.r.Publish(in)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func changed(s *Summary) []string {
	var out []string
	for _, c := range s.Changed {
		out = append(out, fmt.Sprintf("%s %d→%d", c.Dataset, c.From, c.To))
	}
	slices.Sort(out)
	return out
}

func TestPublishVersions(t *testing.T) {
	f := newFixture(t, nil)
	in := Inputs{Trust: []*pass.Key{}, Policy: policy.DefaultJSON(), Revocations: ids(1, 10),
		Codes: []store.CodeEntry{{ID: ids(2, 1)[0], Code: pass.RedCode}}, Exposures: []store.Exposure{}}
	s := f.publish(t, in)
	if got, want := changed(s), []string{"codes 0→1", "exposures 0→1", "policy 0→1", "revocations 0→1", "trust 0→1"}; !slices.Equal(got, want) {
		t.Errorf("first publish changed %v, want %v", got, want)
	}
	// The same again: no new data set versions, only a new timestamp.
	ts := f.r.Timestamp().Version
	s = f.publish(t, in)
	if len(s.Changed) != 0 || s.Timestamp != ts+1 || s.Targets != f.r.Targets().Version {
		t.Errorf("same data: %+v; want only timestamp %d", s, ts+1)
	}
	// Only what changed gets a new version; revocations get a delta.
	in.Revocations = append(ids(1, 8), ids(3, 4)...)
	in.Policy = nil // unchanged (not given)
	s = f.publish(t, in)
	if got, want := changed(s), []string{"revocations 1→2"}; !slices.Equal(got, want) {
		t.Errorf("changed %v, want %v", got, want)
	}
	if c := s.Changed[0]; c.Adds != 4 || c.Removes != 2 || c.Entries != 12 {
		t.Errorf("revocation change %+v; want 4 added, 2 removed, 12 entries", c)
	}
	tg := f.r.Targets()
	d, ok := tg.Targets["revocations/delta-2.bin"]
	if !ok || d.Custom.Dataset.From != 1 || d.Custom.Dataset.Version != 2 || d.Length != 24+6*32 {
		t.Errorf("delta target %+v", d)
	}
	if _, ok := tg.Targets[PolicyTarget]; !ok {
		t.Error("the policy left targets when it was not given")
	}
	// Order and repeats of the input do not matter.
	rev := slices.Clone(in.Revocations)
	slices.Reverse(rev)
	in.Revocations = append(rev, rev[0])
	if s := f.publish(t, in); len(s.Changed) != 0 {
		t.Errorf("reordered list changed %v", changed(s))
	}
}

func TestPublishRefuses(t *testing.T) {
	f := newFixture(t, nil)
	for _, tc := range []struct {
		name string
		in   Inputs
		want string
	}{
		{"zero ID", Inputs{Revocations: []pass.ID{{}}}, "zero"},
		{"bad policy", Inputs{Policy: []byte(`{"stale_data":"purple"}`)}, "policy"},
		{"bad code", Inputs{Codes: []store.CodeEntry{{ID: ids(1, 1)[0], Code: pass.Revoked}}}, "code"},
		{"code ends before it starts", Inputs{Codes: []store.CodeEntry{{ID: ids(1, 1)[0], Code: pass.RedCode, ValidFrom: t0, ValidUntil: t0.Add(-time.Hour)}}}, "valid until"},
		{"exposure without venue", Inputs{Exposures: []store.Exposure{{Start: t0, End: t0.Add(time.Hour), NoticeUntil: t0}}}, "venue"},
		{"exposure window backwards", Inputs{Exposures: []store.Exposure{{Venue: "V", Start: t0, End: t0, NoticeUntil: t0}}}, "window"},
		{"staff card id in lower case", Inputs{StaffRevocations: []string{"CM-1", "cm-2"}}, "card id"},
		{"empty staff card id", Inputs{StaffRevocations: []string{""}}, "card id"},
		{"staff card id too long", Inputs{StaffRevocations: []string{strings.Repeat("A", 25)}}, "card id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := f.r.Timestamp().Version
			if _, err := f.r.Publish(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: Publish: %v; want an error mentioning %q", tc.name, err, tc.want)
			}
			if f.r.Timestamp().Version != ts {
				t.Errorf("%s: a refused publish signed a timestamp", tc.name)
			}
		})
	}
}

func TestKeepDeltasAndPrune(t *testing.T) {
	f := newFixture(t, &Opts{KeepDeltas: 3, KeepVersions: 2})
	for v := 1; v <= 6; v++ {
		f.publish(t, Inputs{Revocations: ids(1, v)})
	}
	var deltas []string
	for name := range f.r.Targets().Targets {
		if strings.Contains(name, "delta") {
			deltas = append(deltas, name)
		}
	}
	slices.Sort(deltas)
	if want := []string{"revocations/delta-4.bin", "revocations/delta-5.bin", "revocations/delta-6.bin"}; !slices.Equal(deltas, want) {
		t.Errorf("deltas %v, want %v", deltas, want)
	}
	// Only the last two versions of snapshot and targets metadata remain,
	// and only the files they name.
	var meta []string
	ents, _ := os.ReadDir(f.dir)
	for _, e := range ents {
		if !e.IsDir() {
			meta = append(meta, e.Name())
		}
	}
	slices.Sort(meta)
	if want := []string{"1.root.json", "6.snapshot.json", "6.targets.json", "7.snapshot.json", "7.targets.json", "root.json", "timestamp.json"}; !slices.Equal(meta, want) {
		t.Errorf("metadata files %v, want %v", meta, want)
	}
	var files int
	filepath.WalkDir(filepath.Join(f.dir, "targets"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files++
		}
		return err
	})
	// Version 7 (the last targets) names full-6 and deltas 4,5,6; version 6
	// names full-5 and deltas 3,4,5: full-5, full-6, deltas 3–6.
	if files != 6 {
		t.Errorf("%d target files kept, want 6", files)
	}
}

func TestOpenChecks(t *testing.T) {
	f := newFixture(t, nil)
	f.publish(t, Inputs{Revocations: ids(1, 3)})
	if _, err := Open(f.dir, nil, f.keys); err != nil {
		t.Fatalf("Open: %v", err)
	}
	// Someone edited the timestamp by hand.
	p := filepath.Join(f.dir, "timestamp.json")
	b, _ := os.ReadFile(p)
	edited := bytes.Replace(b, []byte(`"version": 2`), []byte(`"version": 9`), 1)
	if bytes.Equal(b, edited) {
		t.Fatal("the test did not edit the timestamp")
	}
	os.WriteFile(p, edited, 0o644)
	var te *repo.ThresholdError
	if _, err := Open(f.dir, nil, f.keys); !errors.As(err, &te) {
		t.Errorf("Open over an edited timestamp: %v; want a *ThresholdError", err)
	}
	if _, err := Open(t.TempDir(), nil, f.keys); err == nil || !strings.Contains(err.Error(), "not a repository") {
		t.Errorf("Open(empty dir): %v", err)
	}
	if _, err := Init(f.dir, f.keys, 1, 1, nil); err == nil || !strings.Contains(err.Error(), "already") {
		t.Errorf("Init over a repository: %v", err)
	}
	for _, tc := range [][2]int{{0, 1}, {1, 0}, {2, 3}} {
		if _, err := Init(t.TempDir(), t.TempDir(), tc[0], tc[1], nil); err == nil {
			t.Errorf("Init with %d root keys, threshold %d succeeded", tc[0], tc[1])
		}
	}
}

func TestSigningNeedsKeys(t *testing.T) {
	f := newFixture(t, nil)
	r, err := Open(f.dir, &Opts{Now: f.clk.Now}) // no key directory
	if err != nil {
		t.Fatal(err)
	}
	var mk *MissingKeysError
	if _, err := r.Publish(Inputs{Revocations: ids(1, 2)}); !errors.As(err, &mk) || mk.Role != repo.RoleTargets {
		t.Errorf("Publish without keys: %v; want a targets *MissingKeysError", err)
	}
	if _, err := r.RefreshTimestamp(); !errors.As(err, &mk) || mk.Role != repo.RoleTimestamp {
		t.Errorf("RefreshTimestamp without keys: %v", err)
	}
}

func TestRotate(t *testing.T) {
	base := t.TempDir()
	clk := clock.NewFake(t0)
	holderA, holderB := filepath.Join(base, "a"), filepath.Join(base, "b")
	r, err := Init(filepath.Join(base, "repo"), holderA, 2, 2, &Opts{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	// Move one root key to a second holder.
	var moved string
	ents, _ := os.ReadDir(holderA)
	os.MkdirAll(holderB, 0o700)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "root-") {
			moved = e.Name()
			os.Rename(filepath.Join(holderA, e.Name()), filepath.Join(holderB, e.Name()))
			break
		}
	}
	if moved == "" {
		t.Fatal("no root key")
	}
	// One holder alone cannot rotate the root.
	r, err = Open(filepath.Join(base, "repo"), &Opts{Now: clk.Now}, holderA)
	if err != nil {
		t.Fatal(err)
	}
	var mk *MissingKeysError
	newRoot, _, _ := GenerateKey(holderA, repo.RoleRoot)
	if _, err := r.Rotate(Rotation{Role: repo.RoleRoot, Keys: []*repo.Signer{newRoot}, Threshold: 1}); !errors.As(err, &mk) {
		t.Fatalf("rotation with one of two root keys: %v; want a *MissingKeysError", err)
	}
	if _, err := os.Stat(filepath.Join(base, "repo", "2.root.json")); err == nil {
		t.Fatal("a refused rotation wrote a root")
	}
	// Both holders together can.
	r, err = Open(filepath.Join(base, "repo"), &Opts{Now: clk.Now}, holderA, holderB)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Rotate(Rotation{Role: repo.RoleRoot, Keys: []*repo.Signer{newRoot}, Threshold: 1}); err != nil {
		t.Fatal(err)
	}
	root := r.Root()
	if root.Version != 2 || len(root.Roles[repo.RoleRoot].KeyIDs) != 1 || root.Roles[repo.RoleRoot].KeyIDs[0] != newRoot.ID {
		t.Errorf("root after rotation: version %d, root keys %v", root.Version, root.Roles[repo.RoleRoot].KeyIDs)
	}
	m, err := repo.Parse[*repo.Root](mustRead(t, filepath.Join(base, "repo", "2.root.json")), repo.RoleRoot)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Signatures) != 3 {
		t.Errorf("root 2 has %d signatures, want 3 (two old root keys, one new)", len(m.Signatures))
	}
	if len(root.Keys) != 4 {
		t.Errorf("root 2 lists %d keys, want 4 (old root keys dropped)", len(root.Keys))
	}
	// Bad rotations.
	for _, rot := range []Rotation{{Role: "admin"}, {Role: repo.RoleTargets, Keys: []*repo.Signer{}}, {Role: repo.RoleTargets, Threshold: 2}} {
		if _, err := r.Rotate(rot); err == nil {
			t.Errorf("Rotate(%+v) succeeded", rot)
		}
	}
	// With the root keys only, a rotation is refused before a root is
	// written: the new root's targets, snapshot and timestamp could not be
	// signed.
	rootOnly := t.TempDir()
	for _, dir := range []string{holderA, holderB} {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), "root-") {
				os.WriteFile(filepath.Join(rootOnly, e.Name()), mustRead(t, filepath.Join(dir, e.Name())), 0o600)
			}
		}
	}
	r3, err := Open(filepath.Join(base, "repo"), &Opts{Now: clk.Now}, rootOnly)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r3.Rotate(Rotation{Role: repo.RoleRoot}); !errors.As(err, &mk) || mk.Role == repo.RoleRoot {
		t.Errorf("rotation with root keys only: %v; want a *MissingKeysError for an online role", err)
	}
	if _, err := os.Stat(filepath.Join(base, "repo", "3.root.json")); err == nil {
		t.Error("a refused rotation wrote a root")
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPublishStaffRevocations: the staff-card revocations are a data set
// like the others: a new version when the list changes, none when only
// its order or repeats do, an empty list published as such.
func TestPublishStaffRevocations(t *testing.T) {
	f := newFixture(t, nil)
	s := f.publish(t, Inputs{StaffRevocations: []string{}})
	if got, want := changed(s), []string{"staff_revocations 0→1"}; !slices.Equal(got, want) {
		t.Errorf("first publish changed %v, want %v", got, want)
	}
	tf, ok := f.r.Targets().Targets[StaffTarget]
	if !ok || tf.Custom.Dataset.Name != repo.StaffRevocations || tf.Custom.Dataset.Version != 1 || tf.Custom.Dataset.Entries != 0 {
		t.Fatalf("staff target %+v, %v", tf, ok)
	}
	s = f.publish(t, Inputs{StaffRevocations: []string{"CM-2", "CM-1", "CM-2"}})
	if got, want := changed(s), []string{"staff_revocations 1→2"}; !slices.Equal(got, want) || s.Changed[0].Entries != 2 {
		t.Errorf("second publish changed %v (%+v), want %v with 2 entries", got, s.Changed, want)
	}
	tf = f.r.Targets().Targets[StaffTarget]
	b, err := os.ReadFile(filepath.Join(f.dir, filepath.FromSlash(targetPath(StaffTarget, tf))))
	if err != nil {
		t.Fatal(err)
	}
	cards, err := repo.ParseStaffRevocations(b)
	if err != nil || !slices.Equal(cards, []string{"CM-1", "CM-2"}) {
		t.Errorf("published file holds %q, %v; want [CM-1 CM-2]", cards, err)
	}
	// Another order, or not given at all: no new version.
	if s := f.publish(t, Inputs{StaffRevocations: []string{"CM-1", "CM-2"}}); len(s.Changed) != 0 {
		t.Errorf("the same list changed %v", changed(s))
	}
	if s := f.publish(t, Inputs{Revocations: ids(7, 1)}); slices.Contains(changed(s), "staff_revocations 2→3") {
		t.Errorf("staff revocations not given, yet changed: %v", changed(s))
	}
	if v := f.r.Targets().Targets[StaffTarget].Custom.Dataset.Version; v != 2 {
		t.Errorf("staff revocations version %d after publishes without them, want 2", v)
	}
}
