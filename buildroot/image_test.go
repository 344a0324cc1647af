package buildroot

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/internal/sfdisk"
)

const (
	mib       = 1 << 20
	sector    = 512
	slotBytes = 512 * mib // a root slot: genimage.cfg.in, defconfigs, mkbundle.sh, post-image.sh
)

// partition is one entry of the SD card's MBR, in bytes.
type partition struct {
	name     string
	start    int64
	size     int64
	typ      string // sfdisk's MBR type, e.g. "c", "83"
	bootable bool
}

// wantLayout is the SD card the firmware, U-Boot (boot.cmd), RAUC
// (system.conf) and fstab expect: partition N is /dev/mmcblk0pN.
var wantLayout = []partition{
	{name: "boot", start: 4 * mib, size: 64 * mib, typ: "c", bootable: true},
	{name: "root A", start: 68 * mib, size: slotBytes, typ: "83"},
	{name: "root B", start: 580 * mib, size: slotBytes, typ: "83"},
	{name: "data", start: 1092 * mib, size: 256 * mib, typ: "83"},
}

// envArea is one copy of the U-Boot environment on the raw card.
type envArea struct{ offset, size int64 }

// stageImages fills a stand-in images directory for b, as Buildroot would
// leave it before post-image.sh: firmware, DTB, U-Boot, boot.scr and a
// root filesystem image of rootfsSize random bytes.
func stageImages(t *testing.T, b board, rootfsSize int) (dir string, rootfs []byte) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "images")
	files := map[string]string{
		"rpi-firmware/config.txt":                readFile(t, filepath.Join("buildroot", "board", "venuekiosk", b.name, "config.txt")),
		"rpi-firmware/cmdline.txt":               readFile(t, "buildroot/board/venuekiosk/common/cmdline.txt"),
		"rpi-firmware/" + b.startFile:            "stand-in GPU firmware",
		"rpi-firmware/overlays/miniuart-bt.dtbo": "stand-in overlay",
		"bcm2711-rpi-4-b.dtb":                    "stand-in device tree",
		"u-boot.bin":                             "stand-in U-Boot",
		"boot.scr":                               "stand-in boot script",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := standInRootfs(t, dir, rootfsSize)
	rootfs, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return dir, rootfs
}

// postImage runs post-image.sh the way Buildroot does.
func postImage(t *testing.T, images, boardName string) result {
	t.Helper()
	build := filepath.Join(filepath.Dir(images), "build")
	if err := os.MkdirAll(build, 0o755); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(extDir(t), "board", "venuekiosk", "common", "post-image.sh")
	return runCmd(t, images, []string{"BINARIES_DIR=" + images, "BUILD_DIR=" + build}, script, boardName)
}

func needImageTools(t *testing.T) {
	t.Helper()
	for _, tool := range []struct{ name, pkg string }{
		{"genimage", "genimage"}, {"sfdisk", "fdisk"}, {"mkdosfs", "dosfstools"},
		{"mcopy", "mtools"}, {"mtype", "mtools"}, {"mke2fs", "e2fsprogs"}, {"e2fsck", "e2fsprogs"},
	} {
		needTool(t, tool.name, tool.pkg)
	}
}

// readPartitions reads an image's MBR back with sfdisk --json.
func readPartitions(t *testing.T, img string) (label, id string, parts []partition) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), cmdTimeout)
	defer cancel()
	pt, err := sfdisk.Read(ctx, img)
	if err != nil {
		t.Fatal(err)
	}
	if pt.SectorSize != sector {
		t.Fatalf("sector size %d, want %d", pt.SectorSize, sector)
	}
	for _, p := range pt.Partitions {
		parts = append(parts, partition{start: p.Start, size: p.Size, typ: p.Type, bootable: p.Bootable})
	}
	return pt.Label, pt.ID, parts
}

// readAt reads n bytes of file at off.
func readAt(t *testing.T, file string, off int64, n int) []byte {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, n)
	if _, err := f.ReadAt(b, off); err != nil {
		t.Fatalf("%s: reading %d bytes at %d: %v", file, n, off, err)
	}
	return b
}

