package systemtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// The arm64 machine has no U-Boot: the host plays it. Before each boot it
// reads the slot choice's state from the disk, applies the rules of the
// image's boot script (buildroot/board/venuekiosk/common/boot.cmd), writes
// the state back and boots the chosen slot's kernel with root=/dev/vdaN
// and rauc.slot=A|B on the command line. In the guest, RAUC's custom
// bootloader backend (guest/vk-bootstate) reads and writes the same state
// with the same names as RAUC's U-Boot backend keeps in U-Boot's
// environment.
//
// The state lives in the first stateSize bytes of the disk's partition 1
// (the boot partition's place on the SD card): NAME=VALUE lines, the rest
// zeros, as a U-Boot environment's text is.

const (
	stateSize     = 4096
	statePart     = 1 // the state's partition
	slotAttempts  = 3 // boot.cmd's attempts per slot
	sectorSize    = 512
	mbrSignature  = 0xaa55
	mbrPartitions = 446
)

// slotPartition is each slot's partition: as on the SD card (genimage.cfg.in).
var slotPartition = map[string]int{"A": 2, "B": 3}

// dataPartition is the data partition (/var/lib/venuekiosk).
const dataPartition = 4

// bootState is what boot.cmd reads and writes: BOOT_ORDER and each slot's
// attempts left (BOOT_A_LEFT, BOOT_B_LEFT).
type bootState struct {
	Order []string
	Left  map[string]int
}

// parseBootState reads the state as boot.cmd does: a missing BOOT_ORDER is
// "A B", a missing count 3.
func parseBootState(b []byte) bootState {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	env := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			env[k] = v
		}
	}
	s := bootState{Order: strings.Fields(env["BOOT_ORDER"]), Left: map[string]int{}}
	if env["BOOT_ORDER"] == "" {
		s.Order = []string{"A", "B"}
	}
	for slot := range slotPartition {
		v := env["BOOT_"+slot+"_LEFT"]
		if v == "" {
			s.Left[slot] = slotAttempts
			continue
		}
		// boot.cmd compares 0x${BOOT_x_LEFT}: hexadecimal.
		n, err := strconv.ParseInt(v, 16, 32)
		if err != nil {
			n = 0 // U-Boot's test takes a bad number as 0
		}
		s.Left[slot] = int(n)
	}
	return s
}

// bytes is the state as stored: the lines, zero-padded.
func (s bootState) bytes() []byte {
	b := make([]byte, stateSize)
	copy(b, s.String())
	return b
}

func (s bootState) String() string {
	return fmt.Sprintf("BOOT_ORDER=%s\nBOOT_A_LEFT=%d\nBOOT_B_LEFT=%d\n", strings.Join(s.Order, " "), s.Left["A"], s.Left["B"])
}

// choose is boot.cmd: the first slot in BOOT_ORDER with an attempt left
// spends one and is booted; when none has one left, both get 3 again and
// the board resets (the choice is made again). It returns the slot and
// the state to save; a slot name boot.cmd does not know is skipped.
func (s bootState) choose() (string, bootState) {
	next := bootState{Order: slices.Clone(s.Order), Left: map[string]int{}}
	for k, v := range s.Left {
		next.Left[k] = v
	}
	for range 2 {
		for _, slot := range next.Order {
			if _, known := slotPartition[slot]; known && next.Left[slot] > 0 {
				next.Left[slot]--
				return slot, next
			}
		}
		next.Left["A"], next.Left["B"] = slotAttempts, slotAttempts
	}
	return "", next // BOOT_ORDER names no slot: boot.cmd resets forever
}

// partition is one MBR partition of a disk image, in bytes.
type partition struct{ Offset, Size int64 }

// partitions reads a disk image's MBR: partitions 1 to 4, by number.
func partitions(disk string) (map[int]partition, error) {
	f, err := os.Open(disk)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	mbr := make([]byte, sectorSize)
	if _, err := f.ReadAt(mbr, 0); err != nil {
		return nil, err
	}
	return parseMBR(mbr)
}

func parseMBR(mbr []byte) (map[int]partition, error) {
	if len(mbr) < sectorSize || binary.LittleEndian.Uint16(mbr[510:]) != mbrSignature {
		return nil, fmt.Errorf("no MBR partition table")
	}
	parts := map[int]partition{}
	for i := range 4 {
		e := mbr[mbrPartitions+16*i:]
		start, count := binary.LittleEndian.Uint32(e[8:]), binary.LittleEndian.Uint32(e[12:])
		if e[4] != 0 && count != 0 {
			parts[i+1] = partition{Offset: int64(start) * sectorSize, Size: int64(count) * sectorSize}
		}
	}
	return parts, nil
}

// readBootState reads the state from the disk image.
func readBootState(disk string) (bootState, error) {
	parts, err := partitions(disk)
	if err != nil {
		return bootState{}, err
	}
	p, ok := parts[statePart]
	if !ok {
		return bootState{}, fmt.Errorf("%s has no partition %d", disk, statePart)
	}
	f, err := os.Open(disk)
	if err != nil {
		return bootState{}, err
	}
	defer f.Close()
	b := make([]byte, stateSize)
	if _, err := f.ReadAt(b, p.Offset); err != nil {
		return bootState{}, err
	}
	return parseBootState(b), nil
}

