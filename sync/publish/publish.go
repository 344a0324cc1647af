package publish

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/internal/store"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// Inputs are the data sets to publish. A nil field leaves its data set as
// it is; an empty, non-nil one publishes an empty list.
type Inputs struct {
	Trust       []*pass.Key
	Policy      []byte // entry policy JSON (policy.Parse must accept it)
	Revocations []pass.ID
	Codes       []store.CodeEntry
	Exposures   []store.Exposure
	// StaffRevocations are the revoked staff cards' ids (the whole list;
	// order and repeats do not matter).
	StaffRevocations []string
}

// Summary says what a publish did.
type Summary struct {
	Changed   []Change // data sets with a new version
	Timestamp int64    // the new timestamp version
	Targets   int64    // the targets version now current
	Issued    time.Time
}

// Change is one data set's new version.
type Change struct {
	Dataset  string
	From, To int64
	Entries  int64
	// Delta is the revocation delta's adds and removes (revocations only).
	Adds, Removes int64
}

// Target names of the data sets.
const (
	TrustTarget     = "trust.json"
	PolicyTarget    = "policy.json"
	CodesTarget     = "codes.bin"
	ExposuresTarget = "exposures.json"
	StaffTarget     = "staff_revocations.json"
	FullTarget      = "revocations/full.bin"
)

// deltaTarget names the delta that brings revocations to version v.
func deltaTarget(v int64) string { return fmt.Sprintf("revocations/delta-%d.bin", v) }

// Publish writes the data sets in in as new versions, where they differ
// from the published ones, and signs new targets, snapshot and timestamp
// metadata. With nothing changed it only signs a new timestamp, which
// tells kiosks the data they hold is still current.
func (r *Repo) Publish(in Inputs) (*Summary, error) {
	now := r.o.Now().UTC().Truncate(time.Second)
	cur := r.tgt.Signed
	next := &repo.Targets{Targets: maps.Clone(cur.Targets)}
	if next.Targets == nil {
		next.Targets = map[string]repo.TargetFile{}
	}
	sum := &Summary{}
	docs := []struct {
		name, target string
		has          bool
		encode       func() ([]byte, int64, error)
	}{
		{repo.Trust, TrustTarget, in.Trust != nil, func() ([]byte, int64, error) {
			b, err := repo.MarshalTrust(in.Trust)
			return b, int64(len(in.Trust)), err
		}},
		{repo.Policy, PolicyTarget, in.Policy != nil, func() ([]byte, int64, error) {
			return in.Policy, 1, repo.CheckPolicy(in.Policy)
		}},
		{repo.Exposures, ExposuresTarget, in.Exposures != nil, func() ([]byte, int64, error) {
			for i := range in.Exposures {
				if err := checkExposure(&in.Exposures[i]); err != nil {
					return nil, 0, fmt.Errorf("exposure %d: %w", i, err)
				}
			}
			b, err := repo.MarshalExposures(in.Exposures)
			return b, int64(len(in.Exposures)), err
		}},
		{repo.StaffRevocations, StaffTarget, in.StaffRevocations != nil, func() ([]byte, int64, error) {
			ids := slices.Clone(in.StaffRevocations)
			slices.Sort(ids)
			ids = slices.Compact(ids)
			b, err := repo.MarshalStaffRevocations(ids)
			return b, int64(len(ids)), err
		}},
		{repo.Codes, CodesTarget, in.Codes != nil, func() ([]byte, int64, error) {
			codes := slices.Clone(in.Codes)
			slices.SortFunc(codes, repo.CompareCodes)
			codes = slices.CompactFunc(codes, func(a, b store.CodeEntry) bool { return repo.CompareCodes(a, b) == 0 })
			var buf bytes.Buffer
			err := repo.WriteCodes(&buf, codes)
			return buf.Bytes(), int64(len(codes)), err
		}},
	}
	for _, d := range docs {
		if !d.has {
			continue
		}
		b, n, err := d.encode()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.name, err)
		}
		from := datasetVersion(cur, d.target)
		tf := targetFile(b, &repo.Dataset{Name: d.name, Version: from + 1, Entries: n})
		if old, ok := cur.Targets[d.target]; ok && old.Hashes["sha256"] == tf.Hashes["sha256"] {
			continue // unchanged: same version
		}
		if err := r.writeTarget(d.target, tf, func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
			return nil, err
		}
		next.Targets[d.target] = tf
		sum.Changed = append(sum.Changed, Change{Dataset: d.name, From: from, To: from + 1, Entries: n})
	}
	if in.Revocations != nil {
		ch, err := r.publishRevocations(cur, next, in.Revocations)
		if err != nil {
			return nil, fmt.Errorf("revocations: %w", err)
		}
		if ch != nil {
			sum.Changed = append(sum.Changed, *ch)
		}
	}
	if len(sum.Changed) == 0 {
		return sum, r.refresh(now, sum)
	}
	if err := r.commit(next, now); err != nil {
		return nil, err
	}
	sum.Timestamp, sum.Targets, sum.Issued = r.ts.Signed.Version, r.tgt.Signed.Version, r.ts.Signed.Issued
	return sum, nil
}

