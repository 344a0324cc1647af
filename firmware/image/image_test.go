package image

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/internal/sfdisk"
)

// Size goals (issue 19): the card's data under 400 MB, a root slot's file
// system under 250 MB.
const (
	maxImageData = 400 * 1000 * 1000
	maxRootSlot  = 250 * 1000 * 1000
)

// cardPart is one partition of the built card as sfdisk reads it.
type cardPart struct {
	start, size int64 // bytes
	typ         string
	bootable    bool
}

// readCard reads the card's MBR back with sfdisk --json.
func readCard(t *testing.T, img string) (label, id string, parts []cardPart) {
	t.Helper()
	needTool(t, "sfdisk", "fdisk")
	pt, err := sfdisk.Read(t.Context(), img)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pt.Partitions {
		parts = append(parts, cardPart{p.Start, p.Size, p.Type, p.Bootable})
	}
	return pt.Label, pt.ID, parts
}

// TestImagePartitions: the card's MBR, read back with sfdisk, is
// genimage.cfg.in's layout, the one boot.cmd, system.conf and fstab name.
func TestImagePartitions(t *testing.T) {
	dir := needImage(t)
	label, id, parts := readCard(t, filepath.Join(dir, "sdcard.img"))
	if got, want := label, "dos"; got != want {
		t.Errorf("label: got %s, want %s", got, want)
	}
	if got, want := id, "0x564b0001"; got != want {
		t.Errorf("disk identifier: got %s, want %s", got, want)
	}
	want := wantLayout(t)
	if got := len(parts); got != len(want) {
		t.Fatalf("partitions: got %d, want %d", got, len(want))
	}
	next := int64(0)
	for i, w := range want {
		p := parts[i]
		start := w.offset
		if start == 0 {
			start = next
		}
		if p.start != start || p.size != w.size || p.typ != w.typ || p.bootable != w.bootable {
			t.Errorf("partition %d (%s): got start %d MiB, size %d MiB, type %s, bootable %v; want %d MiB, %d MiB, %s, %v",
				i+1, w.name, p.start/mib, p.size/mib, p.typ, p.bootable, start/mib, w.size/mib, w.typ, w.bootable)
		}
		next = p.start + p.size
	}
	st, err := os.Stat(filepath.Join(dir, "sdcard.img"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := st.Size(), next; got != want {
		t.Errorf("card size: got %d, want %d (the end of the last partition)", got, want)
	}
}

// partition returns partition n (1-based) of the card.
func partition(t *testing.T, img string, n int) cardPart {
	t.Helper()
	_, _, parts := readCard(t, img)
	if n > len(parts) {
		t.Fatalf("the card has %d partitions, want at least %d", len(parts), n)
	}
	return parts[n-1]
}

// bootFS is the boot partition for mtools: the card at its offset.
func bootFS(t *testing.T, dir string) string {
	t.Helper()
	needTool(t, "mdir", "mtools")
	img := filepath.Join(dir, "sdcard.img")
	return fmt.Sprintf("%s@@%d", img, partition(t, img, 1).start)
}

// bootFile copies one file out of the boot partition.
func bootFile(t *testing.T, fs, name string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	run(t, "mcopy", "-n", "-i", fs, "::"+name, out)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImageBootPartition: the boot partition (read with mtools) holds
// what each model's firmware loads: its start*.elf and fixup, the device
// tree config.txt names for it, U-Boot and boot.scr with the slot logic.
func TestImageBootPartition(t *testing.T) {
	dir := needImage(t)
	fs := bootFS(t, dir)
	listing := run(t, "mdir", "-b", "-i", fs, "::")
	have := map[string]bool{}
	for _, l := range strings.Split(listing, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			have[strings.TrimPrefix(l, "::/")] = true
		}
	}
	info := run(t, "minfo", "-i", fs, "::")
	if !strings.Contains(info, `disk label="VKBOOT`) {
		t.Errorf("boot partition label: minfo says\n%s\nwant VKBOOT", info)
	}
	if !strings.Contains(strings.ToLower(info), "serial number: 564b0001") {
		t.Errorf("boot partition volume ID: minfo says\n%s\nwant 564B0001", info)
	}

	config := string(bootFile(t, fs, "config.txt"))
	models := []struct {
		section, start, fixup, dtb string
	}{
		{"pi4", "start4.elf", "fixup4.dat", "bcm2711-rpi-4-b.dtb"},
		{"pi3", "start.elf", "fixup.dat", "bcm2837-rpi-3-b.dtb"},
		{"pi3+", "", "", "bcm2837-rpi-3-b-plus.dtb"},
		{"pi02", "start.elf", "fixup.dat", "bcm2837-rpi-zero-2-w.dtb"},
	}
	sections := configSections(config)
	for _, m := range models {
		t.Run(m.section, func(t *testing.T) {
			s := sections[m.section]
			if s == nil {
				t.Fatalf("config.txt has no [%s] section", m.section)
			}
			for key, want := range map[string]string{"start_file": m.start, "fixup_file": m.fixup, "device_tree": m.dtb} {
				if want == "" {
					continue
				}
				if got := s[key]; got != want {
					t.Errorf("[%s] %s: got %q, want %q", m.section, key, got, want)
				}
				if !have[want] {
					t.Errorf("[%s] %s=%s is not on the boot partition", m.section, key, want)
				}
			}
			if m.dtb != "" {
				if b := bootFile(t, fs, m.dtb); !bytes.HasPrefix(b, []byte{0xd0, 0x0d, 0xfe, 0xed}) {
					t.Errorf("%s is not a flattened device tree", m.dtb)
				}
			}
		})
	}
	all := sections["all"]
	for key, want := range map[string]string{"arm_64bit": "1", "kernel": "u-boot.bin", "enable_uart": "1", "dtparam": "spi=on"} {
		if got := all[key]; got != want {
			t.Errorf("config.txt [all] %s: got %q, want %q", key, got, want)
		}
	}
	for _, f := range []string{"bootcode.bin", "cmdline.txt", "u-boot.bin", "boot.scr", "uboot.env"} {
		if !have[f] {
			t.Errorf("%s missing from the boot partition (has %v)", f, have)
		}
	}
	if b := bootFile(t, fs, "u-boot.bin"); !bytes.Contains(b, []byte("U-Boot 20")) {
		t.Errorf("u-boot.bin holds no U-Boot version string")
	}
	env := bootFile(t, fs, "uboot.env")
	if got, want := len(env), envSize(t); got != want {
		t.Errorf("uboot.env: got %d bytes, want %d (fw_env.config)", got, want)
	}
	if vars, err := ParseEnvImage(env); err != nil {
		t.Errorf("uboot.env: %v", err)
	} else {
		for _, want := range []string{"bootdelay=-2", "BOOT_ORDER=A B", "BOOT_A_LEFT=3", "BOOT_B_LEFT=0", "bootcmd=run distro_bootcmd"} {
			if !slices.Contains(vars, want) {
				t.Errorf("uboot.env lacks %s", want)
			}
		}
	}

	// boot.scr is a U-Boot script image of boot.cmd, slot logic and all.
	needTool(t, "dumpimage", "u-boot-tools")
	scr := filepath.Join(t.TempDir(), "boot.scr")
	if err := os.WriteFile(scr, bootFile(t, fs, "boot.scr"), 0o644); err != nil {
		t.Fatal(err)
	}
	if l := run(t, "dumpimage", "-l", scr); !strings.Contains(l, "Script") {
		t.Errorf("dumpimage -l boot.scr:\n%s\nwant a script image", l)
	}
	body := filepath.Join(t.TempDir(), "boot.cmd")
	run(t, "dumpimage", "-T", "script", "-p", "0", "-o", body, scr)
	got, err := os.ReadFile(body)
	if err != nil {
		t.Fatal(err)
	}
	// A script image's data: the scripts' lengths (big-endian, ended by
	// a zero), then the script.
	want := readFile(t, "buildroot/board/venuekiosk/common/boot.cmd")
	if len(got) < 8 || binary.BigEndian.Uint32(got) != uint32(len(want)) || binary.BigEndian.Uint32(got[4:]) != 0 {
		t.Errorf("boot.scr's length table: got % x, want %d then 0", got[:min(8, len(got))], len(want))
	} else if string(got[8:]) != want {
		t.Errorf("boot.scr holds %d bytes that are not boot.cmd's %d", len(got)-8, len(want))
	}
	for _, s := range []string{"BOOT_ORDER", "BOOT_A_LEFT", "BOOT_B_LEFT", "saveenv", "root=/dev/mmcblk0p${vk_part}", "/boot/initrd.img"} {
		if !strings.Contains(string(got), s) {
			t.Errorf("boot.scr lacks %q", s)
		}
	}
}

// configSections parses config.txt into its [filter] sections; lines
// before the first filter are in "all".
func configSections(config string) map[string]map[string]string {
	secs := map[string]map[string]string{"all": {}}
	cur := secs["all"]
	for _, l := range strings.Split(config, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "" || strings.HasPrefix(l, "#"):
		case strings.HasPrefix(l, "[") && strings.HasSuffix(l, "]"):
			name := strings.Trim(l, "[]")
			if secs[name] == nil {
				secs[name] = map[string]string{}
			}
			cur = secs[name]
		default:
			k, v, _ := strings.Cut(l, "=")
			cur[k] = v
		}
	}
	return secs
}

// envSize is the U-Boot environment's size in the Debian image's
// fw_env.config.
func envSize(t *testing.T) int {
	t.Helper()
	for _, l := range strings.Split(readFile(t, "buildroot/board/venuekiosk/debian_arm64/rootfs-overlay/etc/fw_env.config"), "\n") {
		f := strings.Fields(l)
		if len(f) >= 3 && !strings.HasPrefix(f[0], "#") {
			n, err := strconv.ParseInt(f[2], 0, 64)
			if err != nil {
				t.Fatal(err)
			}
			return int(n)
		}
	}
	t.Fatal("fw_env.config names no environment")
	return 0
}

// slotImage copies root slot A out of the card (sparse) for debugfs.
func slotImage(t *testing.T, dir string) string {
	t.Helper()
	needTool(t, "debugfs", "e2fsprogs")
	img := filepath.Join(dir, "sdcard.img")
	p := partition(t, img, 2)
	out := filepath.Join(t.TempDir(), "slot-a.ext4")
	run(t, "dd", "if="+img, "of="+out, "bs=1M", "skip="+strconv.FormatInt(p.start/mib, 10),
		"count="+strconv.FormatInt(p.size/mib, 10), "conv=sparse", "status=none")
	return out
}

// debugfs runs one debugfs request on the file system fs.
func debugfs(t *testing.T, fs, req string) string {
	t.Helper()
	out, err := runErr("debugfs", "-R", req, fs)
	if err != nil {
		t.Fatalf("debugfs -R %q: %v\n%s", req, err, out)
	}
	return out
}

// dumpFile copies one file out of the file system fs.
func dumpFile(t *testing.T, fs, path string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), filepath.Base(path))
	debugfs(t, fs, fmt.Sprintf("dump %s %s", path, out))
	b, err := os.ReadFile(out)
	if err != nil || len(b) == 0 {
		t.Fatalf("%s: not in the root slot (%v)", path, err)
	}
	return b
}

