package systemtest

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// recipe is everything that decides the cached root filesystem's content.
// Its hash covers mmdebstrap's whole command line: any change to the
// recipe, or to how it is built, changes the cache's name.
type recipe struct {
	Suite    string
	Variant  string
	Packages []string
	// Excludes are dpkg path-exclude patterns: documentation and kernel
	// drivers a virtual kiosk never loads.
	Excludes []string
	// InitrdModules are all the initramfs holds (MODULES=list): what
	// mounts the root disk. A small initramfs builds and boots in
	// seconds under TCG, where Debian's MODULES=most takes a minute.
	InitrdModules []string
}

// rootfsRecipe is the test machine: Debian's systemd, udev and kernel,
// mount (for the stick) and sqlite3 (PRAGMA integrity_check from outside
// the firmware). The kiosk's own files come from `make install`.
var rootfsRecipe = recipe{
	Suite:    "bookworm",
	Variant:  "essential",
	Packages: []string{"systemd", "systemd-sysv", "udev", "linux-image-amd64", "kmod", "mount", "sqlite3"},
	Excludes: []string{
		"/usr/share/man/*", "/usr/share/doc/*", "/usr/share/info/*", "/usr/share/locale/*",
		"/lib/modules/*/kernel/drivers/gpu/*", "/lib/modules/*/kernel/drivers/media/*",
		"/lib/modules/*/kernel/sound/*", "/lib/modules/*/kernel/drivers/net/wireless/*",
		"/lib/modules/*/kernel/drivers/infiniband/*", "/lib/modules/*/kernel/drivers/staging/*",
	},
	InitrdModules: []string{"virtio_pci", "virtio_blk", "ext4"},
}

// args are mmdebstrap's arguments to build the recipe into dir. The
// initramfs configuration is written once the essential packages are in,
// before the kernel's package builds the initramfs.
func (r recipe) args(dir string) []string {
	a := []string{"--mode=root", "--format=directory", "--variant=" + r.Variant,
		"--include=" + strings.Join(r.Packages, ","), "--dpkgopt=force-unsafe-io"}
	for _, e := range r.Excludes {
		a = append(a, "--dpkgopt=path-exclude="+e)
	}
	if len(r.InitrdModules) > 0 {
		a = append(a, `--essential-hook=mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/usr/share/initramfs-tools/modules.d" && `+
			`echo MODULES=list >"$1/etc/initramfs-tools/conf.d/venuekiosk-systemtest.conf" && `+
			`printf '%s\n' `+strings.Join(r.InitrdModules, " ")+` >"$1/usr/share/initramfs-tools/modules.d/venuekiosk-systemtest"`)
	}
	return append(a, r.Suite, dir)
}

// text is the recipe as built: mmdebstrap's arguments, one a line.
func (r recipe) text() string { return strings.Join(r.args("ROOT"), "\n") + "\n" }

// hash names the recipe: 16 hex digits of its text's SHA-256.
func (r recipe) hash() string {
	h := sha256.Sum256([]byte(r.text()))
	return hex.EncodeToString(h[:8])
}

// rootfs is a cached root filesystem tree and the kernel in it.
type rootfs struct {
	Dir            string
	Kernel, Initrd string
	Cached         bool          // found in the cache
	Built          time.Duration // how long building it took
}

// cachedRootfs returns the recipe's tree from cache (build/systemtest by
// default), building it with mmdebstrap when it is missing. Trees of
// other recipes are removed. Concurrent runs wait for each other.
func cachedRootfs(t *testing.T, cache string, r recipe) *rootfs {
	t.Helper()
	if err := os.MkdirAll(cache, 0o755); err != nil {
		t.Fatal(err)
	}
	lock, err := os.OpenFile(filepath.Join(cache, "lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	name := "rootfs-" + r.hash()
	dir := filepath.Join(cache, name)
	fs := &rootfs{Dir: dir, Cached: true}
	// The recipe beside the tree marks it complete (written last).
	marker := dir + ".recipe"
	if _, err := os.Stat(marker); err != nil {
		fs.Cached = false
		tmp := dir + ".tmp"
		if err := os.RemoveAll(tmp); err != nil {
			t.Fatal(err)
		}
		t.Logf("building the root filesystem %s with mmdebstrap (a few minutes; cached afterwards)", name)
		start := time.Now()
		logPath := filepath.Join(cache, name+".log")
		logf, err := os.Create(logPath)
		if err != nil {
			t.Fatal(err)
		}
		args := r.args(tmp)
		if m := os.Getenv("VENUEKIOSK_SYSTEM_TEST_MIRROR"); m != "" {
			args = append(args, m) // not in the hash: a mirror serves the same suite
		}
		cmd := exec.Command("mmdebstrap", args...)
		cmd.Stdout, cmd.Stderr = logf, logf
		err = cmd.Run()
		logf.Close()
		if err != nil {
			b, _ := os.ReadFile(logPath)
			t.Fatalf("mmdebstrap: %v\n%s", err, tail(string(b), 4000))
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, dir); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(marker, []byte(r.text()), 0o644); err != nil {
			t.Fatal(err)
		}
		fs.Built = time.Since(start)
	}
	// Only one recipe is kept.
	old, _ := filepath.Glob(filepath.Join(cache, "rootfs-*"))
	for _, o := range old {
		if b := filepath.Base(o); b != name && b != name+".log" && b != name+".recipe" {
			os.RemoveAll(o)
		}
	}
	fs.Kernel = onlyMatch(t, filepath.Join(dir, "boot", "vmlinuz-*"))
	fs.Initrd = onlyMatch(t, filepath.Join(dir, "boot", "initrd.img-*"))
	return fs
}

func onlyMatch(t *testing.T, pattern string) string {
	t.Helper()
	m, _ := filepath.Glob(pattern)
	if len(m) != 1 {
		t.Fatalf("%s: %d matches, want 1", pattern, len(m))
	}
	return m[0]
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
