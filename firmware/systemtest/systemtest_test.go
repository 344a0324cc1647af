package systemtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/samples"
)

// Settings, from the environment (make test-system sets the first).
const (
	envRun    = "VENUEKIOSK_SYSTEM_TEST"        // "1" runs the test
	envCache  = "VENUEKIOSK_SYSTEM_TEST_CACHE"  // the root filesystem cache; default <repo>/build/systemtest
	envRounds = "VENUEKIOSK_SYSTEM_TEST_ROUNDS" // power-cut rounds; default 4
	envSeed   = "VENUEKIOSK_SYSTEM_TEST_SEED"   // of the power-cut points; default the time
	envSize   = "VENUEKIOSK_SYSTEM_TEST_REVOCATIONS"
)

// revocations is the size of each revocation list on the stick: large
// enough that a sync takes seconds under TCG, small enough for several.
const revocations = 150_000

// tools the test needs on the host, and the Debian package of each.
var tools = []struct{ name, pkg string }{
	{"qemu-system-x86_64", "qemu-system-x86"},
	{"mmdebstrap", "mmdebstrap"},
	{"mke2fs", "e2fsprogs"},
	{"systemd-sysusers", "systemd"},
	{"systemctl", "systemd"},
	{"make", "make"},
}

func TestSystem(t *testing.T) {
	skipUnlessRun(t, "make test-system", tools)
	total := time.Now()
	repoRoot := findRepoRoot(t)
	cache := os.Getenv(envCache)
	if cache == "" {
		cache = filepath.Join(repoRoot, "build", "systemtest")
	}
	s := &system{record: &record{}, rounds: envInt(t, envRounds, 4), seed: uint64(envInt(t, envSeed, int(time.Now().UnixNano()%1e9)))}
	t.Cleanup(func() {
		s.summary(t, fmt.Sprintf("system test summary (%.0fs in all):", time.Since(total).Seconds()))
	})

	// The machine.
	step := time.Now()
	rfs := cachedRootfs(t, cache, rootfsRecipe)
	if rfs.Cached {
		s.logf(t, "root filesystem %s: cached", filepath.Base(rfs.Dir))
	} else {
		s.logf(t, "root filesystem %s: built in %.0fs", filepath.Base(rfs.Dir), rfs.Built.Seconds())
	}
	s.setUp(t, repoRoot, amd64, rfs, cache, step)

	s.boot(t)
	if !t.Run("1-boot-ready-hardened", s.checkBoot) {
		t.FailNow()
	}
	t.Run("2-scans", s.checkScans)
	t.Run("3-watchdog", s.checkWatchdog)
	t.Run("4-scanner-unplug", s.checkUnplug)
	t.Run("8-keyboard-mode-and-hot-plug", s.checkAnyScanner)
	t.Run("7a-ready-slot-marked-good", s.checkHealthy)
	t.Run("5-power-cut-during-sync", s.checkPowerCut)
	t.Run("6-reboot-persistence-and-privacy", s.checkReboot)
	t.Run("7b-never-ready-slot-not-marked-good", s.checkNeverReady)
	s.logReady(t)
}

// skipUnlessRun skips a system test unless it was asked for (by make
// target) and the host has its tools and root.
func skipUnlessRun(t *testing.T, target string, tools []struct{ name, pkg string }) {
	t.Helper()
	if os.Getenv(envRun) != "1" {
		t.Skipf("the system test boots a virtual machine for several minutes: run it with %s (%s=1)", target, envRun)
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool.name); err != nil {
			t.Skipf("%s not found: install Debian's %s (make deps installs the test tools)", tool.name, tool.pkg)
		}
	}
	if os.Geteuid() != 0 {
		t.Skip("the system test needs root: mmdebstrap --mode=root, and an image of root-owned files")
	}
}

// logReady reports the boots' times to READY.
func (s *system) logReady(t *testing.T) {
	t.Helper()
	if len(s.ready) == 0 {
		return
	}
	r := slices.Clone(s.ready)
	slices.Sort(r)
	var each []string
	for _, d := range s.ready {
		each = append(each, fmt.Sprintf("%.1f", d.Seconds()))
	}
	s.logf(t, "%s: boot to READY over %d boots: min %.1fs, median %.1fs, max %.1fs (guest time since the kernel started; each: %s s)",
		s.m.arch.Name, len(r), r[0].Seconds(), r[len(r)/2].Seconds(), r[len(r)-1].Seconds(), strings.Join(each, ", "))
}

// setUp makes the machine from the root filesystem: the stick, the image
// (make install and the test's files), the sockets' directory.
func (s *system) setUp(t *testing.T, repoRoot string, a *arch, rfs *rootfs, cache string, step time.Time) {
	t.Helper()
	// Sockets need a short path; the images are large: one directory in
	// the build cache, removed at the end.
	removeStale(cache, "run-*", 12*time.Hour)
	work, err := os.MkdirTemp(cache, "run-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(work) })
	clk := newGuestClock(time.Now())
	set, err := samples.Make(clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	s.stick = makeStick(t, filepath.Join(work, "stick"), clk, set, envInt(t, envSize, revocations), int64(2+s.rounds))
	img := buildImage(t, repoRoot, a, rfs, work, s.stick)
	sockets, err := os.MkdirTemp("", "vkst-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sockets) })
	s.m = &machine{top: t, rec: s.record, arch: a, img: img, dir: sockets, clock: clk}
	what := "make build install"
	if a.Cross != "" {
		what = "make " + a.Cross + " install"
	}
	if a.Slots {
		what += fmt.Sprintf(", slots A and B, %d bundles (make bundle)", len(img.Bundles))
	}
	s.logf(t, "image (%s): %s, stick with %d repository versions, disks: %.0fs", a.Name, what, s.stick.Last, time.Since(step).Seconds())
}

// removeStale removes what an interrupted run left in dir.
func removeStale(dir, pattern string, age time.Duration) {
	m, _ := filepath.Glob(filepath.Join(dir, pattern))
	for _, p := range m {
		if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > age {
			os.RemoveAll(p)
		}
	}
}

// findRepoRoot walks up to go.mod.
func findRepoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 1_000_000_000 {
		t.Fatalf("%s=%q: want a number", name, s)
	}
	return n
}