// exists tells whether path is in the file system fs.
func exists(t *testing.T, fs, path string) bool {
	t.Helper()
	out, _ := runErr("debugfs", "-R", "stat "+path, fs)
	return !strings.Contains(out, "File not found") && strings.Contains(out, "Inode:")
}

// TestImageRootSlot: root slot A, read back with debugfs, holds the arm64
// kiosk, its units enabled, RAUC's configuration for these partitions,
// the kernel and initramfs boot.cmd loads, and nothing a kiosk never reads.
func TestImageRootSlot(t *testing.T) {
	dir := needImage(t)
	fs := slotImage(t, dir)

	for _, bin := range []string{"/usr/bin/kioskd", "/usr/bin/kioskctl"} {
		f, err := elf.NewFile(bytes.NewReader(dumpFile(t, fs, bin)))
		if err != nil {
			t.Errorf("%s: %v", bin, err)
			continue
		}
		if got, want := f.Machine, elf.EM_AARCH64; got != want {
			t.Errorf("%s: machine %v, want %v", bin, got, want)
		}
	}
	for _, unit := range []string{"kioskd.service", "venuekiosk-health.service", "venuekiosk-provision.service", "systemd-networkd.service"} {
		link := "/etc/systemd/system/multi-user.target.wants/" + unit
		if !exists(t, fs, link) {
			t.Errorf("%s is not enabled (no %s)", unit, link)
		}
	}
	for _, f := range []string{
		"/usr/lib/systemd/system/kioskd.service", "/usr/lib/systemd/system/venuekiosk-provision.service",
		"/usr/lib/udev/rules.d/99-venuekiosk.rules", "/usr/lib/sysusers.d/venuekiosk.conf",
		"/usr/lib/tmpfiles.d/venuekiosk.conf", "/usr/libexec/venuekiosk/venuekiosk-health",
		"/usr/bin/rauc", "/usr/bin/fw_printenv", "/usr/bin/fw_setenv", "/usr/bin/sqlite3",
		"/etc/venuekiosk/kioskd.toml", "/etc/rauc/keyring.pem", "/usr/lib/tmpfiles.d/venuekiosk-var.conf",
		"/usr/share/factory/var/lib",
		// RAUC's D-Bus service: rauc status mark-good and rauc install
		// on the kiosk talk to it.
		"/usr/lib/systemd/system/rauc.service", "/usr/share/dbus-1/system-services/de.pengutronix.rauc.service",
		"/usr/share/dbus-1/system.d/de.pengutronix.rauc.conf",
	} {
		if !exists(t, fs, f) {
			t.Errorf("%s missing from the root slot", f)
		}
	}
	for _, f := range []string{"/var/cache/apt", "/var/lib/apt", "/usr/share/factory/var/cache/apt",
		"/usr/share/factory/var/lib/apt", "/usr/share/man/man1", "/usr/share/locale/de", "/usr/lib/raspi-firmware",
		"/usr/share/info/dir"} {
		if exists(t, fs, f) {
			t.Errorf("%s is in the root slot; a kiosk never reads it", f)
		}
	}
	passwd := string(dumpFile(t, fs, "/etc/passwd"))
	if !regexp.MustCompile(`(?m)^kiosk:x:960:960:`).MatchString(passwd) {
		t.Errorf("/etc/passwd has no kiosk user 960:960 (Buildroot's IDs)")
	}
	// An empty machine-id: each kiosk makes its own at boot.
	if st := debugfs(t, fs, "stat /etc/machine-id"); !regexp.MustCompile(`Size: 0\b`).MatchString(st) {
		t.Errorf("/etc/machine-id is not empty:\n%s", st)
	}

	// Documentation: only the copyright files.
	docs := filepath.Join(t.TempDir(), "doc")
	if err := os.Mkdir(docs, 0o755); err != nil {
		t.Fatal(err)
	}
	debugfs(t, fs, "rdump /usr/share/doc "+docs)
	var extra []string
	filepath.Walk(docs, func(p string, info os.FileInfo, err error) error {
		// Symbolic links are a package's doc directory pointing at
		// another's.
		if err == nil && info.Mode().IsRegular() && info.Name() != "copyright" && !strings.HasSuffix(p, "/venuekiosk/README.md") {
			extra = append(extra, strings.TrimPrefix(p, docs))
		}
		return nil
	})
	if len(extra) > 0 {
		t.Errorf("/usr/share/doc holds %d files besides copyright notices, e.g. %v", len(extra), extra[:min(5, len(extra))])
	}

	// RAUC: the slots are the card's root partitions.
	conf := string(dumpFile(t, fs, "/etc/rauc/system.conf"))
	if want := readFile(t, "buildroot/board/venuekiosk/debian_arm64/rootfs-overlay/etc/rauc/system.conf"); conf != want {
		t.Errorf("/etc/rauc/system.conf is not the debian_arm64 board's")
	}
	for _, s := range []string{"compatible=venuekiosk-debian_arm64", "bootloader=uboot",
		"[slot.rootfs.0]\ndevice=/dev/mmcblk0p2\ntype=ext4\nbootname=A", "[slot.rootfs.1]\ndevice=/dev/mmcblk0p3\ntype=ext4\nbootname=B"} {
		if !strings.Contains(conf, s) {
			t.Errorf("/etc/rauc/system.conf lacks %q", s)
		}
	}
	layout := wantLayout(t)
	if layout[1].name != "rootfs-a" || layout[2].name != "rootfs-b" {
		t.Errorf("genimage.cfg.in's partitions 2 and 3 are %s and %s, want rootfs-a and rootfs-b", layout[1].name, layout[2].name)
	}
	fstab := string(dumpFile(t, fs, "/etc/fstab"))
	for _, re := range []string{`(?m)^/dev/root\s+/\s+auto\s+ro\s`, `(?m)^/dev/mmcblk0p4\s+/var/lib/venuekiosk\s+ext4\s`,
		`(?m)^tmpfs\s+/var\s+tmpfs\s`, `(?m)^/dev/mmcblk0p1\s+/boot/firmware\s+vfat\s`} {
		if !regexp.MustCompile(re).MatchString(fstab) {
			t.Errorf("/etc/fstab has no line matching %s", re)
		}
	}
	envFile := strings.Fields(strings.TrimSpace(lastLine(string(dumpFile(t, fs, "/etc/fw_env.config")))))
	if len(envFile) < 1 || envFile[0] != "/boot/firmware/uboot.env" {
		t.Errorf("fw_env.config names %v, want /boot/firmware/uboot.env (the boot partition's file)", envFile)
	}

	// The kernel boot.cmd loads: an arm64 Image ("ARM\x64" at 56), and a
	// gzip'd initramfs with the drivers that mount the root.
	kernel := dumpFile(t, fs, "/boot/Image")
	if len(kernel) < 64 || string(kernel[56:60]) != "ARM\x64" {
		t.Errorf("/boot/Image is not an arm64 kernel Image")
	}
	initrd := dumpFile(t, fs, "/boot/initrd.img")
	if !bytes.HasPrefix(initrd, []byte{0x1f, 0x8b}) {
		t.Fatalf("/boot/initrd.img is not gzip'd")
	}
	names, err := cpioNames(initrd)
	if err != nil {
		t.Fatalf("/boot/initrd.img: %v", err)
	}
	list := strings.Join(names, "\n")
	for _, mod := range []string{"/mmc/host/sdhci-iproc.ko", "/mmc/host/bcm2835.ko", "/virtio/virtio_mmio.ko",
		"/virtio/virtio_pci.ko", "/block/virtio_blk.ko", "/fs/ext4/ext4.ko", "/regulator/gpio-regulator.ko"} {
		if !strings.Contains(list, mod) {
			t.Errorf("the initramfs lacks %s", mod)
		}
	}
}

