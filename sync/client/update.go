package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// update runs the TUF client workflow (specification, section 5 "Detailed
// client workflow"): root rotations, then timestamp, snapshot and targets,
// each checked for signatures, versions, expiry and the length and hash
// the metadata above it gives. Verified metadata is saved as soon as it is
// trusted.
func (c *Client) update(ctx context.Context, st *state, res *Result) error {
	now := c.o.Now()
	if err := c.updateRoot(ctx, st, now, res); err != nil {
		return err
	}
	if err := c.updateTimestamp(ctx, st, now, res); err != nil {
		return err
	}
	if err := c.updateSnapshot(ctx, st, now, res); err != nil {
		return err
	}
	return c.updateTargets(ctx, st, now, res)
}

func expired[T repo.Signed](m *repo.Metadata[T], role string, now time.Time) error {
	c := m.Common()
	if !now.Before(c.Expires) {
		return &ExpiredError{Role: role, Version: c.Version, Expires: c.Expires, Now: now}
	}
	return nil
}

// updateRoot follows root rotations (5.3): version N+1 must be signed by a
// threshold of version N's root keys and of its own.
func (c *Client) updateRoot(ctx context.Context, st *state, now time.Time, res *Result) error {
	for range c.o.MaxRootRotations {
		next := st.root.Signed.Version + 1
		name := fmt.Sprintf("%d.root.json", next)
		raw, err := c.fetchMeta(ctx, name, repo.MaxRootSize, nil, res)
		if errors.Is(err, errNotFound) {
			break
		}
		if err != nil {
			return fmt.Errorf("root version %d: %w", next, err)
		}
		m, err := repo.Parse[*repo.Root](raw, repo.RoleRoot)
		if err != nil {
			return err
		}
		if err := m.Verify(st.root.Signed, repo.RoleRoot); err != nil {
			return fmt.Errorf("new root, checked with the trusted root's keys: %w", err)
		}
		if m.Signed.Version != next {
			return &MetadataError{Role: repo.RoleRoot, Why: fmt.Sprintf("%s holds version %d", name, m.Signed.Version)}
		}
		if err := m.Verify(m.Signed, repo.RoleRoot); err != nil {
			return fmt.Errorf("new root, checked with its own keys: %w", err)
		}
		rotated := !sameKeys(st.root.Signed, m.Signed, repo.RoleTimestamp) || !sameKeys(st.root.Signed, m.Signed, repo.RoleSnapshot)
		if err := c.persist(rootFile, raw); err != nil {
			return err
		}
		c.log.Info("sync: root rotated", "from", st.root.Signed.Version, "to", next)
		st.root = m
		// 5.3.11: new timestamp or snapshot keys: forget the metadata they
		// signed, so that a repository recovering from a key compromise can
		// start their versions again.
		if rotated {
			c.remove(timestampFile)
			c.remove(snapshotFile)
			st.ts, st.snap = nil, nil
			c.tsValidators = nil
		}
	}
	return expired(st.root, repo.RoleRoot, now)
}

func sameKeys(a, b *repo.Root, role string) bool {
	ra, rb := a.Roles[role], b.Roles[role]
	if ra.Threshold != rb.Threshold || len(ra.KeyIDs) != len(rb.KeyIDs) {
		return false
	}
	for _, id := range ra.KeyIDs {
		if !slices.Contains(rb.KeyIDs, id) {
			return false
		}
	}
	return true
}

// updateTimestamp (5.4): always fetched, conditionally when the source
// gave validators for the trusted one.
func (c *Client) updateTimestamp(ctx context.Context, st *state, now time.Time, res *Result) error {
	var cond *validators
	if st.ts != nil {
		cond = c.tsValidators
	}
	var v *validators
	raw, err := c.fetchMetaValidators(ctx, "timestamp.json", repo.MaxTimestampSize, cond, &v, res)
	switch {
	case errors.Is(err, errNotModified) && st.ts != nil:
		return expired(st.ts, repo.RoleTimestamp, now)
	case errors.Is(err, errNotFound):
		return &MetadataError{Role: repo.RoleTimestamp, Why: "timestamp.json not found at " + c.src.String()}
	case err != nil:
		return fmt.Errorf("timestamp: %w", err)
	}
	m, err := repo.Parse[*repo.Timestamp](raw, repo.RoleTimestamp)
	if err != nil {
		return err
	}
	if err := m.Verify(st.root.Signed, repo.RoleTimestamp); err != nil {
		return err
	}
	if old := st.ts; old != nil {
		ov, nv := old.Signed.Version, m.Signed.Version
		switch {
		case nv < ov:
			return &RollbackError{What: "timestamp metadata", Trusted: ov, Offered: nv}
		case nv == ov:
			// Nothing new; keep the trusted copy (5.4.3.1).
			c.tsValidators = v
			return expired(old, repo.RoleTimestamp, now)
		}
		osv, nsv := old.Signed.Meta["snapshot.json"].Version, m.Signed.Meta["snapshot.json"].Version
		if nsv < osv {
			return &RollbackError{What: "snapshot metadata (listed in timestamp)", Trusted: osv, Offered: nsv}
		}
		if m.Signed.Issued.Before(old.Signed.Issued) {
			return &MetadataError{Role: repo.RoleTimestamp, Why: fmt.Sprintf("version %d was issued at %s, before the trusted version %d (%s)",
				nv, m.Signed.Issued.UTC().Format(time.RFC3339), ov, old.Signed.Issued.UTC().Format(time.RFC3339))}
		}
	}
	if err := expired(m, repo.RoleTimestamp, now); err != nil {
		return err
	}
	if re := st.root.Signed.Expires; m.Signed.Issued.After(re) {
		return &FutureError{Role: repo.RoleTimestamp, Version: m.Signed.Version, Issued: m.Signed.Issued, RootExpires: re}
	}
	if err := c.persist(timestampFile, raw); err != nil {
		return err
	}
	st.ts = m
	c.tsValidators = v
	res.New = true
	return nil
}

