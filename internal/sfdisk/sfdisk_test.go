package sfdisk

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const mib = 1 << 20

// TestRead partitions a small sparse file with an sfdisk script and reads
// the table back.
func TestRead(t *testing.T) {
	if _, err := exec.LookPath("sfdisk"); err != nil {
		t.Skip("sfdisk not found (Debian package fdisk): cannot partition a test image")
	}
	img := filepath.Join(t.TempDir(), "disk.img")
	if err := os.WriteFile(img, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(img, 8*mib); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sfdisk", "--quiet", img)
	cmd.Stdin = strings.NewReader("label: dos\nlabel-id: 0x564b00ff\n" +
		"start=1MiB, size=2MiB, type=c, bootable\n" +
		"start=3MiB, type=83\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sfdisk: %v\n%s", err, out)
	}

	got, err := Read(t.Context(), img)
	if err != nil {
		t.Fatal(err)
	}
	want := Table{
		Label:      "dos",
		ID:         "0x564b00ff",
		SectorSize: 512,
		Partitions: []Partition{
			{Start: 1 * mib, Size: 2 * mib, Type: "c", Bootable: true},
			{Start: 3 * mib, Size: 5 * mib, Type: "83"},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Read = %+v\nwant %+v", got, want)
	}
}

// TestReadNoTable: a file without a partition table is an error, not an
// empty table.
func TestReadNoTable(t *testing.T) {
	if _, err := exec.LookPath("sfdisk"); err != nil {
		t.Skip("sfdisk not found (Debian package fdisk)")
	}
	img := filepath.Join(t.TempDir(), "blank.img")
	if err := os.WriteFile(img, make([]byte, 4096), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := Read(t.Context(), img); err == nil {
		t.Errorf("Read of a blank file = %+v, nil; want an error", got)
	}
}

// TestParse converts sectors to bytes with the reported sector size and
// refuses output without one.
func TestParse(t *testing.T) {
	got, err := parse([]byte(`{"partitiontable": {"label": "dos", "id": "0x1", "sectorsize": 4096,
		"partitions": [{"node": "x1", "start": 256, "size": 512, "type": "83"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Table{Label: "dos", ID: "0x1", SectorSize: 4096,
		Partitions: []Partition{{Start: 1 * mib, Size: 2 * mib, Type: "83"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parse = %+v, want %+v", got, want)
	}
	if _, err := parse([]byte(`{"partitiontable": {"label": "dos", "partitions": []}}`)); err == nil {
		t.Error("parse without a sector size: no error")
	}
	if _, err := parse([]byte(`not json`)); err == nil {
		t.Error("parse of garbage: no error")
	}
}
