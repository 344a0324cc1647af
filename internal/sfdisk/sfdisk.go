// Package sfdisk reads a disk image's partition table back with
// util-linux's sfdisk --json, the way the outside world sees it. The
// tests of the SD card images (buildroot, firmware/image) use it; it needs
// sfdisk (Debian package fdisk) on PATH.
package sfdisk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
)

// Table is a partition table as sfdisk reports it.
type Table struct {
	Label      string // "dos" for an MBR, "gpt"
	ID         string // the disk identifier, e.g. "0x564b0001"
	SectorSize int64  // bytes
	Partitions []Partition
}

// Partition is one entry of a Table, in bytes.
type Partition struct {
	Start    int64  // bytes from the start of the disk
	Size     int64  // bytes
	Type     string // as sfdisk prints it: MBR types "c", "83"
	Bootable bool
}

// Read runs sfdisk --json on file, a disk image or device, and returns
// its partition table with the partitions' start and size in bytes.
func Read(ctx context.Context, file string) (Table, error) {
	cmd := exec.CommandContext(ctx, "sfdisk", "--json", file)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return Table{}, fmt.Errorf("sfdisk --json %s: %w\n%s%s", file, err, stdout.String(), stderr.String())
	}
	return parse(stdout.Bytes())
}

// parse reads sfdisk --json output.
func parse(out []byte) (Table, error) {
	var table struct {
		PartitionTable struct {
			Label      string `json:"label"`
			ID         string `json:"id"`
			SectorSize int64  `json:"sectorsize"`
			Partitions []struct {
				Start    int64  `json:"start"`
				Size     int64  `json:"size"`
				Type     string `json:"type"`
				Bootable bool   `json:"bootable"`
			} `json:"partitions"`
		} `json:"partitiontable"`
	}
	if err := json.Unmarshal(out, &table); err != nil {
		return Table{}, fmt.Errorf("sfdisk --json: %w\n%s", err, out)
	}
	pt := table.PartitionTable
	if pt.SectorSize <= 0 {
		return Table{}, errors.New("sfdisk --json gave no sector size (util-linux too old?)")
	}
	t := Table{Label: pt.Label, ID: pt.ID, SectorSize: pt.SectorSize}
	for _, p := range pt.Partitions {
		t.Partitions = append(t.Partitions, Partition{
			Start:    p.Start * pt.SectorSize,
			Size:     p.Size * pt.SectorSize,
			Type:     p.Type,
			Bootable: p.Bootable,
		})
	}
	return t, nil
}