// cpioNames lists a gzip'd cpio archive ("newc", as mkinitramfs writes
// it): 110-byte headers of hex fields, the name, the data, each padded to
// 4 bytes. Concatenated archives (early microcode) are read on.
func cpioNames(gz []byte) ([]string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	var names []string
	pad := func(n int) int { return (n + 3) &^ 3 }
	for off := 0; off+110 <= len(b); {
		h := b[off : off+110]
		if string(h[:6]) != "070701" {
			if h[0] == 0 { // padding between archives
				off++
				continue
			}
			return nil, fmt.Errorf("no cpio header at %d", off)
		}
		field := func(i int) int {
			v, _ := strconv.ParseUint(string(h[6+8*i:14+8*i]), 16, 32)
			return int(v)
		}
		size, nameSize := field(6), field(11)
		if off+110+nameSize > len(b) {
			return nil, fmt.Errorf("truncated cpio name at %d", off)
		}
		name := string(b[off+110 : off+110+nameSize-1])
		if name == "TRAILER!!!" {
			off = pad(off + 110 + nameSize)
			continue
		}
		names = append(names, name)
		off = pad(pad(off+110+nameSize) + size)
	}
	return names, nil
}

func lastLine(s string) string {
	var last string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			last = l
		}
	}
	return last
}

