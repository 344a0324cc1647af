package buildroot

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// targetsVar is the value of a "NAME := value" line of targets.mk.
func targetsVar(t *testing.T, name string) string {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `\s*:=\s*(\S+)\s*$`)
	m := re.FindStringSubmatch(readFile(t, "buildroot/targets.mk"))
	if m == nil {
		t.Fatalf("targets.mk has no %s := line", name)
	}
	return m[1]
}

var (
	brOnce sync.Once
	brDir  string // the unpacked tree, when brSkip and brErr are empty
	brSkip string
	brErr  string
)

// buildrootTree returns the Buildroot source tree under build/, unpacking
// it once from ../shared/tools with targets.mk's buildroot-src target
// (checksum first, then an atomic unpack). It skips when neither the tree
// nor the tarball is there.
func buildrootTree(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("Buildroot checks are skipped with -short")
	}
	root := repoRoot(t)
	version := targetsVar(t, "BR_VERSION")
	brOnce.Do(func() {
		dir := filepath.Join(root, "build", "buildroot-"+version)
		if _, err := os.Stat(filepath.Join(dir, "Makefile")); err == nil {
			brDir = dir
			return
		}
		tarball := filepath.Join(filepath.Dir(root), "shared", "tools", "buildroot-"+version+".tar.xz")
		if _, err := os.Stat(tarball); err != nil {
			brSkip = "no Buildroot tree in build/ and no " + tarball + " (../shared is absent): Buildroot checks skipped"
			return
		}
		for _, tool := range []struct{ name, pkg string }{{"make", "make"}, {"xz", "xz-utils"}, {"sha256sum", "coreutils"}} {
			if _, err := exec.LookPath(tool.name); err != nil {
				brSkip = tool.name + " not found: install the Debian package " + tool.pkg
				return
			}
		}
		r := runCmd(t, root, nil, "make", "-f", "buildroot/targets.mk", "buildroot-src", "BR_TARBALL="+tarball)
		if r.code != 0 {
			brErr = "unpacking " + tarball + " failed:\n" + tail(r.stdout+r.stderr)
			return
		}
		brDir = dir
	})
	switch {
	case brSkip != "":
		t.Skip(brSkip)
	case brErr != "":
		t.Fatal(brErr)
	}
	return brDir
}

// brMake runs make in the Buildroot tree with this BR2_EXTERNAL and output
// directory out.
func brMake(t *testing.T, out string, args ...string) result {
	t.Helper()
	tree := buildrootTree(t)
	argv := append([]string{"-s", "-C", tree, "BR2_EXTERNAL=" + extDir(t), "O=" + out}, args...)
	return runCmd(t, repoRoot(t), nil, "make", argv...)
}

// TestDefconfigs resolves every defconfig (make <defconfig>) in its own
// output directory under build/brcheck/ (kept between runs, so kconfig is
// built once), then checks the resulting .config and make show-info.
func TestDefconfigs(t *testing.T) {
	buildrootTree(t)
	for _, b := range boards {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(repoRoot(t), "build", "brcheck", b.name)
			if r := brMake(t, out, b.defconfig()); r.code != 0 {
				t.Fatalf("make %s: exit %d\n%s%s", b.defconfig(), r.code, tail(r.stdout), tail(r.stderr))
			}
			text, err := os.ReadFile(filepath.Join(out, ".config"))
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := parseKconfig(string(text))
			if err != nil {
				t.Fatalf(".config: %v", err)
			}
			t.Run("keeps-defconfig", func(t *testing.T) { checkKeepsDefconfig(t, b, cfg) })
			t.Run("options", func(t *testing.T) { checkOptions(t, b, cfg) })
			t.Run("files", func(t *testing.T) { checkReferencedFiles(t, cfg) })
			t.Run("show-info", func(t *testing.T) { checkShowInfo(t, out) })
		})
	}
}

// checkKeepsDefconfig: every option the defconfig sets survives kconfig
// (an unmet dependency silently drops an option).
func checkKeepsDefconfig(t *testing.T, b board, cfg kconfig) {
	def, err := parseKconfig(readFile(t, filepath.Join("buildroot", "configs", b.defconfig())))
	if err != nil {
		t.Fatalf("%s: %v", b.defconfig(), err)
	}
	if len(def) < 20 {
		t.Fatalf("%s: only %d options", b.defconfig(), len(def))
	}
	for sym, want := range def {
		if got := cfg.get(sym); got != want {
			t.Errorf("%s = %s in .config, want %s as in %s", sym, got, want, b.defconfig())
		}
	}
}