// writeBootState saves the state on the disk image ("saveenv").
func writeBootState(disk string, s bootState) error {
	parts, err := partitions(disk)
	if err != nil {
		return err
	}
	p, ok := parts[statePart]
	if !ok {
		return fmt.Errorf("%s has no partition %d", disk, statePart)
	}
	f, err := os.OpenFile(disk, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteAt(s.bytes(), p.Offset); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// debugfs runs one debugfs request, read-only, on the file system in file.
func debugfs(file, request string) (string, error) {
	var stderr strings.Builder
	cmd := exec.Command("debugfs", "-R", request, file)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	// debugfs exits 0 when it cannot open the file system or a path.
	if e := stderr.String(); err != nil || strings.Contains(e, "while ") || strings.Contains(e, "Bad magic") {
		return string(out), fmt.Errorf("debugfs -R %q %s: %v: %s", request, file, err, strings.TrimSpace(e))
	}
	return string(out), nil
}

// replayedCopy copies partition n of disk to dst and replays the copy's
// journal, as the kernel does when it mounts the file system: what the
// next boot sees. The machine's root slots are mounted read-write (so that
// each boot's journal persists for the privacy check) and are powered off
// mid-write; debugfs does not replay a journal, and read a slot's /boot
// as empty after a power cut. The image's real slots have no journal and
// are mounted read-only, and U-Boot reads them as they are. The disk
// itself is left as the power cut left it.
func replayedCopy(disk string, n int, dst string) error {
	parts, err := partitions(disk)
	if err != nil {
		return err
	}
	p, ok := parts[n]
	if !ok {
		return fmt.Errorf("%s has no partition %d", disk, n)
	}
	os.Remove(dst)
	if out, err := exec.Command("dd", "if="+disk, "of="+dst, "bs=4M", "skip="+strconv.FormatInt(p.Offset, 10),
		"count="+strconv.FormatInt(p.Size, 10), "iflag=skip_bytes,count_bytes", "conv=sparse", "status=none").CombinedOutput(); err != nil {
		return fmt.Errorf("copying partition %d of %s: %v\n%s", n, disk, err, out)
	}
	out, err := exec.Command("e2fsck", "-E", "journal_only", "-p", dst).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() < 4 {
		err = nil // 1, 2: replayed
	}
	if err != nil {
		return fmt.Errorf("e2fsck -E journal_only on partition %d: %v\n%s", n, err, out)
	}
	return nil
}

// slotKernel copies the kernel and initramfs of the slot in partition n
// (its /boot, as U-Boot loads them from the slot) into dir.
func slotKernel(disk string, n int, dir string) (kernel, initrd string, err error) {
	fs := filepath.Join(dir, fmt.Sprintf("p%d.ext4", n))
	defer os.Remove(fs)
	if err := replayedCopy(disk, n, fs); err != nil {
		return "", "", err
	}
	ls, err := debugfs(fs, "ls -p /boot")
	if err != nil {
		return "", "", err
	}
	// ls -p: /inode/mode/uid/gid/name/size/
	for _, line := range strings.Split(ls, "\n") {
		f := strings.Split(line, "/")
		if len(f) < 7 || !strings.HasPrefix(f[2], "10") {
			continue // not a regular file
		}
		switch name := f[5]; {
		case strings.HasPrefix(name, "vmlinuz-"):
			kernel = name
		case strings.HasPrefix(name, "initrd.img-"):
			initrd = name
		}
	}
	if kernel == "" || initrd == "" {
		return "", "", fmt.Errorf("partition %d: no kernel and initramfs in /boot:\n%s", n, ls)
	}
	dst := func(name string) string { return filepath.Join(dir, fmt.Sprintf("p%d-%s", n, name)) }
	for _, name := range []string{kernel, initrd} {
		os.Remove(dst(name))
		if _, err := debugfs(fs, "dump /boot/"+name+" "+dst(name)); err != nil {
			return "", "", err
		}
		if fi, err := os.Stat(dst(name)); err != nil || fi.Size() == 0 {
			return "", "", fmt.Errorf("partition %d: /boot/%s not copied", n, name)
		}
	}
	return dst(kernel), dst(initrd), nil
}

// snapshotData returns every regular file of the data partition, by path,
// with its size and SHA-256, read from the disk image while the machine is
// off.
func snapshotData(disk, scratch string) (map[string]string, error) {
	dir := filepath.Join(scratch, "data-snapshot")
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	copied := filepath.Join(scratch, "data-snapshot.ext4")
	defer os.Remove(copied)
	if err := replayedCopy(disk, dataPartition, copied); err != nil {
		return nil, err
	}
	if _, err := debugfs(copied, "rdump / "+dir); err != nil {
		return nil, err
	}
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[rel] = fmt.Sprintf("%d bytes, sha256 %x", len(b), sha256.Sum256(b))
		return nil
	})
	return files, err
}

// diffSnapshots lists what differs between two snapshots of the data.
func diffSnapshots(before, after map[string]string) []string {
	var diff []string
	for p, b := range before {
		switch a, ok := after[p]; {
		case !ok:
			diff = append(diff, p+": gone")
		case a != b:
			diff = append(diff, fmt.Sprintf("%s: %s, now %s", p, b, a))
		}
	}
	for p, a := range after {
		if _, ok := before[p]; !ok {
			diff = append(diff, p+": new, "+a)
		}
	}
	slices.Sort(diff)
	return diff
}
