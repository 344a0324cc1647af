package systemtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// buildMark names a root filesystem's build in the guest: "base" (the
// image's slots), or an update bundle's (updates).
const buildMark = "/etc/venuekiosk-systemtest-build"

// update is a bundle made as make bundle makes one (mkbundle.sh, the
// debian_arm64 board, the development key) from the base root filesystem
// with a few files changed.
type update struct {
	name, mark string
	kioskd     string // a stand-in from guest/ over /usr/bin/kioskd, or ""
}

// updates are the A/B checks' bundles: a good one, and one whose kioskd
// fails before READY at every start.
var updates = []update{
	{name: "good", mark: "update"},
	{name: "broken", mark: "broken update", kioskd: "kioskd-fails"},
}

// bundleBoard is the board whose compatible the bundles carry (make
// bundle's, for the Debian image) and the guest's rauc-ab.conf names.
const bundleBoard = "debian_arm64"

// buildSlots makes the arm64 machine's disk from the assembled tree: the
// development keyring in the tree, the tree as slot A and slot B (as the
// SD card image has it), an empty data partition and a blank state; and
// the update bundles, signed with the development key, on the stick.
func buildSlots(t *testing.T, repoRoot, tree, work string, s *stick, img *image) {
	t.Helper()
	keys := filepath.Join(work, "rauc-dev")
	if err := makeDevKeys(keys, time.Now()); err != nil {
		t.Fatal(err)
	}
	ca, err := os.ReadFile(filepath.Join(keys, "ca.cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	put(t, tree, "/etc/rauc/keyring.pem", ca, 0o644)
	base := filepath.Join(work, "slot-base.ext4")
	makeSlot(t, tree, base)

	guest := filepath.Join(repoRoot, "firmware", "systemtest", "guest")
	bundles := filepath.Join(s.Dir, "bundles")
	if err := os.MkdirAll(bundles, 0o755); err != nil {
		t.Fatal(err)
	}
	img.Bundles = map[string]string{}
	for _, u := range updates {
		ut := filepath.Join(work, "tree-"+u.name)
		mustRun(t, "", "cp", "-al", tree, ut)
		put(t, ut, buildMark, []byte(u.mark+"\n"), 0o644)
		if u.kioskd != "" {
			b, err := os.ReadFile(filepath.Join(guest, u.kioskd))
			if err != nil {
				t.Fatal(err)
			}
			put(t, ut, "/usr/bin/kioskd", b, 0o755)
		}
		slot := filepath.Join(work, "slot-"+u.name+".ext4")
		makeSlot(t, ut, slot)
		os.RemoveAll(ut)
		out := filepath.Join(bundles, u.name+".raucb")
		// What make bundle runs on the image's root slot (its
		// root.ext4), here on this slot image.
		mustRun(t, repoRoot, "buildroot/board/venuekiosk/common/mkbundle.sh", "-b", bundleBoard, "-r", slot, "-o", out,
			"-c", filepath.Join(keys, "signing.cert.pem"), "-k", filepath.Join(keys, "signing.key.pem"),
			"-K", filepath.Join(keys, "ca.cert.pem"), "-v", "systemtest-"+u.name)
		os.Remove(slot)
		img.Bundles[u.name] = "/media/stick/bundles/" + u.name + ".raucb"
	}
	makeDisk(t, img.Root, base)
	os.Remove(base)
}

// makeSlot makes a root slot's ext4 image of tree.
func makeSlot(t *testing.T, tree, out string) {
	t.Helper()
	mustRun(t, "", "mke2fs", "-q", "-t", "ext4", "-L", "vkroot", "-d", tree, out, strconv.Itoa(slotSize>>10)+"k")
}

// diskLayout is the machine's disk, partitions 1 to 4 as on the SD card:
// the state (where the boot partition is), root A, root B, data.
func diskLayout() []partition {
	const mib = 1 << 20
	sizes := []int64{mib, slotSize, slotSize, dataSize}
	parts := make([]partition, len(sizes))
	off := int64(mib)
	for i, size := range sizes {
		parts[i] = partition{Offset: off, Size: size}
		off += size
	}
	return parts
}

// makeDisk writes the disk: an MBR, the blank state, base in both slots and
// an empty ext4 data partition labelled as the image's.
func makeDisk(t *testing.T, disk, base string) {
	t.Helper()
	parts := diskLayout()
	last := parts[len(parts)-1]
	f, err := os.Create(disk)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(last.Offset + last.Size); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var script strings.Builder
	script.WriteString("label: dos\n")
	for i, p := range parts {
		typ := "83"
		if i+1 == statePart {
			typ = "da" // non-file-system data
		}
		fmt.Fprintf(&script, "start=%d, size=%d, type=%s\n", p.Offset/sectorSize, p.Size/sectorSize, typ)
	}
	sfdisk(t, disk, script.String())
	for _, slot := range []string{"A", "B"} {
		p := parts[slotPartition[slot]-1]
		mustRun(t, "", "dd", "if="+base, "of="+disk, "bs=4M", "seek="+strconv.FormatInt(p.Offset, 10),
			"oflag=seek_bytes", "conv=notrunc,sparse", "status=none")
	}
	p := parts[dataPartition-1]
	mustRun(t, "", "mke2fs", "-q", "-t", "ext4", "-L", "vk-data", "-E", "offset="+strconv.FormatInt(p.Offset, 10),
		disk, strconv.FormatInt(p.Size>>10, 10)+"k")
}
