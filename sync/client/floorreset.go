package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/venuekiosk/venuekiosk/internal/bounded"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// floorReset looks for a signed floor reset at the top of the source
// (repo.FloorResetFile), verifies it with the trusted root's root or
// targets keys, and hands it to Opts.FloorReset. A missing file is no
// error; a file that does not verify, or that the kiosk refuses, is
// recorded in res and the sync goes on (it will fail on expiry if the
// floor is wrong). After a reset, trusted timestamp metadata issued after
// the reset could have expired is from a time the offline keys say has
// not come: it is dropped (like a timestamp key rotation, TUF 5.3.11),
// so that the repository's current timestamp is accepted again.
func (c *Client) floorReset(ctx context.Context, st *state, res *Result) {
	raw, err := c.fetchMeta(ctx, repo.FloorResetFile, repo.MaxFloorResetSize, nil, res)
	if errors.Is(err, errNotFound) {
		return
	}
	if err != nil {
		res.FloorResetError = fmt.Errorf("floor reset: %w", err)
		return
	}
	fr, role, err := repo.ParseFloorReset(raw, st.root.Signed)
	if err != nil {
		res.FloorResetError = err
		c.log.Warn("sync: floor reset refused", "err", err)
		return
	}
	if err := c.o.FloorReset(fr, role); err != nil {
		res.FloorResetError = err
		c.log.Info("sync: floor reset not applied", "version", fr.Version, "err", err)
		return
	}
	res.FloorReset = fr
	if st.ts != nil && st.ts.Signed.Issued.After(fr.Expires) {
		c.log.Warn("sync: dropping trusted timestamp metadata issued after the floor reset's expiry",
			"issued", st.ts.Signed.Issued, "reset", fr.Time)
		c.remove(timestampFile)
		c.remove(snapshotFile)
		st.ts, st.snap = nil, nil
		c.tsValidators = nil
	}
}

// TrustedRoot returns the root a kiosk trusts, without changing anything:
// the newest root it synced into dir when that descends from initial (its
// sync.root), else initial itself.
func TrustedRoot(dir string, initial []byte) (*repo.Root, error) {
	sum := sha256.Sum256(initial)
	prev, _ := bounded.ReadFile(filepath.Join(dir, bootstrapFile), 128)
	if string(bytes.TrimSpace(prev)) == hex.EncodeToString(sum[:]) {
		if b, err := bounded.ReadFile(filepath.Join(dir, rootFile), repo.MaxRootSize); err == nil {
			if m, err := bootstrapRoot(b); err == nil {
				return m.Signed, nil
			}
		}
	}
	m, err := bootstrapRoot(initial)
	if err != nil {
		return nil, fmt.Errorf("initial root: %w", err)
	}
	return m.Signed, nil
}