// checkOptions asserts the options the image needs, one by one.
func checkOptions(t *testing.T, b board, cfg kconfig) {
	ext := "$(BR2_EXTERNAL_VENUEKIOSK_PATH)"
	want := []struct{ sym, val, why string }{
		{b.arch, "y", "architecture"},
		{"BR2_TOOLCHAIN_HAS_THREADS", "y", "cgo needs threads"},
		{"BR2_STATIC_LIBS", "n", "cgo linking needs a dynamic toolchain"},
		{"BR2_PACKAGE_HOST_GO_TARGET_ARCH_SUPPORTS", "y", "Go supports the target"},
		{"BR2_PACKAGE_HOST_GO_TARGET_CGO_LINKING_SUPPORTS", "y", "go-sqlite3 needs cgo"},
		{"BR2_PACKAGE_HOST_GO", "y", "the Go compiler"},
		{"BR2_PACKAGE_VENUEKIOSK", "y", "the venuekiosk package"},
		{"BR2_INIT_SYSTEMD", "y", "systemd as init"},
		{"BR2_TARGET_GENERIC_REMOUNT_ROOTFS_RW", "n", "read-only root"},
		{"BR2_INIT_SYSTEMD_VAR_FACTORY", "y", "/var on tmpfs over a read-only root"},
		{"BR2_TARGET_ENABLE_ROOT_LOGIN", "n", "no root login on a public kiosk"},
		{"BR2_TARGET_GENERIC_GETTY_PORT", `"tty1"`, "no login on the scanner's UART"},
		{"BR2_TARGET_ROOTFS_EXT2", "y", "ext4 root image"},
		{"BR2_TARGET_ROOTFS_EXT2_4", "y", "ext4 root image"},
		{"BR2_TARGET_ROOTFS_EXT2_SIZE", `"512M"`, "root image fills a 512 MiB slot"},
		{"BR2_PACKAGE_E2FSPROGS", "y", "fsck and mkfs for the data partition"},
		{"BR2_LINUX_KERNEL_INSTALL_TARGET", "y", "kernel in the slot's /boot, updated with it"},
		{"BR2_LINUX_KERNEL_DEFCONFIG", `"` + b.kernel + `"`, "Raspberry Pi kernel"},
		{"BR2_LINUX_KERNEL_CONFIG_FRAGMENT_FILES", `"` + ext + `/board/venuekiosk/common/linux.fragment"`, "loop, squashfs, dm-verity, spidev"},
		{"BR2_PACKAGE_RPI_FIRMWARE", "y", "GPU firmware"},
		{b.firmware, "y", "firmware variant"},
		{"BR2_PACKAGE_RPI_FIRMWARE_CONFIG_FILE", `"` + ext + `/board/venuekiosk/` + b.name + `/config.txt"`, "the board's config.txt"},
		{"BR2_PACKAGE_RAUC", "y", "RAUC"},
		{"BR2_PACKAGE_RAUC_DBUS", "y", "RAUC service for rauc status mark-good"},
		{"BR2_PACKAGE_UBOOT_TOOLS", "y", "fw_printenv/fw_setenv for RAUC's uboot backend"},
		{"BR2_PACKAGE_UBOOT_TOOLS_FWPRINTENV", "y", "fw_printenv/fw_setenv for RAUC's uboot backend"},
		{"BR2_TARGET_UBOOT", "y", "U-Boot boot counter"},
		{"BR2_TARGET_UBOOT_BOARD_DEFCONFIG", `"` + b.uboot + `"`, "U-Boot for this Pi"},
		{"BR2_TARGET_UBOOT_CONFIG_FRAGMENT_FILES", `"` + ext + `/board/venuekiosk/common/uboot.fragment"`, "raw redundant environment, no boot delay"},
		{"BR2_TARGET_UBOOT_FORMAT_BIN", "y", "u-boot.bin for config.txt"},
		{"BR2_PACKAGE_HOST_UBOOT_TOOLS_BOOT_SCRIPT", "y", "boot.scr"},
		{"BR2_PACKAGE_HOST_UBOOT_TOOLS_BOOT_SCRIPT_SOURCE", `"` + ext + `/board/venuekiosk/common/boot.cmd"`, "the A/B boot script"},
		{"BR2_PACKAGE_HOST_RAUC", "y", "a rauc matching the target's for make bundle"},
		{"BR2_PACKAGE_HOST_GENIMAGE", "y", "SD card image"},
		{"BR2_PACKAGE_HOST_DOSFSTOOLS", "y", "boot partition"},
		{"BR2_PACKAGE_HOST_MTOOLS", "y", "boot partition"},
		{"BR2_ROOTFS_OVERLAY", `"` + ext + `/board/venuekiosk/common/rootfs-overlay ` + ext + `/board/venuekiosk/` + b.name + `/rootfs-overlay"`, "common and board overlays"},
		{"BR2_ROOTFS_POST_BUILD_SCRIPT", `"` + ext + `/board/venuekiosk/common/post-build.sh"`, "RAUC keyring"},
		{"BR2_ROOTFS_POST_IMAGE_SCRIPT", `"` + ext + `/board/venuekiosk/common/post-image.sh"`, "SD card layout"},
		{"BR2_ROOTFS_POST_SCRIPT_ARGS", `"` + b.name + `"`, "board name for the scripts"},
		{"BR2_DOWNLOAD_FORCE_CHECK_HASHES", "y", "every download checked"},
	}
	for _, w := range want {
		if got := cfg.get(w.sym); got != w.val {
			t.Errorf("%s = %s, want %s (%s)", w.sym, got, w.val, w.why)
		}
	}
	if b.arch == "BR2_arm" && cfg.get("BR2_ARM_EABIHF") != "y" {
		t.Errorf("BR2_ARM_EABIHF = %s, want y (armv7 hard float)", cfg.get("BR2_ARM_EABIHF"))
	}

	// config.txt: SPI for the panel, the UART for a scanner, U-Boot.
	txt := readFile(t, filepath.Join("buildroot", "board", "venuekiosk", b.name, "config.txt"))
	lines := strings.Split(txt, "\n")
	for _, l := range []string{"dtparam=spi=on", "enable_uart=1", "kernel=u-boot.bin", "start_file=" + b.startFile} {
		if !slices.Contains(lines, l) {
			t.Errorf("%s/config.txt lacks %q", b.name, l)
		}
	}
	if got := slices.Contains(lines, "arm_64bit=1"); got != b.arm64 {
		t.Errorf("%s/config.txt has arm_64bit=1: %v, want %v", b.name, got, b.arm64)
	}
}

