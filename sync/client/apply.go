package client

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/internal/store"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// target is one data file the targets metadata lists.
type target struct {
	name string
	file repo.TargetFile
	ds   *repo.Dataset
}

// offer is what the repository holds of one data set.
type offer struct {
	version int64
	full    *target
	deltas  []target // revocations only
}

// offersOf groups the targets by data set and checks that each data set
// has exactly one full file, and deltas only for revocations.
func offersOf(t *repo.Targets) (map[string]*offer, error) {
	offers := map[string]*offer{}
	names := make([]string, 0, len(t.Targets))
	for name := range t.Targets {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		tf := t.Targets[name]
		if tf.Custom == nil || tf.Custom.Dataset == nil {
			continue // not a data set this kiosk knows
		}
		ds := tf.Custom.Dataset
		o := offers[ds.Name]
		if o == nil {
			o = &offer{}
			offers[ds.Name] = o
		}
		tg := target{name: name, file: tf, ds: ds}
		if ds.Kind == repo.KindDelta {
			o.deltas = append(o.deltas, tg)
			continue
		}
		if o.full != nil {
			return nil, &MetadataError{Role: repo.RoleTargets, Why: fmt.Sprintf("data set %s is in both %s and %s", ds.Name, o.full.name, name)}
		}
		o.full, o.version = &tg, ds.Version
	}
	for name, o := range offers {
		if o.full == nil {
			return nil, &MetadataError{Role: repo.RoleTargets, Why: fmt.Sprintf("data set %s has deltas but no full file", name)}
		}
		for _, d := range o.deltas {
			if d.ds.Version > o.version {
				return nil, &MetadataError{Role: repo.RoleTargets, Why: fmt.Sprintf("%s goes to version %d, past the full file's %d", d.name, d.ds.Version, o.version)}
			}
		}
	}
	return offers, nil
}

// job is one data set to bring up to date.
type job struct {
	name     string
	from, to int64
	files    []target
	via      string

	// Downloaded and checked before the transaction.
	opened  []*os.File
	keys    []*pass.Key
	policy  []byte
	ex      []store.Exposure
	staff   []string
	revs    []*repo.RevocationFile
	codes   *repo.CodeFile
	entries int64
}

// chain returns the deltas that bring the revocations from version from to
// to, or nil when the chain has a gap or costs more than the full file.
func chain(o *offer, from int64) []target {
	byFrom := map[int64]target{}
	for _, d := range o.deltas {
		if cur, ok := byFrom[d.ds.From]; !ok || d.ds.Version > cur.ds.Version {
			byFrom[d.ds.From] = d
		}
	}
	var out []target
	var size int64
	for v := from; v < o.version; {
		d, ok := byFrom[v]
		if !ok {
			return nil
		}
		out = append(out, d)
		size += d.file.Length
		v = d.ds.Version
	}
	if size >= o.full.file.Length {
		return nil
	}
	return out
}

