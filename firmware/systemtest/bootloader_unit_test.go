package systemtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// These run everywhere (no virtual machine): the host's bootloader rules
// and the guest's backend, which share the state.

func TestBootStateChoose(t *testing.T) {
	for _, tt := range []struct {
		name, state, slot, after string
	}{
		{"blank: boot.cmd's defaults", "", "A", "BOOT_ORDER=A B\nBOOT_A_LEFT=2\nBOOT_B_LEFT=3\n"},
		{"after an install into B", "BOOT_ORDER=B A\nBOOT_A_LEFT=3\nBOOT_B_LEFT=3\n", "B", "BOOT_ORDER=B A\nBOOT_A_LEFT=3\nBOOT_B_LEFT=2\n"},
		{"last attempt", "BOOT_ORDER=A B\nBOOT_A_LEFT=1\nBOOT_B_LEFT=3\n", "A", "BOOT_ORDER=A B\nBOOT_A_LEFT=0\nBOOT_B_LEFT=3\n"},
		{"attempts spent: the next slot", "BOOT_ORDER=A B\nBOOT_A_LEFT=0\nBOOT_B_LEFT=3\n", "B", "BOOT_ORDER=A B\nBOOT_A_LEFT=0\nBOOT_B_LEFT=2\n"},
		{"marked bad: out of the order", "BOOT_ORDER=B\nBOOT_A_LEFT=0\nBOOT_B_LEFT=1\n", "B", "BOOT_ORDER=B\nBOOT_A_LEFT=0\nBOOT_B_LEFT=0\n"},
		{"none left: both 3 again, reset", "BOOT_ORDER=A B\nBOOT_A_LEFT=0\nBOOT_B_LEFT=0\n", "A", "BOOT_ORDER=A B\nBOOT_A_LEFT=2\nBOOT_B_LEFT=3\n"},
		{"hexadecimal, as U-Boot's test reads it", "BOOT_ORDER=A B\nBOOT_A_LEFT=a\nBOOT_B_LEFT=3\n", "A", "BOOT_ORDER=A B\nBOOT_A_LEFT=9\nBOOT_B_LEFT=3\n"},
		{"unknown names skipped", "BOOT_ORDER=C B\nBOOT_A_LEFT=3\nBOOT_B_LEFT=3\n", "B", "BOOT_ORDER=C B\nBOOT_A_LEFT=3\nBOOT_B_LEFT=2\n"},
		{"zero-padded, as stored", "BOOT_ORDER=B A\nBOOT_A_LEFT=3\nBOOT_B_LEFT=3\n\x00\x00junk", "B", "BOOT_ORDER=B A\nBOOT_A_LEFT=3\nBOOT_B_LEFT=2\n"},
	} {
		slot, after := parseBootState([]byte(tt.state)).choose()
		if slot != tt.slot || after.String() != tt.after {
			t.Errorf("%s: got slot %q, state %q; want %q, %q", tt.name, slot, after.String(), tt.slot, tt.after)
		}
	}
	// choose does not change the state it was given (a peek).
	st := parseBootState([]byte("BOOT_ORDER=A B\nBOOT_A_LEFT=3\n"))
	st.choose()
	if st.Left["A"] != 3 {
		t.Errorf("choose changed its receiver: A has %d left", st.Left["A"])
	}
}

func TestDiskLayoutAndState(t *testing.T) {
	if _, err := exec.LookPath("sfdisk"); err != nil {
		t.Skip("sfdisk not found (Debian's fdisk)")
	}
	parts := diskLayout()
	if len(parts) != 4 || parts[slotPartition["A"]-1].Size != slotSize || parts[slotPartition["B"]-1].Size != slotSize || parts[dataPartition-1].Size != dataSize {
		t.Fatalf("layout %+v: want state, two %d-byte slots, %d-byte data", parts, slotSize, dataSize)
	}
	disk := filepath.Join(t.TempDir(), "disk.img")
	f, err := os.Create(disk)
	if err != nil {
		t.Fatal(err)
	}
	last := parts[3]
	f.Truncate(last.Offset + last.Size)
	f.Close()
	var script strings.Builder
	script.WriteString("label: dos\n")
	for _, p := range parts {
		fmt.Fprintf(&script, "start=%d, size=%d, type=83\n", p.Offset/sectorSize, p.Size/sectorSize)
	}
	sfdisk(t, disk, script.String())
	got, err := partitions(disk)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range parts {
		if got[i+1] != p {
			t.Errorf("partition %d: read %+v, want %+v", i+1, got[i+1], p)
		}
	}
	st, err := readBootState(disk)
	if err != nil || st.String() != "BOOT_ORDER=A B\nBOOT_A_LEFT=3\nBOOT_B_LEFT=3\n" {
		t.Errorf("blank state: %q, %v; want the defaults", st.String(), err)
	}
	_, next := st.choose()
	if err := writeBootState(disk, next); err != nil {
		t.Fatal(err)
	}
	if again, _ := readBootState(disk); again.String() != next.String() {
		t.Errorf("state read back %q; want %q", again.String(), next.String())
	}
}

