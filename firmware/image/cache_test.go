package image

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fakeMmdebstrap puts an mmdebstrap on PATH that makes a stand-in tree (a
// kernel and an initramfs in boot/) in its last argument and counts its
// runs in the file count.
func fakeMmdebstrap(t *testing.T) (count string) {
	t.Helper()
	bin := t.TempDir()
	count = filepath.Join(bin, "count")
	script := `#!/bin/sh
for last; do :; done
echo run >>"` + count + `"
mkdir -p "$last/boot" && : >"$last/boot/vmlinuz-6.1.0-1-arm64" && : >"$last/boot/initrd.img-6.1.0-1-arm64"
`
	if err := os.WriteFile(filepath.Join(bin, "mmdebstrap"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return count
}

func runs(t *testing.T, count string) int {
	t.Helper()
	b, err := os.ReadFile(count)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "run")
}

// TestBuildRootfsCache: a recipe is built once, marked complete by its
// .recipe file, found in the cache afterwards, and replaces the trees of
// other recipes; rootfs.path names it.
func TestBuildRootfsCache(t *testing.T) {
	count := fakeMmdebstrap(t)
	cache := t.TempDir()
	logf := func(string, ...any) {}
	r := RootfsRecipe
	tree, err := BuildRootfs(cache, r, "", logf)
	if err != nil {
		t.Fatal(err)
	}
	if tree.Cached || runs(t, count) != 1 {
		t.Errorf("first build: cached %v, %d mmdebstrap runs; want false, 1", tree.Cached, runs(t, count))
	}
	if got, want := filepath.Base(tree.Dir), "rootfs-"+r.Hash(); got != want {
		t.Errorf("tree: got %s, want %s", got, want)
	}
	if got, want := string(mustRead(t, tree.Dir+".recipe")), r.Text(); got != want {
		t.Errorf(".recipe: got %q, want the recipe's text", got)
	}
	if got, want := filepath.Base(tree.Kernel), "vmlinuz-6.1.0-1-arm64"; got != want {
		t.Errorf("kernel: got %s, want %s", got, want)
	}
	if err := WritePath(cache, tree); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(string(mustRead(t, filepath.Join(cache, "rootfs.path")))), tree.Dir; got != want {
		t.Errorf("rootfs.path: got %s, want %s", got, want)
	}

	again, err := BuildRootfs(cache, r, "", logf)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Cached || runs(t, count) != 1 {
		t.Errorf("second build: cached %v, %d mmdebstrap runs; want true, 1", again.Cached, runs(t, count))
	}

	// A tree without its .recipe is incomplete: built again.
	if err := os.Remove(tree.Dir + ".recipe"); err != nil {
		t.Fatal(err)
	}
	if _, err := BuildRootfs(cache, r, "", logf); err != nil {
		t.Fatal(err)
	}
	if got := runs(t, count); got != 2 {
		t.Errorf("after removing .recipe: %d mmdebstrap runs, want 2", got)
	}

	// Another recipe replaces this one.
	other := r
	other.Packages = append(append([]string{}, r.Packages...), "less")
	if _, err := BuildRootfs(cache, other, "", logf); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tree.Dir); !os.IsNotExist(err) {
		t.Errorf("the old recipe's tree is still there (%v)", err)
	}
	if _, err := os.Stat(tree.Dir + ".recipe"); !os.IsNotExist(err) {
		t.Errorf("the old recipe's marker is still there (%v)", err)
	}
}

// TestBuildRootfsConcurrent: runs at the same time wait for each other and
// build once.
func TestBuildRootfsConcurrent(t *testing.T) {
	count := fakeMmdebstrap(t)
	cache := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = BuildRootfs(cache, RootfsRecipe, "", func(string, ...any) {})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := runs(t, count); got != 1 {
		t.Errorf("%d mmdebstrap runs, want 1", got)
	}
}

// TestInputsKey: the image's cache key changes with every input and only
// with them.
func TestInputsKey(t *testing.T) {
	repo := t.TempDir()
	for _, p := range sourcePaths {
		f := filepath.Join(repo, p)
		if filepath.Ext(p) == "" && !strings.HasSuffix(p, "Makefile") {
			f = filepath.Join(f, "file")
		}
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(repo, "bin")
	for _, f := range []string{"bin/kioskd", "bin/kioskctl", "ca.pem", "operator.pub"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(repo, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(repo, f), []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	in := Inputs{Repo: repo, Tree: &Tree{Dir: "/cache/rootfs-0123456789abcdef"}, Bin: bin,
		Keyring: filepath.Join(repo, "ca.pem"), Epoch: "1700000000"}
	key := func(in Inputs) string {
		t.Helper()
		k, err := in.Key()
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	base := key(in)
	if again := key(in); again != base {
		t.Errorf("the same inputs: got %s, want %s", again, base)
	}
	tests := []struct {
		name   string
		change func(in *Inputs)
	}{
		{"root tree", func(in *Inputs) { in.Tree = &Tree{Dir: "/cache/rootfs-fedcba9876543210"} }},
		{"epoch", func(in *Inputs) { in.Epoch = "1700000001" }},
		{"operator key", func(in *Inputs) { in.OperatorPub = filepath.Join(repo, "operator.pub") }},
		{"kioskd", func(in *Inputs) { write(t, filepath.Join(bin, "kioskd"), "new") }},
		{"keyring", func(in *Inputs) { write(t, in.Keyring, "new") }},
		{"boot.cmd", func(in *Inputs) { write(t, filepath.Join(repo, "buildroot/board/venuekiosk/common/file"), "new") }},
		{"a new board file", func(in *Inputs) {
			write(t, filepath.Join(repo, "buildroot/board/venuekiosk/debian_arm64/new"), "new")
		}},
		{"mkimage.sh", func(in *Inputs) { write(t, filepath.Join(repo, "firmware/image/mkimage.sh"), "new") }},
	}
	prev := base
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.change(&in)
			if got := key(in); got == prev {
				t.Errorf("key %s did not change", got)
			} else {
				prev = got
			}
		})
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