// apply brings the store to the data sets the trusted targets metadata
// lists, in one transaction, and records the signed time for every data
// set it lists, and raises the time floor as Opts.FloorFor allows.
func (c *Client) apply(ctx context.Context, st *state, res *Result) error {
	offers, err := offersOf(st.tgt.Signed)
	if err != nil {
		return err
	}
	have := map[string]store.DataVersion{}
	vs, err := c.o.Store.DataVersions(ctx)
	if err != nil {
		return fmt.Errorf("sync: reading data versions: %w", err)
	}
	for _, v := range vs {
		have[v.Name] = v
	}
	issued := st.ts.Signed.Issued.UTC().Truncate(time.Second)
	var jobs []*job
	record := false
	for _, name := range repo.Datasets {
		o := offers[name]
		if o == nil {
			continue
		}
		cur, ok := have[name]
		switch {
		case ok && cur.Version > o.version:
			return &RollbackError{What: name + " data set", Trusted: cur.Version, Offered: o.version}
		case !ok || cur.Version < o.version:
			j := &job{name: name, from: cur.Version, to: o.version, files: []target{*o.full}, via: repo.KindFull}
			if name == repo.Revocations && ok && !c.forceFull {
				if ds := chain(o, cur.Version); ds != nil {
					j.files, j.via = ds, repo.KindDelta
				}
			}
			jobs = append(jobs, j)
			record = true
		case cur.SignedAt.Before(issued) || cur.Source != c.o.SourceName:
			record = true
		}
	}
	if !record {
		return nil
	}
	defer func() {
		for _, j := range jobs {
			for _, f := range j.opened {
				f.Close()
			}
		}
	}()
	if err := c.checkSpace(jobs); err != nil {
		return err
	}
	for _, j := range jobs {
		if err := c.fetchJob(ctx, st.root.Signed, j, res); err != nil {
			return err
		}
	}
	err = c.o.Store.Apply(ctx, func(tx *store.Tx) error {
		for _, j := range jobs {
			if err := j.apply(tx); err != nil {
				return err
			}
		}
		for _, name := range repo.Datasets {
			if o := offers[name]; o != nil {
				if err := tx.SetDataVersion(name, o.version, c.o.SourceName, issued); err != nil {
					return err
				}
			}
		}
		if c.o.FloorFor == nil {
			return nil
		}
		// Within the bound of the kiosk's evidence: a signed time alone
		// (an online key) never moves the floor far ahead.
		return tx.RaiseTimeFloor(c.o.FloorFor(st.ts.Signed.Issued, st.ts.Signed.Expires))
	})
	if err != nil {
		return fmt.Errorf("sync: applying: %w", err)
	}
	for _, j := range jobs {
		if j.name == repo.Revocations && j.via == repo.KindFull {
			c.forceFull = false
		}
		res.Applied = append(res.Applied, Change{Dataset: j.name, From: j.from, To: j.to, Via: j.via, Files: len(j.files), Entries: j.entries})
	}
	res.Refreshed = true
	return nil
}

