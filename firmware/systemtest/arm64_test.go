package systemtest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// envArm64Root is the arm64 root filesystem tree: the image's base Debian
// tree, as make image-rootfs leaves it (make test-system-arm64 sets it).
const envArm64Root = "VENUEKIOSK_SYSTEM_TEST_ARM64_ROOT"

// arm64Tools are what the arm64 machine needs on the host beyond the
// tree: QEMU, the cross compiler (make cross), rauc and mksquashfs (make
// bundle), sfdisk and debugfs (the disk and the host's bootloader).
var arm64Tools = []struct{ name, pkg string }{
	{"qemu-system-aarch64", "qemu-system-arm"},
	{"aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu"},
	{"rauc", "rauc"},
	{"mksquashfs", "squashfs-tools"},
	{"sfdisk", "fdisk"},
	{"debugfs", "e2fsprogs"},
	{"e2fsck", "e2fsprogs"},
	{"mke2fs", "e2fsprogs"},
	{"systemd-sysusers", "systemd"},
	{"systemctl", "systemd"},
	{"openssl", "openssl"},
	{"make", "make"},
}

// TestSystemArm64 boots the image's arm64 root filesystem — Debian arm64
// with the kiosk installed by make cross install — as slot A of a disk laid
// out as the SD card is, under qemu-system-aarch64 (virt, Cortex-A72, TCG),
// runs the checks that fit in its time, and updates it end to end with
// RAUC: a good bundle into slot B and back, a bundle whose kioskd never
// becomes ready falling back. The host plays U-Boot (bootloader.go).
func TestSystemArm64(t *testing.T) {
	skipUnlessRun(t, "make test-system-arm64", arm64Tools)
	root := os.Getenv(envArm64Root)
	if root == "" {
		t.Fatalf("%s is not set: run make test-system-arm64 (it builds the tree with make image-rootfs)", envArm64Root)
	}
	if fi, err := os.Stat(filepath.Join(root, "usr/bin/systemctl")); err != nil || fi.IsDir() {
		t.Fatalf("%s=%s: not a root filesystem tree with systemd", envArm64Root, root)
	}
	total := time.Now()
	repoRoot := findRepoRoot(t)
	cache := os.Getenv(envCache)
	if cache == "" {
		cache = filepath.Join(repoRoot, "build", "systemtest")
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		t.Fatal(err)
	}
	s := &system{record: &record{}, rounds: envInt(t, envRounds, 4), seed: uint64(envInt(t, envSeed, int(time.Now().UnixNano()%1e9)))}
	t.Cleanup(func() {
		s.summary(t, fmt.Sprintf("arm64 system test summary (%.0fs in all):", time.Since(total).Seconds()))
	})
	s.setUp(t, repoRoot, arm64, &rootfs{Dir: root, Cached: true}, cache, time.Now())

	s.boot(t)
	if !t.Run("1-boot-ready-hardened", s.checkBoot) {
		t.FailNow()
	}
	t.Run("2-scans", s.checkScans)
	t.Run("3-watchdog", s.checkWatchdog)
	t.Run("4-scanner-unplug", s.checkUnplug)
	t.Run("8-keyboard-mode-and-hot-plug", s.skip("amd64 runs it: typing passes through QMP at a pace the guest keeps up with is tuned on x86-64; "+
		"under arm64 TCG the guest takes key events slower still and the check would spend minutes retyping. The USB serial and keyboard "+
		"drivers and udev rules are the same on both (Debian's kernel)"))
	t.Run("7a-ready-slot-marked-good", s.checkSlotMarkedGood)
	t.Run("5-power-cut-during-sync", s.checkPowerCut)
	t.Run("6-reboot-persistence-and-privacy", s.checkReboot)
	t.Run("7b-never-ready-slot-not-marked-good", s.skip("check 10 does it here with the real rauc and boot counter: "+
		"a slot whose kioskd never becomes ready is booted, not marked good, and fallen back from; "+
		"make test runs 7b's hanging kioskd on amd64"))
	if !t.Run("9-update-into-the-other-slot", s.checkUpdate) {
		t.FailNow()
	}
	t.Run("10-never-ready-update-falls-back", s.checkFallback)
	s.logReady(t)
}

// skip is a check that does not run on this machine, with the reason
// logged (and repeated in the summary).
func (s *system) skip(reason string) func(*testing.T) {
	return func(t *testing.T) {
		s.logf(t, "%s: skipped on %s: %s", t.Name(), s.m.arch.Name, reason)
		t.Skip(reason)
	}
}