// consistentName is where a versioned metadata file is fetched.
func consistentName(root *repo.Root, version int64, name string) string {
	if root.ConsistentSnapshot {
		return fmt.Sprintf("%d.%s", version, name)
	}
	return name
}

// updateSnapshot (5.5).
func (c *Client) updateSnapshot(ctx context.Context, st *state, now time.Time, res *Result) error {
	mf := st.ts.Signed.Meta["snapshot.json"]
	if st.snap != nil && st.snap.Signed.Version == mf.Version {
		return expired(st.snap, repo.RoleSnapshot, now)
	}
	raw, err := c.fetchMeta(ctx, consistentName(st.root.Signed, mf.Version, "snapshot.json"), mf.Length, nil, res)
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	if err := checkFile("snapshot.json", raw, mf.Length, mf.Hashes["sha256"]); err != nil {
		return err
	}
	m, err := repo.Parse[*repo.Snapshot](raw, repo.RoleSnapshot)
	if err != nil {
		return err
	}
	if err := m.Verify(st.root.Signed, repo.RoleSnapshot); err != nil {
		return err
	}
	if m.Signed.Version != mf.Version {
		return &MetadataError{Role: repo.RoleSnapshot, Why: fmt.Sprintf("version %d, but timestamp lists version %d", m.Signed.Version, mf.Version)}
	}
	if old := st.snap; old != nil {
		for name, o := range old.Signed.Meta {
			n, ok := m.Signed.Meta[name]
			if !ok {
				return &MetadataError{Role: repo.RoleSnapshot, Why: name + " is no longer listed"}
			}
			if n.Version < o.Version {
				return &RollbackError{What: name + " (listed in snapshot)", Trusted: o.Version, Offered: n.Version}
			}
		}
	}
	if err := expired(m, repo.RoleSnapshot, now); err != nil {
		return err
	}
	if err := c.persist(snapshotFile, raw); err != nil {
		return err
	}
	st.snap = m
	return nil
}

// updateTargets (5.6).
func (c *Client) updateTargets(ctx context.Context, st *state, now time.Time, res *Result) error {
	mf := st.snap.Signed.Meta["targets.json"]
	if st.tgt != nil && st.tgt.Signed.Version == mf.Version {
		return expired(st.tgt, repo.RoleTargets, now)
	}
	raw, err := c.fetchMeta(ctx, consistentName(st.root.Signed, mf.Version, "targets.json"), mf.Length, nil, res)
	if err != nil {
		return fmt.Errorf("targets: %w", err)
	}
	if err := checkFile("targets.json", raw, mf.Length, mf.Hashes["sha256"]); err != nil {
		return err
	}
	m, err := repo.Parse[*repo.Targets](raw, repo.RoleTargets)
	if err != nil {
		return err
	}
	if err := m.Verify(st.root.Signed, repo.RoleTargets); err != nil {
		return err
	}
	if m.Signed.Version != mf.Version {
		return &MetadataError{Role: repo.RoleTargets, Why: fmt.Sprintf("version %d, but snapshot lists version %d", m.Signed.Version, mf.Version)}
	}
	if err := expired(m, repo.RoleTargets, now); err != nil {
		return err
	}
	if err := c.persist(targetsFile, raw); err != nil {
		return err
	}
	st.tgt = m
	return nil
}

// checkFile checks a downloaded file's length and SHA-256.
func checkFile(name string, b []byte, length int64, sum string) error {
	if int64(len(b)) != length {
		return &LengthError{Name: name, Want: length, Got: int64(len(b))}
	}
	h := sha256.Sum256(b)
	if got := hex.EncodeToString(h[:]); got != sum {
		return &HashError{Name: name, Want: sum, Got: got}
	}
	return nil
}

// fetchMeta reads a metadata file of at most max bytes into memory.
func (c *Client) fetchMeta(ctx context.Context, name string, max int64, cond *validators, res *Result) ([]byte, error) {
	var v *validators
	return c.fetchMetaValidators(ctx, name, max, cond, &v, res)
}

func (c *Client) fetchMetaValidators(ctx context.Context, name string, max int64, cond *validators, v **validators, res *Result) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.o.Timeout)
	defer cancel()
	rc, val, err := c.src.fetch(ctx, name, max, cond)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(rc, max+1))
	res.Downloaded += n
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, readErr(ctx, err))
	}
	if n > max {
		return nil, &TooLargeError{Name: name, Max: max, Size: -1}
	}
	*v = val
	return buf.Bytes(), nil
}

// readErr names a read that the request's deadline cut short.
func readErr(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("timed out: %w", err)
	}
	return err
}
