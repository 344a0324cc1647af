package repo_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/theupdateframework/go-tuf/v2/metadata/config"
	"github.com/theupdateframework/go-tuf/v2/metadata/updater"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/internal/store"
	"github.com/venuekiosk/venuekiosk/sync/publish"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// TestGoTUFReadsOurRepository: the reference Go TUF client
// (github.com/theupdateframework/go-tuf/v2) refreshes a repository that
// vkpublish's library built — root rotation with a threshold included —
// and downloads its targets: the metadata is TUF as the specification and
// go-tuf define it (canonical JSON, key IDs, signatures, lengths and
// hashes, consistent snapshots), not a look-alike. The kiosk itself does
// not link go-tuf (see the sync/client documentation for why).
func TestGoTUFReadsOurRepository(t *testing.T) {
	base := t.TempDir()
	dir, keys := filepath.Join(base, "repo"), filepath.Join(base, "keys")
	r, err := publish.Init(dir, keys, 3, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, err := os.ReadFile(filepath.Join(dir, "1.root.json"))
	if err != nil {
		t.Fatal(err)
	}
	ids := []pass.ID{pass.NewID("dcc", "01:XA:A"), pass.NewID("dcc", "01:XA:B")}
	in := publish.Inputs{Policy: policy.DefaultJSON(), Revocations: ids, Codes: []store.CodeEntry{{ID: ids[0], Code: pass.AmberCode}}}
	if _, err := r.Publish(in); err != nil {
		t.Fatal(err)
	}
	in.Revocations = ids[:1]
	if _, err := r.Publish(in); err != nil { // a delta too
		t.Fatal(err)
	}
	var newRoot []*repo.Signer
	for range 2 {
		s, _, err := publish.GenerateKey(keys, repo.RoleRoot)
		if err != nil {
			t.Fatal(err)
		}
		newRoot = append(newRoot, s)
	}
	if _, err := r.Rotate(publish.Rotation{Role: repo.RoleRoot, Keys: newRoot, Threshold: 2}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()

	cfg, err := config.New(srv.URL, first)
	if err != nil {
		t.Fatal(err)
	}
	cfg.LocalMetadataDir = t.TempDir()
	cfg.LocalTargetsDir = t.TempDir()
	cfg.RemoteTargetsURL = srv.URL + "/targets/"
	cfg.PrefixTargetsWithHash = true
	up, err := updater.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := up.Refresh(); err != nil {
		t.Fatalf("go-tuf refresh: %v", err)
	}
	tm := up.GetTrustedMetadataSet()
	if got := tm.Root.Signed.Version; got != 2 {
		t.Errorf("go-tuf trusts root %d, want 2", got)
	}
	if got, want := tm.Targets["targets"].Signed.Version, r.Targets().Version; got != want {
		t.Errorf("go-tuf trusts targets %d, want %d", got, want)
	}
	for _, name := range []string{publish.FullTarget, "revocations/delta-2.bin", publish.CodesTarget, publish.PolicyTarget} {
		ti, err := up.GetTargetInfo(name)
		if err != nil {
			t.Errorf("go-tuf: target %s: %v", name, err)
			continue
		}
		_, data, err := up.DownloadTarget(ti, "", "")
		if err != nil {
			t.Errorf("go-tuf: downloading %s: %v", name, err)
			continue
		}
		tf := r.Targets().Targets[name]
		want, err := os.ReadFile(filepath.Join(dir, "targets", filepath.Dir(name), tf.Hashes["sha256"]+"."+filepath.Base(name)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data, want) {
			t.Errorf("go-tuf: %s differs from the published file", name)
		}
	}

	// And it refuses what it should: a target whose bytes changed.
	tf := r.Targets().Targets[publish.CodesTarget]
	p := filepath.Join(dir, "targets", tf.Hashes["sha256"]+".codes.bin")
	b, _ := os.ReadFile(p)
	b[len(b)-1] ^= 1
	os.WriteFile(p, b, 0o644)
	cfg.LocalTargetsDir = t.TempDir()
	ti, err := up.GetTargetInfo(publish.CodesTarget)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := up.DownloadTarget(ti, filepath.Join(cfg.LocalTargetsDir, "codes.bin"), ""); err == nil {
		t.Error("go-tuf accepted a changed target")
	}
}
