package systemtest

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// image is what QEMU boots: the root disk, the stick disk and the kernel.
// On a machine with slots, Root is the whole disk (state, slot A, slot B,
// data: slots.go) and the kernel is the booted slot's.
type image struct {
	Root, Stick    string
	Kernel, Initrd string
	// DropIns is kioskd.service's DropInPaths as the image has them.
	DropIns string
	// Bundles are the update bundles on the stick, by name, as the guest
	// sees them (arm64).
	Bundles map[string]string
}

// guestTools are the system test's programs inside the guest.
const guestTools = "/usr/libexec/venuekiosk-systemtest"

// guestFiles are the system test's files in the guest (from guest/), by
// their place in the guest, with their mode.
type guestFile struct {
	src, dst string
	mode     os.FileMode
}

var guestFiles = []guestFile{
	{"vk-agent.service", "/etc/systemd/system/vk-agent.service", 0o644},
	{"vk-stick.service", "/etc/systemd/system/vk-stick.service", 0o644},
	{"kioskd-fails", guestTools + "/kioskd-fails", 0o755},
	{"kioskd-hangs", guestTools + "/kioskd-hangs", 0o755},
}

// oneDiskFiles are the amd64 machine's: the root is the whole first disk,
// and rauc a stand-in that records its calls (there are no slots).
var oneDiskFiles = []guestFile{
	{"fstab", "/etc/fstab", 0o644},
	{"rauc", "/usr/bin/rauc", 0o755},
	{"rauc-system.conf", "/etc/rauc/system.conf", 0o644},
}

// slotFiles are the arm64 machine's: slots A and B and the data partition
// on one disk, the real rauc with the custom backend the host test plays
// the bootloader through, and the image's drop-in that keeps kioskd off
// an unmounted data partition.
var slotFiles = []guestFile{
	{"fstab-ab", "/etc/fstab", 0o644},
	{"rauc-ab.conf", "/etc/rauc/system.conf", 0o644},
	{"vk-bootstate", guestTools + "/vk-bootstate", 0o755},
}

// dataDropIn is the image's kioskd.service drop-in (the overlay's).
const dataDropIn = "/usr/lib/systemd/system/kioskd.service.d/venuekiosk-data.conf"

// slotSize is a root slot (genimage.cfg.in; mkbundle.sh checks it), and
// dataSize the data partition.
const (
	slotSize = 512 << 20
	dataSize = 256 << 20
)

// enabledUnits are enabled as an image build enables them.
var enabledUnits = []string{"kioskd.service", "venuekiosk-health.service", "vk-agent.service", "vk-stick.service"}