// RefreshTimestamp signs a new timestamp for the current snapshot (run it
// at least as often as DefaultExpiry.Timestamp, and more often than the
// kiosks' max_data_age_hours: it is what tells them their data is current).
func (r *Repo) RefreshTimestamp() (*Summary, error) {
	sum := &Summary{}
	return sum, r.refresh(r.o.Now().UTC().Truncate(time.Second), sum)
}

func (r *Repo) refresh(now time.Time, sum *Summary) error {
	if err := r.writeTimestamp(r.ts.Signed.Version+1, now); err != nil {
		return err
	}
	sum.Timestamp, sum.Targets, sum.Issued = r.ts.Signed.Version, r.tgt.Signed.Version, r.ts.Signed.Issued
	return nil
}

func datasetVersion(t *repo.Targets, target string) int64 {
	if tf, ok := t.Targets[target]; ok && tf.Custom != nil && tf.Custom.Dataset != nil {
		return tf.Custom.Dataset.Version
	}
	return 0
}

func targetFile(b []byte, ds *repo.Dataset) repo.TargetFile {
	h := sha256.Sum256(b)
	return repo.TargetFile{Length: int64(len(b)), Hashes: map[string]string{"sha256": hex.EncodeToString(h[:])}, Custom: &repo.Custom{Dataset: ds}}
}

func checkExposure(e *store.Exposure) error {
	switch {
	case e.Venue == "":
		return fmt.Errorf("no venue")
	case e.Start.IsZero() || !e.End.After(e.Start):
		return fmt.Errorf("window %s to %s", e.Start.Format(time.RFC3339), e.End.Format(time.RFC3339))
	case e.NoticeUntil.IsZero():
		return fmt.Errorf("no notice_until")
	case e.AssumedStay != 0 && policy.CheckAssumedStay(e.AssumedStay) != nil:
		return fmt.Errorf("assumed_stay %v: want whole minutes from 15m to 8h", e.AssumedStay)
	}
	return nil
}

// writeTarget writes a target file under its consistent-snapshot name.
func (r *Repo) writeTarget(name string, tf repo.TargetFile, write func(io.Writer) error) error {
	p := filepath.Join(r.Dir, filepath.FromSlash(targetPath(name, tf)))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if _, err := os.Stat(p); err == nil {
		return nil // content-addressed: already there
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".target-*")
	if err != nil {
		return err
	}
	return finishFile(f, p, func() error {
		bw := bufio.NewWriterSize(f, 1<<20)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	})
}