// TestSDCardLayout builds the SD card with post-image.sh and genimage from
// stand-in images and reads it back.
func TestSDCardLayout(t *testing.T) {
	needImageTools(t)
	b := boards[0]
	images, rootfs := stageImages(t, b, 2*mib)
	if r := postImage(t, images, b.name); r.code != 0 {
		t.Fatalf("post-image.sh: exit %d\n%s%s", r.code, tail(r.stdout), tail(r.stderr))
	}
	img := filepath.Join(images, "sdcard.img")

	label, id, parts := readPartitions(t, img)
	if label != "dos" {
		t.Errorf("partition table %q, want dos (MBR: the Pi 3 boot ROM reads nothing else)", label)
	}
	if id != "0x564b0001" {
		t.Errorf("disk identifier %s, want the fixed 0x564b0001", id)
	}
	if len(parts) != len(wantLayout) {
		t.Fatalf("%d partitions, want %d: %+v", len(parts), len(wantLayout), parts)
	}
	for i, want := range wantLayout {
		got := parts[i]
		got.name = want.name
		if got != want {
			t.Errorf("partition %d (%s) = start %d MiB, size %d MiB, type %s, bootable %v; want start %d MiB, size %d MiB, type %s, bootable %v",
				i+1, want.name, got.start/mib, got.size/mib, got.typ, got.bootable, want.start/mib, want.size/mib, want.typ, want.bootable)
		}
	}

	t.Run("root-slots-hold-the-image", func(t *testing.T) {
		for _, i := range []int{1, 2} {
			if got := readAt(t, img, wantLayout[i].start, len(rootfs)); !bytes.Equal(got, rootfs) {
				t.Errorf("partition %d (%s) does not start with rootfs.ext4", i+1, wantLayout[i].name)
			}
		}
	})

	t.Run("data-partition-is-empty-ext4", func(t *testing.T) {
		sb := readAt(t, img, wantLayout[3].start+1024, 1024)
		if sb[56] != 0x53 || sb[57] != 0xef {
			t.Fatalf("data partition has no ext4 superblock (magic % x)", sb[56:58])
		}
		if got := string(bytes.TrimRight(sb[120:136], "\x00")); got != "vk-data" {
			t.Errorf("data partition label %q, want vk-data", got)
		}
	})

	t.Run("environment-area-is-zeroed", func(t *testing.T) {
		env := readAt(t, img, 2*mib, 256*1024)
		if !bytes.Equal(env, make([]byte, len(env))) {
			t.Errorf("the U-Boot environment area (2 MiB + 256 KiB) is not zero: stale boot counters would survive a reflash")
		}
	})

	t.Run("boot-partition-files", func(t *testing.T) {
		at := img + "@@" + strconv.FormatInt(wantLayout[0].start, 10)
		listing := mustRun(t, "", []string{"MTOOLS_SKIP_CHECK=1"}, "mdir", "-b", "-i", at, "::").stdout
		for _, f := range []string{"config.txt", "cmdline.txt", b.startFile, "bcm2711-rpi-4-b.dtb", "u-boot.bin", "boot.scr", "overlays/"} {
			if !strings.Contains(listing, "::/"+f+"\n") {
				t.Errorf("boot partition lacks %s; it holds:\n%s", f, listing)
			}
		}
		overlays := mustRun(t, "", []string{"MTOOLS_SKIP_CHECK=1"}, "mdir", "-b", "-i", at, "::/overlays").stdout
		if !strings.Contains(overlays, "miniuart-bt.dtbo") {
			t.Errorf("boot partition overlays/ lacks miniuart-bt.dtbo (config.txt's dtoverlay); it holds:\n%s", overlays)
		}
		got := mustRun(t, "", []string{"MTOOLS_SKIP_CHECK=1"}, "mtype", "-i", at, "::config.txt").stdout
		want := readFile(t, filepath.Join("buildroot", "board", "venuekiosk", b.name, "config.txt"))
		if strings.TrimSpace(got) != strings.TrimSpace(want) {
			t.Errorf("config.txt on the card differs from %s/config.txt", b.name)
		}
	})

	t.Run("uboot-environment-fits", func(t *testing.T) {
		areas := fwEnvAreas(t)
		frag := ubootFragment(t)
		want := []envArea{{frag["CONFIG_ENV_OFFSET"], frag["CONFIG_ENV_SIZE"]}, {frag["CONFIG_ENV_OFFSET_REDUND"], frag["CONFIG_ENV_SIZE"]}}
		if !slices.Equal(areas, want) {
			t.Errorf("fw_env.config areas %+v, want U-Boot's %+v (uboot.fragment)", areas, want)
		}
		for _, a := range areas {
			if a.offset < sector || a.offset+a.size > parts[0].start {
				t.Errorf("environment at %#x+%#x is not between the MBR and partition 1 (%#x)", a.offset, a.size, parts[0].start)
			}
			if a.offset < 2*mib || a.offset+a.size > 2*mib+256*1024 {
				t.Errorf("environment at %#x+%#x is outside the area genimage zeroes", a.offset, a.size)
			}
		}
		if len(areas) == 2 && areas[0].offset+areas[0].size > areas[1].offset {
			t.Errorf("the two environment copies overlap: %+v", areas)
		}
	})
}