// TestBackendSharesState runs the guest's RAUC backend on a file and
// reads what it writes with the host's bootloader: an install into B, a
// boot of B, mark-good, and a slot marked bad.
func TestBackendSharesState(t *testing.T) {
	dir := t.TempDir()
	dev := filepath.Join(dir, "state")
	if err := os.WriteFile(dev, make([]byte, stateSize), 0o644); err != nil {
		t.Fatal(err)
	}
	backend, err := filepath.Abs("guest/vk-bootstate")
	if err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("sh", append([]string{backend}, args...)...)
		cmd.Env = append(os.Environ(), "VK_BOOTSTATE_DEV="+dev, "VK_BOOTSTATE_LOG="+filepath.Join(dir, "log"))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("vk-bootstate %v: %v: %s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	state := func() bootState {
		b, err := os.ReadFile(dev)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) != stateSize {
			t.Fatalf("the backend left %d bytes; want %d", len(b), stateSize)
		}
		return parseBootState(b)
	}
	if got := run("get-primary"); got != "A" {
		t.Errorf("blank: get-primary %q, want A", got)
	}
	// rauc install into B: B bad while written, then primary.
	run("set-state", "B", "bad")
	if got := run("get-state", "B"); got != "bad" {
		t.Errorf("get-state B after set-state bad: %q", got)
	}
	run("set-primary", "B")
	if got, want := state().String(), "BOOT_ORDER=B A\nBOOT_A_LEFT=3\nBOOT_B_LEFT=3\n"; got != want {
		t.Errorf("after the install: %q, want %q", got, want)
	}
	slot, next := state().choose()
	if slot != "B" {
		t.Errorf("the bootloader chose %s after the install into B", slot)
	}
	if err := os.WriteFile(dev, next.bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := run("get-primary"); got != "B" {
		t.Errorf("get-primary %q, want B", got)
	}
	run("set-state", "B", "good") // mark-good
	if got := state().Left["B"]; got != slotAttempts {
		t.Errorf("after mark-good B has %d attempts, want %d", got, slotAttempts)
	}
	run("set-state", "A", "bad")
	if got, want := state().String(), "BOOT_ORDER=B\nBOOT_A_LEFT=0\nBOOT_B_LEFT=3\n"; got != want {
		t.Errorf("after set-state A bad: %q, want %q", got, want)
	}
	if got := run("get-state", "A"); got != "bad" {
		t.Errorf("get-state A: %q, want bad", got)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "log"))
	if !strings.Contains(string(log), "set-primary B\n") {
		t.Errorf("the backend's log: %q", log)
	}
}

func TestDiffSnapshots(t *testing.T) {
	a := map[string]string{"kiosk.db": "1 bytes, sha256 aa", "x": "2"}
	if d := diffSnapshots(a, map[string]string{"kiosk.db": "1 bytes, sha256 aa", "x": "2"}); len(d) != 0 {
		t.Errorf("equal snapshots differ: %v", d)
	}
	d := diffSnapshots(a, map[string]string{"kiosk.db": "1 bytes, sha256 bb", "y": "3"})
	if len(d) != 3 {
		t.Errorf("got %v; want kiosk.db changed, x gone, y new", d)
	}
}

func TestParseMBR(t *testing.T) {
	if _, err := parseMBR(make([]byte, sectorSize)); err == nil {
		t.Error("a zero sector parsed as an MBR")
	}
}
