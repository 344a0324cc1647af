package client

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/sync/publish"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

func genKeys(t *testing.T, dir, role string, n int) []*repo.Signer {
	t.Helper()
	var out []*repo.Signer
	for range n {
		s, _, err := publish.GenerateKey(dir, role)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// TestRootRotation: a kiosk provisioned with root 1 (three keys, two must
// sign) follows two rotations in one sync — new root keys, then a new
// timestamp key — and from then on refuses what the old keys sign.
func TestRootRotation(t *testing.T) {
	a := newAuthority(t, 3, 2)
	a.publish(dataset(testIDs(1, 10)))
	k := newKiosk(t, a, "")
	k.sync()
	oldTS := keysOf(t, a, repo.RoleTimestamp)[0]

	newRoot := genKeys(t, a.keys, repo.RoleRoot, 3)
	if _, err := a.pub.Rotate(publish.Rotation{Role: repo.RoleRoot, Keys: newRoot, Threshold: 2}); err != nil {
		t.Fatal(err)
	}
	a.clk.Advance(time.Minute)
	if _, err := a.pub.Rotate(publish.Rotation{Role: repo.RoleTimestamp, Keys: genKeys(t, a.keys, repo.RoleTimestamp, 1)}); err != nil {
		t.Fatal(err)
	}
	a.publish(dataset(testIDs(1, 11)))
	r := k.sync()
	if r.Root != 3 || !r.Changed(repo.Revocations) {
		t.Fatalf("sync after rotations: root %d, applied %+v; want root 3 and new revocations", r.Root, r.Applied)
	}

	// A timestamp signed with the rotated-out key, over the current one.
	ts, err := repo.Parse[*repo.Timestamp](mustRead(t, filepath.Join(a.dir, "timestamp.json")), repo.RoleTimestamp)
	if err != nil {
		t.Fatal(err)
	}
	ts.Signed.Version++
	ts.Signed.Issued = ts.Signed.Issued.Add(time.Minute)
	forged, err := repo.Sign(ts.Signed, oldTS)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(a.dir, "timestamp.json"), forged, 0o644); err != nil {
		t.Fatal(err)
	}
	before := k.snapshot(testIDs(1, 11))
	_, err = k.cl.Sync(context.Background())
	var te *repo.ThresholdError
	if !errors.As(err, &te) || te.Role != repo.RoleTimestamp {
		t.Errorf("timestamp by a revoked key: %v; want a timestamp *ThresholdError", err)
	}
	if d := before.diff(k.snapshot(testIDs(1, 11))); d != "" {
		t.Errorf("store changed: %s", d)
	}

	// A fresh kiosk provisioned with root 1 walks the same chain.
	k2 := newKiosk(t, a, "")
	a.clk.Advance(time.Minute)
	if _, err := a.pub.RefreshTimestamp(); err != nil {
		t.Fatal(err)
	}
	if r := k2.sync(); r.Root != 3 {
		t.Errorf("new kiosk trusts root %d, want 3", r.Root)
	}
}

// TestRootThresholdNotMet: a new root signed by only one of the two old
// root keys needed is refused, and so is one the new keys did not sign.
func TestRootThresholdNotMet(t *testing.T) {
	for _, tc := range []struct {
		name string
		sign func(old, new []*repo.Signer) []*repo.Signer
		want string
	}{
		{"one old key", func(old, new []*repo.Signer) []*repo.Signer { return append(old[:1:1], new...) }, "trusted root's keys"},
		{"old keys only", func(old, new []*repo.Signer) []*repo.Signer { return old }, "its own keys"},
		{"new keys only", func(old, new []*repo.Signer) []*repo.Signer { return new }, "trusted root's keys"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuthority(t, 3, 2)
			a.publish(dataset(testIDs(1, 10)))
			k := newKiosk(t, a, "")
			k.sync()
			old := keysOf(t, a, repo.RoleRoot)
			nk := genKeys(t, t.TempDir(), repo.RoleRoot, 2)
			root := *a.pub.Root()
			root.Version = 2
			root.Keys = map[string]*repo.Key{}
			for id, key := range a.pub.Root().Keys {
				root.Keys[id] = key
			}
			rr := &repo.Role{Threshold: 2}
			for _, s := range nk {
				root.Keys[s.ID] = s.Key
				rr.KeyIDs = append(rr.KeyIDs, s.ID)
			}
			root.Roles = map[string]*repo.Role{}
			for n, r := range a.pub.Root().Roles {
				root.Roles[n] = r
			}
			root.Roles[repo.RoleRoot] = rr
			b, err := repo.Sign(&root, tc.sign(old, nk)...)
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(a.dir, "2.root.json"), b, 0o644)
			before := k.snapshot(testIDs(1, 2))
			_, err = k.cl.Sync(context.Background())
			var te *repo.ThresholdError
			if !errors.As(err, &te) || te.Role != repo.RoleRoot {
				t.Fatalf("Sync: %v; want a root *ThresholdError", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Sync: %v; want it to mention %q", err, tc.want)
			}
			if d := before.diff(k.snapshot(testIDs(1, 2))); d != "" {
				t.Errorf("store changed: %s", d)
			}
			if b, _ := os.ReadFile(filepath.Join(k.dir, "tuf", "root.json")); strings.Contains(string(b), `"version": 2`) {
				t.Error("the refused root was saved as trusted")
			}
		})
	}
}