// fwEnvAreas parses the image's /etc/fw_env.config.
func fwEnvAreas(t *testing.T) []envArea {
	t.Helper()
	var areas []envArea
	for _, line := range strings.Split(readFile(t, "buildroot/board/venuekiosk/common/rootfs-overlay/etc/fw_env.config"), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) < 3 || f[0] != "/dev/mmcblk0" {
			t.Fatalf("fw_env.config line %q: want /dev/mmcblk0 OFFSET SIZE", line)
		}
		off, err1 := strconv.ParseInt(f[1], 0, 64)
		size, err2 := strconv.ParseInt(f[2], 0, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("fw_env.config line %q: %v %v", line, err1, err2)
		}
		areas = append(areas, envArea{off, size})
	}
	if len(areas) != 2 {
		t.Fatalf("fw_env.config has %d areas, want 2 (redundant environment)", len(areas))
	}
	return areas
}

// ubootFragment parses the numeric options of uboot.fragment.
func ubootFragment(t *testing.T) map[string]int64 {
	t.Helper()
	kc, err := parseKconfig(readFile(t, "buildroot/board/venuekiosk/common/uboot.fragment"))
	if err != nil {
		t.Fatal(err)
	}
	for sym, want := range map[string]string{
		"CONFIG_ENV_IS_IN_MMC": "y", "CONFIG_ENV_REDUNDANT": "y", "CONFIG_ENV_IS_IN_FAT": "n",
		"CONFIG_ENV_MMC_DEVICE_INDEX": "0", "CONFIG_BOOTDELAY": "-2",
	} {
		if got := kc.get(sym); got != want {
			t.Errorf("uboot.fragment %s = %s, want %s", sym, got, want)
		}
	}
	out := map[string]int64{}
	for _, sym := range []string{"CONFIG_ENV_OFFSET", "CONFIG_ENV_OFFSET_REDUND", "CONFIG_ENV_SIZE"} {
		v, err := strconv.ParseInt(kc.get(sym), 0, 64)
		if err != nil {
			t.Fatalf("uboot.fragment %s: %v", sym, err)
		}
		out[sym] = v
	}
	return out
}

// TestPostImageRejects: post-image.sh makes no card from incomplete input.
func TestPostImageRejects(t *testing.T) {
	needImageTools(t)
	b := boards[0]
	for _, tt := range []struct {
		name   string
		mutate func(t *testing.T, images string)
		want   string
	}{
		{"no-rootfs", func(t *testing.T, d string) { remove(t, d, "rootfs.ext4") }, "missing"},
		{"no-u-boot", func(t *testing.T, d string) { remove(t, d, "u-boot.bin") }, "missing"},
		{"no-boot-script", func(t *testing.T, d string) { remove(t, d, "boot.scr") }, "missing"},
		{"no-device-tree", func(t *testing.T, d string) { remove(t, d, "bcm2711-rpi-4-b.dtb") }, "no device tree"},
		{"config-without-u-boot", func(t *testing.T, d string) {
			write(t, d, "rpi-firmware/config.txt", "kernel=Image\ndtparam=spi=on\n")
		}, "does not load U-Boot"},
		{"rootfs-larger-than-slot", func(t *testing.T, d string) {
			if err := os.Truncate(filepath.Join(d, "rootfs.ext4"), slotBytes+1); err != nil {
				t.Fatal(err)
			}
		}, "a root slot holds"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			images, _ := stageImages(t, b, 64*1024)
			tt.mutate(t, images)
			r := postImage(t, images, b.name)
			if r.code == 0 {
				t.Fatalf("post-image.sh succeeded, want a failure mentioning %q", tt.want)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("post-image.sh: %q, want it to mention %q", r.stderr, tt.want)
			}
			if _, err := os.Stat(filepath.Join(images, "sdcard.img")); err == nil {
				t.Errorf("a failed post-image.sh left sdcard.img behind")
			}
		})
	}
}