// fetchJob downloads and checks a job's files and parses the small ones.
func (c *Client) fetchJob(ctx context.Context, root *repo.Root, j *job, res *Result) error {
	for _, t := range j.files {
		f, err := c.download(ctx, root, t, res)
		if err != nil {
			return err
		}
		j.opened = append(j.opened, f)
		if err := j.check(f, t); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	return nil
}

// check reads what must be read before the transaction: small documents
// whole, the headers of lists.
func (j *job) check(f *os.File, t target) error {
	readAll := func() ([]byte, error) { return io.ReadAll(io.LimitReader(f, t.file.Length)) }
	var err error
	switch j.name {
	case repo.Trust:
		var b []byte
		if b, err = readAll(); err == nil {
			j.keys, err = repo.ParseTrust(b)
			j.entries = int64(len(j.keys))
		}
	case repo.Policy:
		if j.policy, err = readAll(); err == nil {
			err = repo.CheckPolicy(j.policy)
			j.entries = 1
		}
	case repo.Exposures:
		var b []byte
		if b, err = readAll(); err == nil {
			j.ex, err = repo.ParseExposures(b)
			j.entries = int64(len(j.ex))
		}
	case repo.StaffRevocations:
		var b []byte
		if b, err = readAll(); err == nil {
			if j.staff, err = repo.ParseStaffRevocations(b); err == nil && int64(len(j.staff)) != t.ds.Entries {
				err = fmt.Errorf("%d card ids, listed as %d", len(j.staff), t.ds.Entries)
			}
			j.entries = int64(len(j.staff))
		}
	case repo.Revocations:
		var rf *repo.RevocationFile
		if rf, err = repo.ReadRevocationHeader(f, t.file.Length); err == nil {
			switch {
			case rf.Kind != t.ds.Kind:
				err = fmt.Errorf("a %s file, listed as %s", rf.Kind, t.ds.Kind)
			case rf.Adds+rf.Removes != t.ds.Entries:
				err = fmt.Errorf("%d entries, listed as %d", rf.Adds+rf.Removes, t.ds.Entries)
			}
			j.revs = append(j.revs, rf)
			j.entries += rf.Adds + rf.Removes
		}
	case repo.Codes:
		if j.codes, err = repo.ReadCodeHeader(f, t.file.Length); err == nil {
			if j.codes.Entries != t.ds.Entries {
				err = fmt.Errorf("%d entries, listed as %d", j.codes.Entries, t.ds.Entries)
			}
			j.entries = j.codes.Entries
		}
	default:
		err = fmt.Errorf("data set %q", j.name)
	}
	return err
}

// apply writes the job's data in tx.
func (j *job) apply(tx *store.Tx) error {
	var err error
	switch j.name {
	case repo.Trust:
		err = tx.ReplaceTrust(TrustSource, j.keys)
	case repo.Policy:
		err = tx.SetPolicy(j.policy)
	case repo.Exposures:
		err = tx.ReplaceExposures(j.ex)
	case repo.StaffRevocations:
		var n int64
		if n, err = tx.ReplaceStaffRevocations(store.SliceSeq(j.staff)); err == nil && n != int64(len(j.staff)) {
			err = fmt.Errorf("stored %d staff card revocations of %d", n, len(j.staff))
		}
	case repo.Codes:
		var n int64
		if n, err = tx.ReplaceCodes(j.codes.All(j.opened[0])); err == nil && n != j.codes.Entries {
			err = fmt.Errorf("stored %d code entries of %d", n, j.codes.Entries)
		}
	case repo.Revocations:
		err = j.applyRevocations(tx)
	}
	if err != nil {
		return fmt.Errorf("%s data set version %d: %w", j.name, j.to, err)
	}
	return nil
}

func (j *job) applyRevocations(tx *store.Tx) error {
	if j.via != repo.KindDelta {
		rf, f := j.revs[0], j.opened[0]
		n, err := tx.ReplaceRevocations(rf.AddIDs(f))
		if err == nil && n != rf.Adds {
			err = fmt.Errorf("stored %d revocations of %d", n, rf.Adds)
		}
		return err
	}
	for i, rf := range j.revs {
		f, to := j.opened[i], j.files[i].ds.Version
		n, err := tx.AddRevocations(rf.AddIDs(f))
		if err != nil {
			return err
		}
		if n != rf.Adds {
			return &DivergedError{Version: to, Want: rf.Adds, Got: n, Adds: true}
		}
		if n, err = tx.RemoveRevocations(rf.RemoveIDs(f)); err != nil {
			return err
		}
		if n != rf.Removes {
			return &DivergedError{Version: to, Want: rf.Removes, Got: n}
		}
	}
	return nil
}

// TrustSource is the store's source name for synced trust keys (keys a
// technician loads have their own).
const TrustSource = "sync"

// targetPath is where a target is fetched: with consistent snapshots its
// file name is prefixed with its SHA-256.
func targetPath(root *repo.Root, t target) string {
	if !root.ConsistentSnapshot {
		return "targets/" + t.name
	}
	dir, base := path.Split(t.name)
	return "targets/" + dir + t.file.Hashes["sha256"] + "." + base
}

// download fetches a target into an unlinked temporary file, checking its
// length and SHA-256 as it arrives; nothing reads it before both match.
func (c *Client) download(ctx context.Context, root *repo.Root, t target, res *Result) (*os.File, error) {
	if max := repo.MaxFileSize(t.ds.Name); t.file.Length > max {
		return nil, &TooLargeError{Name: t.name, Max: max, Size: t.file.Length}
	}
	budget := c.o.Timeout + time.Duration(t.file.Length/c.o.MinRate)*time.Second
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	rc, _, err := c.src.fetch(ctx, targetPath(root, t), t.file.Length, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.name, err)
	}
	defer rc.Close()
	f, err := os.CreateTemp(c.o.Dir, ".download-*")
	if err != nil {
		return nil, fmt.Errorf("sync: %w", err)
	}
	os.Remove(f.Name()) // the descriptor keeps it; a crash leaves nothing
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(rc, t.file.Length+1))
	res.Downloaded += n
	switch {
	case err != nil:
		err = fmt.Errorf("%s: %w", t.name, readErr(ctx, err))
	case n > t.file.Length:
		err = &TooLargeError{Name: t.name, Max: t.file.Length, Size: -1}
	case n < t.file.Length:
		err = &LengthError{Name: t.name, Want: t.file.Length, Got: n}
	}
	if err == nil {
		if got := hex.EncodeToString(h.Sum(nil)); got != t.file.Hashes["sha256"] {
			err = &HashError{Name: t.name, Want: t.file.Hashes["sha256"], Got: got}
		}
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