// checkReferencedFiles: every external path the .config names exists.
func checkReferencedFiles(t *testing.T, cfg kconfig) {
	n := 0
	for sym, val := range cfg {
		if !strings.Contains(val, "$(BR2_EXTERNAL_VENUEKIOSK_PATH)") {
			continue
		}
		for _, p := range strings.Fields(strings.Trim(val, `"`)) {
			n++
			if _, err := os.Stat(expandExternal(t, p)); err != nil {
				t.Errorf("%s names %s: %v", sym, p, err)
			}
		}
	}
	if n < 8 {
		t.Errorf("only %d external paths in .config, want the overlays, scripts, fragments, config.txt and boot.cmd", n)
	}
}

// checkShowInfo: make show-info lists venuekiosk as a local, cgo Go package
// next to what the image needs.
func checkShowInfo(t *testing.T, out string) {
	r := brMake(t, out, "show-info")
	if r.code != 0 {
		t.Fatalf("make show-info: exit %d\n%s", r.code, tail(r.stderr))
	}
	var info map[string]struct {
		Type         string   `json:"type"`
		Virtual      bool     `json:"virtual"`
		Dependencies []string `json:"dependencies"`
		Downloads    []struct {
			URIs []string `json:"uris"`
		} `json:"downloads"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &info); err != nil {
		t.Fatalf("make show-info: not JSON: %v\n%s", err, tail(r.stdout))
	}
	vk, ok := info["venuekiosk"]
	if !ok {
		t.Fatalf("make show-info lists %d packages but not venuekiosk", len(info))
	}
	if vk.Type != "target" || vk.Virtual {
		t.Errorf("venuekiosk: type %q virtual %v, want a real target package", vk.Type, vk.Virtual)
	}
	for _, dep := range []string{"host-go", "toolchain"} {
		if !slices.Contains(vk.Dependencies, dep) {
			t.Errorf("venuekiosk depends on %v, want %s among them", vk.Dependencies, dep)
		}
	}
	local := false
	for _, d := range vk.Downloads {
		for _, u := range d.URIs {
			local = local || strings.HasPrefix(u, "local+")
		}
	}
	if !local {
		t.Errorf("venuekiosk downloads %+v, want a local+ source (SITE_METHOD = local)", vk.Downloads)
	}
	for _, pkg := range []string{"rauc", "uboot", "uboot-tools", "host-uboot-tools", "host-rauc", "rpi-firmware", "linux", "systemd", "host-genimage", "e2fsprogs"} {
		if _, ok := info[pkg]; !ok {
			t.Errorf("make show-info does not list %s", pkg)
		}
	}
}

// TestCheckPackage runs Buildroot's utils/check-package -b on every file of
// the tree; it must report nothing. (.checkpackageignore excuses targets.mk,
// a Makefile fragment of this repository, from Buildroot's package rules.)
func TestCheckPackage(t *testing.T) {
	tree := buildrootTree(t)
	needTool(t, "shellcheck", "shellcheck")
	python := ""
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if _, err := exec.LookPath(p); err != nil {
			continue
		}
		if r := runCmd(t, "", nil, p, "-c", "import magic, flake8"); r.code == 0 {
			python = p
			break
		}
	}
	if python == "" {
		t.Skip("no python3 with the magic and flake8 modules: install the Debian packages python3-magic and python3-flake8")
	}
	ext := extDir(t)
	var files []string
	err := filepath.WalkDir(ext, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(ext, p)
			if err != nil {
				return err
			}
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, must := range []string{"external.desc", "external.mk", "Config.in", "package/venuekiosk/venuekiosk.mk", "package/venuekiosk/Config.in"} {
		if !slices.Contains(files, must) {
			t.Errorf("the tree has no %s", must)
		}
	}
	args := append([]string{filepath.Join(tree, "utils", "check-package"), "-b", "--ignore-list=.checkpackageignore"}, files...)
	r := runCmd(t, ext, nil, python, args...)
	if r.code != 0 || !strings.Contains(r.stdout+r.stderr, "0 warnings generated") {
		t.Errorf("check-package -b: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