func remove(t *testing.T, dir, name string) {
	t.Helper()
	if err := os.Remove(filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSlotWiring: the pieces that name partitions agree with the layout:
// boot.cmd (bootname → partition), system.conf (slot → device), fstab
// (data → state directory of kioskd.service), and the slot size everywhere.
func TestSlotWiring(t *testing.T) {
	bootCmd := readFile(t, "buildroot/board/venuekiosk/common/boot.cmd")
	for _, tt := range []struct {
		bootname string
		part     int
	}{{"A", 2}, {"B", 3}} {
		re := regexp.MustCompile(`(?s)test "\$\{vk_try\}" = "` + tt.bootname + `".*?setenv vk_slot ` + tt.bootname + `\s+setenv vk_part (\d+)`)
		m := re.FindStringSubmatch(bootCmd)
		if m == nil {
			t.Errorf("boot.cmd: no branch for bootname %s", tt.bootname)
			continue
		}
		if m[1] != strconv.Itoa(tt.part) {
			t.Errorf("boot.cmd boots slot %s from partition %s, want %d", tt.bootname, m[1], tt.part)
		}
		if !strings.Contains(bootCmd, "BOOT_"+tt.bootname+"_LEFT") {
			t.Errorf("boot.cmd does not count BOOT_%s_LEFT", tt.bootname)
		}
	}
	for _, want := range []string{
		`root=/dev/mmcblk0p${vk_part}`, " ro ", `rauc.slot=${vk_slot}`, "saveenv", `setenv BOOT_ORDER "A B"`,
	} {
		if !strings.Contains(bootCmd, want) {
			t.Errorf("boot.cmd lacks %q", want)
		}
	}
	// boot.cmd spends an attempt before loading; RAUC's default
	// boot-attempts (3) is what the script gives a fresh slot.
	if strings.Count(bootCmd, "_LEFT 3") < 4 {
		t.Errorf("boot.cmd does not start both slots at 3 attempts (RAUC's boot-attempts default)")
	}

	fstab, err := parseFstab(readFile(t, "buildroot/board/venuekiosk/common/rootfs-overlay/etc/fstab"))
	if err != nil {
		t.Fatal(err)
	}
	if got := fstab["/"]; len(got) < 4 || !slices.Contains(strings.Split(got[3], ","), "ro") {
		t.Errorf("fstab root entry %q, want it read-only", got)
	}
	state := stateDirectory(t)
	data := fstab[state]
	if len(data) < 4 {
		t.Fatalf("fstab mounts nothing at kioskd's state directory %s", state)
	}
	if data[0] != "/dev/mmcblk0p"+strconv.Itoa(len(wantLayout)) || data[2] != "ext4" {
		t.Errorf("fstab %s entry %q, want partition %d (data), ext4", state, data, len(wantLayout))
	}
	for _, opt := range []string{"rw", "nodev", "nosuid", "noexec"} {
		if !slices.Contains(strings.Split(data[3], ","), opt) {
			t.Errorf("fstab %s options %s lack %s", state, data[3], opt)
		}
	}

	for _, b := range boards {
		def, err := parseKconfig(readFile(t, filepath.Join("buildroot", "configs", b.defconfig())))
		if err != nil {
			t.Fatal(err)
		}
		if got := def.str("BR2_TARGET_ROOTFS_EXT2_SIZE"); got != strconv.Itoa(slotBytes/mib)+"M" {
			t.Errorf("%s root image size %s, want the slot size %d MiB", b.defconfig(), got, slotBytes/mib)
		}
	}
	for _, f := range []string{"mkbundle.sh", "post-image.sh"} {
		if !strings.Contains(readFile(t, "buildroot/board/venuekiosk/common/"+f), strconv.Itoa(slotBytes)) {
			t.Errorf("%s does not limit the root image to the slot size %d", f, slotBytes)
		}
	}
}

// parseFstab maps mount point → fields.
func parseFstab(text string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) != 6 {
			return nil, &fstabError{line}
		}
		out[f[1]] = f
	}
	return out, nil
}

type fstabError struct{ line string }

func (e *fstabError) Error() string { return "fstab line without 6 fields: " + e.line }

// stateDirectory is kioskd's /var/lib/<StateDirectory>.
func stateDirectory(t *testing.T) string {
	t.Helper()
	ini, err := iniSections(readFile(t, "systemd/kioskd.service"))
	if err != nil {
		t.Fatal(err)
	}
	return "/var/lib/" + one(t, ini, "Service", "StateDirectory")
}
