package client

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// spareBytes is kept free on the state file system beyond a sync's needs.
const spareBytes = 32 << 20

// checkSpace refuses a sync the state file system cannot hold: the
// downloads, plus what the store needs to replace a revocation list
// (about 75 bytes an entry until its checkpoint; see store.ReplaceRevocations).
func (c *Client) checkSpace(jobs []*job) error {
	var need int64
	for _, j := range jobs {
		for _, t := range j.files {
			need += t.file.Length
			if t.ds.Name == repo.Revocations && t.ds.Kind == repo.KindFull {
				need += 75 * t.ds.Entries
			}
		}
	}
	if need == 0 {
		return nil
	}
	var fs unix.Statfs_t
	if err := unix.Statfs(c.o.Dir, &fs); err != nil {
		return nil // cannot tell; the download will fail if it must
	}
	free := int64(fs.Bavail) * int64(fs.Bsize)
	if free < need+spareBytes {
		return fmt.Errorf("sync: %d MB free on the state file system; the update needs %d MB", free>>20, (need+spareBytes)>>20)
	}
	return nil
}
