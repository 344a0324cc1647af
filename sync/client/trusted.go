package client

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/venuekiosk/venuekiosk/internal/bounded"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// Files in Opts.Dir. Each holds metadata exactly as downloaded and
// verified; bootstrap.sha256 names the initial root they descend from.
const (
	rootFile      = "root.json"
	timestampFile = "timestamp.json"
	snapshotFile  = "snapshot.json"
	targetsFile   = "targets.json"
	bootstrapFile = "bootstrap.sha256"
)

// state is the trusted metadata during a sync.
type state struct {
	root *repo.Metadata[*repo.Root]
	ts   *repo.Metadata[*repo.Timestamp]
	snap *repo.Metadata[*repo.Snapshot]
	tgt  *repo.Metadata[*repo.Targets]
}

// bootstrapRoot parses an initial root and checks that it is signed by its
// own root keys.
func bootstrapRoot(b []byte) (*repo.Metadata[*repo.Root], error) {
	if len(b) > repo.MaxRootSize {
		return nil, &TooLargeError{Name: "root", Max: repo.MaxRootSize, Size: int64(len(b))}
	}
	m, err := repo.Parse[*repo.Root](b, repo.RoleRoot)
	if err != nil {
		return nil, err
	}
	if err := m.Verify(m.Signed, repo.RoleRoot); err != nil {
		return nil, err
	}
	return m, nil
}

// load reads the trusted metadata. A file that is missing, damaged or no
// longer signed by the trusted root's keys is dropped: it is fetched again.
func (c *Client) load() (*state, error) {
	// Leftovers of a save a power cut interrupted.
	if tmp, err := filepath.Glob(filepath.Join(c.o.Dir, ".*.json.*")); err == nil {
		for _, f := range tmp {
			os.Remove(f)
		}
	}
	st := &state{}
	sum := sha256.Sum256(c.o.Root)
	boot := hex.EncodeToString(sum[:])
	prev, _ := bounded.ReadFile(filepath.Join(c.o.Dir, bootstrapFile), 128)
	if string(bytes.TrimSpace(prev)) == boot {
		if b, err := bounded.ReadFile(filepath.Join(c.o.Dir, rootFile), repo.MaxRootSize); err == nil {
			if m, err := bootstrapRoot(b); err == nil {
				st.root = m
			} else {
				c.log.Warn("sync: trusted root damaged; starting again from the initial root", "err", err)
			}
		}
	} else if prev != nil {
		c.log.Warn("sync: the initial root changed (the kiosk was provisioned again): trusting it afresh")
	}
	if st.root == nil {
		m, err := bootstrapRoot(c.o.Root)
		if err != nil {
			return nil, fmt.Errorf("sync: initial root: %w", err)
		}
		st.root = m
		for _, f := range []string{timestampFile, snapshotFile, targetsFile} {
			c.remove(f)
		}
		if err := c.persist(rootFile, c.o.Root); err != nil {
			return nil, err
		}
		if err := c.persist(bootstrapFile, []byte(boot+"\n")); err != nil {
			return nil, err
		}
	}
	st.ts = loadRole[*repo.Timestamp](c, timestampFile, repo.RoleTimestamp, repo.MaxTimestampSize, st.root.Signed)
	st.snap = loadRole[*repo.Snapshot](c, snapshotFile, repo.RoleSnapshot, repo.MaxSnapshotSize, st.root.Signed)
	st.tgt = loadRole[*repo.Targets](c, targetsFile, repo.RoleTargets, repo.MaxTargetsSize, st.root.Signed)
	return st, nil
}

func loadRole[T repo.Signed](c *Client, file, role string, max int64, root *repo.Root) *repo.Metadata[T] {
	b, err := bounded.ReadFile(filepath.Join(c.o.Dir, file), max)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err == nil {
		var m *repo.Metadata[T]
		if m, err = repo.Parse[T](b, role); err == nil {
			if err = m.Verify(root, role); err == nil {
				return m
			}
		}
	}
	c.log.Warn("sync: dropping trusted metadata", "file", file, "err", err)
	c.remove(file)
	return nil
}

// ReadRoot reads an initial root metadata file (the kiosk's sync.root),
// refusing one larger than repo.MaxRootSize.
func ReadRoot(path string) ([]byte, error) {
	if path == "" {
		return nil, errors.New("no root file configured")
	}
	return bounded.ReadFile(path, repo.MaxRootSize)
}

// persist writes name in Dir atomically: a power cut leaves the old file
// or the new one.
func (c *Client) persist(name string, b []byte) error {
	path := filepath.Join(c.o.Dir, name)
	f, err := os.CreateTemp(c.o.Dir, "."+name+".*")
	if err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("sync: saving %s: %w", name, err)
	}
	if d, err := os.Open(c.o.Dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

func (c *Client) remove(name string) {
	if err := os.Remove(filepath.Join(c.o.Dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		c.log.Warn("sync: removing trusted metadata", "file", name, "err", err)
	}
}
