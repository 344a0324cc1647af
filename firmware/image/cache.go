package image

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Tree is a cached root tree and the kernel in it.
type Tree struct {
	Dir            string
	Kernel, Initrd string
	Cached         bool          // found in the cache
	Built          time.Duration // how long building it took
}

// lockCache takes the lock file name in cache, waiting for any other
// build; the returned function releases it.
func lockCache(cache, name string) (func(), error) {
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, err
	}
	lock, err := os.OpenFile(filepath.Join(cache, name), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		lock.Close()
		return nil, err
	}
	return func() { lock.Close() }, nil
}

// BuildRootfs returns the recipe's tree from cache, building it with
// mmdebstrap when it is missing: into cache/rootfs-<hash>/, with the
// recipe's text written to cache/rootfs-<hash>.recipe last, as the mark
// of a complete tree. Trees of other recipes are removed. Concurrent runs
// wait for each other. mirror, when not empty, is given to mmdebstrap and
// is not part of the hash: a mirror serves the same suite. logf receives
// progress lines; mmdebstrap's output goes to cache/rootfs-<hash>.log.
func BuildRootfs(cache string, r Recipe, mirror string, logf func(string, ...any)) (*Tree, error) {
	unlock, err := lockCache(cache, "lock")
	if err != nil {
		return nil, err
	}
	defer unlock()
	name := "rootfs-" + r.Hash()
	dir := filepath.Join(cache, name)
	t := &Tree{Dir: dir, Cached: true}
	marker := dir + ".recipe"
	if _, err := os.Stat(marker); err != nil {
		t.Cached = false
		tmp := dir + ".tmp"
		if err := os.RemoveAll(tmp); err != nil {
			return nil, err
		}
		logf("building the root tree %s with mmdebstrap (arm64 under qemu-user: minutes; cached afterwards)", name)
		start := time.Now()
		logPath := filepath.Join(cache, name+".log")
		lf, err := os.Create(logPath)
		if err != nil {
			return nil, err
		}
		args := r.Args(tmp)
		if mirror != "" {
			args = append(args, mirror)
		}
		cmd := exec.Command("mmdebstrap", args...)
		cmd.Stdout, cmd.Stderr = lf, lf
		cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
		err = cmd.Run()
		lf.Close()
		if err != nil {
			b, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("mmdebstrap: %v (log %s)\n%s", err, logPath, tail(string(b), 4000))
		}
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
		if err := os.Rename(tmp, dir); err != nil {
			return nil, err
		}
		if err := os.WriteFile(marker, []byte(r.Text()), 0o644); err != nil {
			return nil, err
		}
		t.Built = time.Since(start)
		logf("built %s in %s", name, t.Built.Round(time.Second))
	}
	// Only one recipe is kept.
	old, _ := filepath.Glob(filepath.Join(cache, "rootfs-*"))
	for _, o := range old {
		if b := filepath.Base(o); b != name && b != name+".log" && b != name+".recipe" {
			if err := os.RemoveAll(o); err != nil {
				return nil, err
			}
		}
	}
	if t.Kernel, err = onlyMatch(filepath.Join(dir, "boot", "vmlinuz-*")); err != nil {
		return nil, err
	}
	if t.Initrd, err = onlyMatch(filepath.Join(dir, "boot", "initrd.img-*")); err != nil {
		return nil, err
	}
	return t, nil
}

func onlyMatch(pattern string) (string, error) {
	m, _ := filepath.Glob(pattern)
	if len(m) != 1 {
		return "", fmt.Errorf("%s: %d matches, want 1", pattern, len(m))
	}
	return m[0], nil
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// writeAtomic writes b to path through a temporary file renamed into place.
func writeAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// WritePath records the tree's absolute path in cache/rootfs.path, one line.
func WritePath(cache string, t *Tree) error {
	abs, err := filepath.Abs(t.Dir)
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(cache, "rootfs.path"), []byte(strings.TrimSpace(abs)+"\n"))
}