// TestThresholdTwo: a timestamp role that needs two signatures refuses a
// timestamp with one.
func TestThresholdTwo(t *testing.T) {
	a := newAuthority(t, 1, 1)
	ts := genKeys(t, a.keys, repo.RoleTimestamp, 2)
	if _, err := a.pub.Rotate(publish.Rotation{Role: repo.RoleTimestamp, Keys: ts, Threshold: 2}); err != nil {
		t.Fatal(err)
	}
	a.publish(dataset(testIDs(1, 10)))
	// Version 2 of the root is the kiosk's initial root here.
	a.rootRaw = mustRead(t, filepath.Join(a.dir, "2.root.json"))
	k := newKiosk(t, a, "")
	k.sync()
	a.clk.Advance(time.Minute)
	a.publish(dataset(testIDs(1, 12)))
	m, err := repo.Parse[*repo.Timestamp](mustRead(t, filepath.Join(a.dir, "timestamp.json")), repo.RoleTimestamp)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Signatures) != 2 {
		t.Fatalf("publisher signed with %d keys, want 2", len(m.Signatures))
	}
	one, err := repo.Sign(m.Signed, ts[1])
	if err != nil {
		t.Fatal(err)
	}
	good := mustRead(t, filepath.Join(a.dir, "timestamp.json"))
	os.WriteFile(filepath.Join(a.dir, "timestamp.json"), one, 0o644)
	before := k.snapshot(testIDs(1, 12))
	_, err = k.cl.Sync(context.Background())
	var te *repo.ThresholdError
	if !errors.As(err, &te) || te.Valid != 1 || te.Threshold != 2 {
		t.Fatalf("Sync: %v; want 1 of 2 signatures refused", err)
	}
	if d := before.diff(k.snapshot(testIDs(1, 12))); d != "" {
		t.Errorf("store changed: %s", d)
	}
	os.WriteFile(filepath.Join(a.dir, "timestamp.json"), good, 0o644)
	if r := k.sync(); !r.Changed(repo.Revocations) {
		t.Errorf("with both signatures: applied %+v", r.Applied)
	}
}

// TestReprovisioned: a kiosk given another initial root (another
// authority) starts over from it.
func TestReprovisioned(t *testing.T) {
	a := newAuthority(t, 1, 1)
	a.publish(dataset(testIDs(1, 10)))
	k := newKiosk(t, a, "")
	k.sync()
	b := newAuthority(t, 1, 1)
	b.publish(dataset(testIDs(1, 10)))
	b.publish(dataset(testIDs(1, 20))) // data versions past a's
	k2, err := New(Opts{Source: b.dir, Root: b.rootRaw, Dir: filepath.Join(k.dir, "tuf"), Store: k.st, Now: b.clk.Now, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	r, err := k2.Sync(context.Background())
	if err != nil {
		t.Fatalf("Sync with the new root: %v", err)
	}
	if !r.Changed(repo.Revocations) {
		t.Errorf("applied %+v", r.Applied)
	}
}

// TestTrustedMetadataDamaged: damaged files in the metadata directory are
// dropped and fetched again.
func TestTrustedMetadataDamaged(t *testing.T) {
	a := newAuthority(t, 1, 1)
	a.publish(dataset(testIDs(1, 10)))
	k := newKiosk(t, a, "")
	k.sync()
	for _, f := range []string{"timestamp.json", "snapshot.json", "targets.json", "root.json"} {
		p := filepath.Join(k.dir, "tuf", f)
		b := mustRead(t, p)
		os.WriteFile(p, b[:len(b)/2], 0o600)
	}
	leftover := filepath.Join(k.dir, "tuf", ".timestamp.json.123456")
	os.WriteFile(leftover, []byte("half a save"), 0o600)
	a.clk.Advance(time.Minute)
	a.publish(dataset(testIDs(1, 11)))
	if r := k.sync(); !r.Changed(repo.Revocations) || r.Timestamp != 3 {
		t.Errorf("sync over damaged metadata: %+v", r)
	}
	if _, err := os.Stat(leftover); err == nil {
		t.Error("the leftover of an interrupted save is still there")
	}
}