// bmap is what the tests read of a bmaptool block map.
type bmap struct {
	ImageSize   int64 `xml:"ImageSize"`
	BlockSize   int64 `xml:"BlockSize"`
	MappedCount int64 `xml:"MappedBlocksCount"`
}

func readBmap(t *testing.T, path string) bmap {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m bmap
	if err := xml.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// TestImageSizes: the card's data and a root slot are under the goals.
func TestImageSizes(t *testing.T) {
	dir := needImage(t)
	m := readBmap(t, filepath.Join(dir, "sdcard.img.bmap"))
	mapped := m.MappedCount * m.BlockSize
	st, err := os.Stat(filepath.Join(dir, "root.ext4"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("card %d MiB, of which %d MB data (bmap); root slot file system %d MB", m.ImageSize/mib, mapped/1000000, st.Size()/1000000)
	if mapped > maxImageData {
		t.Errorf("the card holds %d MB, want under %d MB", mapped/1000000, maxImageData/1000000)
	}
	if st.Size() > maxRootSlot {
		t.Errorf("the root slot's file system is %d MB, want under %d MB", st.Size()/1000000, maxRootSlot/1000000)
	}
	if mapped == 0 || m.ImageSize == 0 {
		t.Errorf("bmap: %d bytes mapped of %d", mapped, m.ImageSize)
	}
}

// TestImageBmapCopy: the technician's step, `bmaptool copy` (the .bmap
// found beside the image), writes a card identical to the image.
func TestImageBmapCopy(t *testing.T) {
	dir := needImage(t)
	needTool(t, "bmaptool", "bmap-tools")
	img := filepath.Join(dir, "sdcard.img")
	card := filepath.Join(t.TempDir(), "card.img")
	run(t, "bmaptool", "copy", "--bmap", img+".bmap", img, card)
	if got, want := sha256File(t, card), sha256File(t, img); got != want {
		t.Errorf("bmaptool copy wrote a card with sha256 %s, want the image's %s", got, want)
	}
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestImageSlots: slot A holds root.ext4, byte for byte, and the rest of
// the partition is zeros; slot B is all zeros (the first update fills it).
func TestImageSlots(t *testing.T) {
	dir := needImage(t)
	img := filepath.Join(dir, "sdcard.img")
	root, err := os.ReadFile(filepath.Join(dir, "root.ext4"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a, b := partition(t, img, 2), partition(t, img, 3)
	got := make([]byte, len(root))
	if _, err := f.ReadAt(got, a.start); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, root) {
		t.Errorf("slot A does not begin with root.ext4")
	}
	zeros := func(name string, off, n int64) {
		buf := make([]byte, 4*mib)
		for n > 0 {
			k := min(n, int64(len(buf)))
			if _, err := f.ReadAt(buf[:k], off); err != nil {
				t.Fatal(err)
			}
			if i := bytes.IndexFunc(buf[:k], func(r rune) bool { return r != 0 }); i >= 0 {
				t.Errorf("%s: a non-zero byte at card offset %d", name, off+int64(i))
				return
			}
			off, n = off+k, n-k
		}
	}
	zeros("slot A after root.ext4", a.start+int64(len(root)), a.size-int64(len(root)))
	zeros("slot B", b.start, b.size)
}

// TestImageModules: the root slot's kernel modules resolve (host modprobe
// on the slot's modules.dep) for what the kiosk loads: the SD card and
// virtio disks, USB sticks and scanners, Ethernet, SPI, the watchdog,
// RAUC's verity bundles.
func TestImageModules(t *testing.T) {
	dir := needImage(t)
	needTool(t, "modprobe", "kmod")
	base, kver := slotModules(t, dir)
	for _, mod := range kioskModules {
		out, err := runErr("modprobe", "-d", base, "-S", kver, "--show-depends", mod)
		if err != nil {
			t.Errorf("modprobe %s: %v\n%s", mod, err, out)
		}
	}
}

// TestImageModuleDepends: every module the kiosk loads has, in the root
// slot, each module it was linked against, as the kernel build recorded it
// in the module itself (.modinfo "depends"), not as depmod recomputed it
// after the recipe's excludes. depmod on a tree with a dependency removed
// writes a modules.dep without it, and modprobe then fails at run time
// with unknown symbols (dm_mod without dax: no /dev/mapper/control, so
// RAUC cannot mount a verity bundle). Also what systemd loads at boot
// (configfs) and what the Zero 2 W's USB controller needs (udc_core).
func TestImageModuleDepends(t *testing.T) {
	base, kver := slotModules(t, needImage(t))
	mods, err := readModules(filepath.Join(base, "lib/modules", kver))
	if err != nil {
		t.Fatal(err)
	}
	missing := mods.missing(kioskModules...)
	for _, m := range missing {
		t.Errorf("root slot: %s", m)
	}
	// What other modules cannot load is logged, not failed: drivers the
	// kiosk never uses whose helpers the recipe leaves out.
	broken := 0
	for name := range mods.path {
		if len(mods.missing(name)) > 0 {
			broken++
		}
	}
	t.Logf("%d modules in the slot; %d others cannot load for a dependency the recipe leaves out", len(mods.path), broken)
}

// slotModules copies the root slot's kernel modules into a directory laid
// out as a root (base/lib/modules/kver) and returns it with the kernel's
// version.
func slotModules(t *testing.T, dir string) (base, kver string) {
	t.Helper()
	fs := slotImage(t, dir)
	base = t.TempDir()
	if err := os.MkdirAll(filepath.Join(base, "lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	debugfs(t, fs, "rdump /usr/lib/modules "+filepath.Join(base, "lib"))
	vers, _ := filepath.Glob(filepath.Join(base, "lib/modules/*"))
	if len(vers) != 1 {
		t.Fatalf("kernel module trees: %v, want one", vers)
	}
	return base, filepath.Base(vers[0])
}

// kioskModules are the modules the kiosk loads on a Raspberry Pi or in the
// virtual machine, by name.
var kioskModules = []string{
	"mmc_block", "sdhci_iproc", "bcm2835", "bcm2835_dma", "virtio_blk", "virtio_net", "virtio_pci",
	"ext4", "vfat", "squashfs", "loop", "dm_mod", "dm_verity", "dm_crypt", "configfs",
	"usb_storage", "sd_mod", "cdc_acm", "ftdi_sio", "cp210x", "ch341", "pl2303",
	"usbhid", "hid_generic", "evdev", "spidev", "spi_bcm2835", "bcm2835_wdt", "genet", "smsc95xx",
	"lan78xx", "dwc2", "gpio_regulator",
}

// modules are a kernel module tree's modules by name (dashes as
// underscores), with the built-in ones.
type modules struct {
	path    map[string]string
	builtin map[string]bool
}

func modName(file string) string {
	return strings.ReplaceAll(strings.TrimSuffix(filepath.Base(file), ".ko"), "-", "_")
}

func readModules(dir string) (*modules, error) {
	m := &modules{path: map[string]string{}, builtin: map[string]bool{}}
	b, err := os.ReadFile(filepath.Join(dir, "modules.builtin"))
	if err != nil {
		return nil, err
	}
	for _, l := range strings.Fields(string(b)) {
		m.builtin[modName(l)] = true
	}
	err = filepath.WalkDir(filepath.Join(dir, "kernel"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !strings.HasSuffix(p, ".ko") {
			return fmt.Errorf("%s: not an uncompressed module; this test reads .ko files only", p)
		}
		m.path[modName(p)] = p
		return nil
	})
	return m, err
}

// depends is a module's "depends" field from its .modinfo section.
func (m *modules) depends(name string) ([]string, error) {
	f, err := elf.Open(m.path[name])
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sec := f.Section(".modinfo")
	if sec == nil {
		return nil, fmt.Errorf("%s: no .modinfo section", m.path[name])
	}
	b, err := sec.Data()
	if err != nil {
		return nil, err
	}
	for _, kv := range strings.Split(string(b), "\x00") {
		if v, ok := strings.CutPrefix(kv, "depends="); ok {
			if v == "" {
				return nil, nil
			}
			var deps []string
			for _, d := range strings.Split(v, ",") {
				deps = append(deps, strings.ReplaceAll(d, "-", "_"))
			}
			return deps, nil
		}
	}
	return nil, nil
}

// missing follows each named module's dependencies and says which module
// or dependency is not in the tree (nor built in), and through what.
func (m *modules) missing(names ...string) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(name, via string)
	walk = func(name, via string) {
		if seen[name] || m.builtin[name] {
			return
		}
		seen[name] = true
		if _, ok := m.path[name]; !ok {
			out = append(out, fmt.Sprintf("module %s%s is missing", name, via))
			return
		}
		deps, err := m.depends(name)
		if err != nil {
			out = append(out, err.Error())
			return
		}
		for _, d := range deps {
			walk(d, fmt.Sprintf(" (needed by %s%s)", name, via))
		}
	}
	for _, n := range names {
		walk(n, "")
	}
	return out
}

// TestImageReproducible: mkimage.sh run again on the same inputs (its
// mkimage.args) makes the same card, byte for byte.
func TestImageReproducible(t *testing.T) {
	dir := needImage(t)
	args := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(mustRead(t, filepath.Join(dir, "mkimage.args")))), "\n") {
		k, v, _ := strings.Cut(l, "=")
		args[k] = v
	}
	if _, err := os.Stat(args["tree"]); err != nil {
		t.Skipf("the root tree the image was made from is gone: %v", err)
	}
	out := filepath.Join(t.TempDir(), "again")
	cmdArgs := []string{"-r", args["tree"], "-b", args["bin"], "-o", out, "-K", args["keyring"], "-e", filepath.Join(dir, "uboot.env")}
	if args["operator_pub"] != "" {
		cmdArgs = append(cmdArgs, "-p", args["operator_pub"])
	}
	cmd := exec.Command(filepath.Join(repoRoot(t), "firmware/image/mkimage.sh"), cmdArgs...)
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH="+args["epoch"])
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mkimage.sh: %v\n%s", err, b)
	}
	for _, f := range []string{"root.ext4", "boot.vfat", "data.ext4", "sdcard.img"} {
		if got, want := sha256File(t, filepath.Join(out, f)), sha256File(t, filepath.Join(dir, f)); got != want {
			t.Errorf("%s made again: sha256 %s, want %s", f, got, want)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImageVarFactory: /var, a tmpfs on the kiosk, is filled at boot by
// systemd-tmpfiles from the root slot's factory copy — even though the
// data partition's mount made /var/lib/venuekiosk (and so /var/lib) first.
func TestImageVarFactory(t *testing.T) {
	dir := needImage(t)
	needTool(t, "systemd-tmpfiles", "systemd")
	fs := slotImage(t, dir)
	root := t.TempDir()
	for _, d := range []string{"usr/share", "usr/lib", "etc", "var/lib/venuekiosk"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	debugfs(t, fs, "rdump /usr/share/factory "+filepath.Join(root, "usr/share"))
	debugfs(t, fs, "rdump /usr/lib/tmpfiles.d "+filepath.Join(root, "usr/lib"))
	for _, f := range []string{"passwd", "group"} {
		if err := os.WriteFile(filepath.Join(root, "etc", f), dumpFile(t, fs, "/etc/"+f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	conf := filepath.Join(root, "usr/lib/tmpfiles.d/venuekiosk-var.conf")
	if out, err := runErr("systemd-tmpfiles", "--root="+root, "--create", conf); err != nil {
		t.Fatalf("systemd-tmpfiles: %v\n%s", err, out)
	}
	for _, tt := range []struct {
		path string
		mode os.FileMode // 0: any; checked with the type bits
	}{
		{"var/lib/dpkg/status", 0},
		{"var/lib/systemd", os.ModeDir | 0o755},
		{"var/tmp", os.ModeDir | os.ModeSticky | 0o777},
		{"var/log", os.ModeDir | 0o755},
		{"var/run", os.ModeSymlink | 0o777},
		{"var/lib/venuekiosk", os.ModeDir | 0o755},
	} {
		st, err := os.Lstat(filepath.Join(root, tt.path))
		if err != nil {
			t.Errorf("/%s after systemd-tmpfiles: %v", tt.path, err)
			continue
		}
		if tt.mode != 0 && st.Mode() != tt.mode {
			t.Errorf("/%s: mode %v, want %v", tt.path, st.Mode(), tt.mode)
		}
	}
}