// publishRevocations writes a new full list and the delta from the
// current one, when they differ, and drops deltas beyond KeepDeltas.
func (r *Repo) publishRevocations(cur, next *repo.Targets, ids []pass.ID) (*Change, error) {
	ids = slices.Clone(ids)
	slices.SortFunc(ids, func(a, b pass.ID) int { return bytes.Compare(a[:], b[:]) })
	ids = slices.Compact(ids)
	for i, id := range ids {
		if id.IsZero() {
			return nil, fmt.Errorf("entry %d is the zero pass ID", i)
		}
	}
	if len(ids) > store.MaxRevocations {
		return nil, fmt.Errorf("%d entries; at most %d", len(ids), store.MaxRevocations)
	}
	h := sha256.New()
	if err := repo.WriteRevocations(h, ids); err != nil {
		return nil, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	old, had := cur.Targets[FullTarget]
	if had && old.Hashes["sha256"] == sum {
		return nil, nil
	}
	from := datasetVersion(cur, FullTarget)
	v := from + 1
	full := repo.TargetFile{Length: 16 + 32*int64(len(ids)), Hashes: map[string]string{"sha256": sum},
		Custom: &repo.Custom{Dataset: &repo.Dataset{Name: repo.Revocations, Version: v, Kind: repo.KindFull, Entries: int64(len(ids))}}}
	if err := r.writeTarget(FullTarget, full, func(w io.Writer) error { return repo.WriteRevocations(w, ids) }); err != nil {
		return nil, err
	}
	next.Targets[FullTarget] = full
	ch := &Change{Dataset: repo.Revocations, From: from, To: v, Entries: int64(len(ids))}
	if had {
		prev, err := r.readFull(old)
		if err != nil {
			return nil, fmt.Errorf("reading version %d to make the delta: %w", from, err)
		}
		adds, removes := diff(prev, ids)
		var buf bytes.Buffer
		if err := repo.WriteDelta(&buf, adds, removes); err != nil {
			return nil, err
		}
		dt := targetFile(buf.Bytes(), &repo.Dataset{Name: repo.Revocations, Version: v, Kind: repo.KindDelta, From: from, Entries: int64(len(adds) + len(removes))})
		name := deltaTarget(v)
		if err := r.writeTarget(name, dt, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
			return nil, err
		}
		next.Targets[name] = dt
		ch.Adds, ch.Removes = int64(len(adds)), int64(len(removes))
	}
	for name, tf := range next.Targets {
		if ds := tf.Custom; ds != nil && ds.Dataset != nil && ds.Dataset.Kind == repo.KindDelta && ds.Dataset.Version <= v-int64(r.o.KeepDeltas) {
			delete(next.Targets, name)
		}
	}
	return ch, nil
}

// readFull reads the published full revocation list tf.
func (r *Repo) readFull(tf repo.TargetFile) ([]pass.ID, error) {
	f, err := os.Open(filepath.Join(r.Dir, filepath.FromSlash(targetPath(FullTarget, tf))))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	rf, err := repo.ReadRevocationHeader(f, fi.Size())
	if err != nil {
		return nil, err
	}
	if rf.Kind != repo.KindFull {
		return nil, fmt.Errorf("not a full list")
	}
	ids := make([]pass.ID, 0, rf.Adds)
	for id, err := range rf.AddIDs(f) {
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// diff returns what b has that a has not (adds) and what a has that b has
// not (removes); both must be sorted.
func diff(a, b []pass.ID) (adds, removes []pass.ID) {
	adds, removes = []pass.ID{}, []pass.ID{}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i == len(a):
			adds = append(adds, b[j])
			j++
		case j == len(b):
			removes = append(removes, a[i])
			i++
		default:
			switch c := bytes.Compare(a[i][:], b[j][:]); {
			case c == 0:
				i++
				j++
			case c < 0:
				removes = append(removes, a[i])
				i++
			default:
				adds = append(adds, b[j])
				j++
			}
		}
	}
	return adds, removes
}