// buildImage assembles the guest's root filesystem in work: the cached
// Debian tree (hard-linked: every file written here replaces its link,
// never writes through it), then `make build install` — the install step
// the Buildroot package runs — then the test's own files, users and
// enabled units; and the stick with the repositories.
func buildImage(t *testing.T, repoRoot string, a *arch, rfs *rootfs, work string, s *stick) *image {
	t.Helper()
	tree := filepath.Join(work, "tree")
	mustRun(t, "", "cp", "-al", rfs.Dir, tree)

	if a.Cross == "" {
		bin := filepath.Join(work, "bin")
		mustRun(t, repoRoot, "make", "--no-print-directory", "build", "install", "BIN="+bin, "DESTDIR="+tree)
	} else {
		// make cross: kioskd with cgo, by the cross compiler.
		build := filepath.Join(work, "cross")
		mustRun(t, repoRoot, "make", "--no-print-directory", a.Cross, "BUILD="+build)
		mustRun(t, repoRoot, "make", "--no-print-directory", "install", "BIN="+filepath.Join(build, a.CrossDir), "DESTDIR="+tree)
	}

	tools := filepath.Join(tree, guestTools)
	if err := os.MkdirAll(tools, 0o755); err != nil {
		t.Fatal(err)
	}
	mustRunEnv(t, repoRoot, []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=" + a.GOARCH}, "go", "build", "-trimpath", "-o", tools+"/", "./firmware/systemtest/vkagent")

	guest := filepath.Join(repoRoot, "firmware", "systemtest", "guest")
	files := append(slices.Clone(guestFiles), oneDiskFiles...)
	if a.Slots {
		files = append(slices.Clone(guestFiles), slotFiles...)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(guest, f.src))
		if err != nil {
			t.Fatal(err)
		}
		put(t, tree, f.dst, b, f.mode)
	}
	// The scanner is the machine's PCI 16550.
	conf, err := os.ReadFile(filepath.Join(guest, "kioskd.toml"))
	if err != nil {
		t.Fatal(err)
	}
	put(t, tree, "/etc/venuekiosk/kioskd.toml", []byte(strings.Replace(string(conf), `device = "/dev/ttyS1"`, `device = "`+a.Scanner+`"`, 1)), 0o644)
	// The health check's helper comes with the image's overlay.
	health, err := os.ReadFile(filepath.Join(repoRoot, "buildroot/board/venuekiosk/common/rootfs-overlay/usr/libexec/venuekiosk/venuekiosk-health"))
	if err != nil {
		t.Fatal(err)
	}
	put(t, tree, "/usr/libexec/venuekiosk/venuekiosk-health", health, 0o755)
	put(t, tree, "/etc/hostname", []byte("vkiosk\n"), 0o644)
	put(t, tree, "/etc/venuekiosk/root.json", s.Root, 0o644)
	put(t, tree, buildMark, []byte("base\n"), 0o644)
	if err := os.MkdirAll(filepath.Join(tree, "media/stick"), 0o755); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "", "systemd-sysusers", "--root="+tree)
	mustRun(t, "", "systemctl", append([]string{"--root=" + tree, "enable"}, enabledUnits...)...)

	img := &image{Root: filepath.Join(work, "root.img"), Stick: filepath.Join(work, "stick.img"), Kernel: rfs.Kernel, Initrd: rfs.Initrd}
	if a.Slots {
		// rauc's command line talks to its D-Bus service: the image
		// has Debian's rauc-service (firmware/image's recipe).
		if _, err := os.Stat(filepath.Join(tree, "usr/share/dbus-1/system-services/de.pengutronix.rauc.service")); err != nil {
			t.Fatalf("the arm64 tree has no RAUC D-Bus service (Debian's rauc-service), which rauc status mark-good needs: %v", err)
		}
		overlay := filepath.Join(repoRoot, "buildroot/board/venuekiosk/common/rootfs-overlay")
		b, err := os.ReadFile(filepath.Join(overlay, dataDropIn))
		if err != nil {
			t.Fatal(err)
		}
		put(t, tree, dataDropIn, b, 0o644)
		img.DropIns = dataDropIn
		buildSlots(t, repoRoot, tree, work, s, img)
	} else {
		mustRun(t, "", "mke2fs", "-q", "-t", "ext4", "-L", "vkroot", "-d", tree, img.Root, "2G")
	}
	// The cache must come out as it went in.
	if b, _ := os.ReadFile(filepath.Join(rfs.Dir, "etc/passwd")); strings.Contains(string(b), "kiosk:") {
		t.Fatalf("the cached root filesystem %s was written through a hard link: remove it (make test-system-clean)", rfs.Dir)
	}
	size := diskUsage(t, s.Dir)*5/4 + 16<<20
	mustRun(t, "", "mke2fs", "-q", "-t", "ext4", "-O", "^has_journal", "-L", "VKSTICK", "-d", s.Dir, img.Stick, strconv.FormatInt(size/1024, 10)+"k")
	return img
}

// put writes b at guest path p in tree, replacing (never writing through)
// whatever is there.
func put(t *testing.T, tree, p string, b []byte, mode os.FileMode) {
	t.Helper()
	dst := filepath.Join(tree, p)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(dst); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dst, mode); err != nil {
		t.Fatal(err)
	}
}

// diskUsage sums the sizes of the files under dir, each hard-linked file
// once.
func diskUsage(t *testing.T, dir string) int64 {
	t.Helper()
	seen := map[uint64]bool{}
	var n int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			if seen[st.Ino] {
				return nil
			}
			seen[st.Ino] = true
		}
		n += fi.Size() + 4096
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func mustRun(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	return mustRunEnv(t, dir, nil, name, args...)
}

func mustRunEnv(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, tail(string(out), 4000))
	}
	return string(out)
}

// sfdisk partitions disk by script.
func sfdisk(t *testing.T, disk, script string) {
	t.Helper()
	cmd := exec.Command("sfdisk", "-q", disk)
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sfdisk %s: %v\n%s", disk, err, out)
	}
}
