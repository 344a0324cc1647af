package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// Expiry is how long each role's metadata stays valid after it is signed.
type Expiry struct {
	Root, Targets, Snapshot, Timestamp time.Duration
}

// DefaultExpiry: the timestamp must be re-signed (vkpublish timestamp, or
// any publish) at least every two days, or kiosks stop accepting the
// repository and their data turns stale.
var DefaultExpiry = Expiry{Root: 365 * 24 * time.Hour, Targets: 90 * 24 * time.Hour, Snapshot: 90 * 24 * time.Hour, Timestamp: 48 * time.Hour}

func (e Expiry) withDefaults() Expiry {
	if e.Root <= 0 {
		e.Root = DefaultExpiry.Root
	}
	if e.Targets <= 0 {
		e.Targets = DefaultExpiry.Targets
	}
	if e.Snapshot <= 0 {
		e.Snapshot = DefaultExpiry.Snapshot
	}
	if e.Timestamp <= 0 {
		e.Timestamp = DefaultExpiry.Timestamp
	}
	return e
}

// Opts configures a Repo.
type Opts struct {
	Expiry Expiry
	// Now is the signing time; default time.Now.
	Now func() time.Time
	// KeepVersions is how many versions of snapshot and targets metadata
	// (and the files they name) stay in the directory for kiosks in the
	// middle of a sync; default 4.
	KeepVersions int
	// KeepDeltas is how many revocation deltas targets lists; default 30.
	KeepDeltas int
}

func (o *Opts) withDefaults() Opts {
	var d Opts
	if o != nil {
		d = *o
	}
	d.Expiry = d.Expiry.withDefaults()
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.KeepVersions <= 0 {
		d.KeepVersions = 4
	}
	if d.KeepDeltas <= 0 {
		d.KeepDeltas = 30
	}
	return d
}

// Repo is a repository directory and the keys to sign it.
type Repo struct {
	Dir  string
	keys Keyring
	o    Opts

	root *repo.Metadata[*repo.Root]
	ts   *repo.Metadata[*repo.Timestamp]
	snap *repo.Metadata[*repo.Snapshot]
	tgt  *repo.Metadata[*repo.Targets]
}

// RootFile is the latest root, beside its versioned copies, for
// provisioning kiosks (kioskctl provision -sync-root).
const RootFile = "root.json"

// Init creates a repository in dir (which must not hold one): a key for
// each role (rootKeys root keys, rootThreshold of which must sign a new
// root) written to keyDir, the first root, and empty targets, snapshot
// and timestamp metadata.
func Init(dir, keyDir string, rootKeys, rootThreshold int, opts *Opts) (*Repo, error) {
	o := opts.withDefaults()
	if rootKeys < 1 || rootThreshold < 1 || rootThreshold > rootKeys {
		return nil, fmt.Errorf("root: %d keys with threshold %d: want 1 ≤ threshold ≤ keys", rootKeys, rootThreshold)
	}
	if _, err := os.Stat(filepath.Join(dir, "1.root.json")); err == nil {
		return nil, fmt.Errorf("%s already holds a repository", dir)
	}
	if err := os.MkdirAll(filepath.Join(dir, "targets"), 0o755); err != nil {
		return nil, err
	}
	now := o.Now().UTC().Truncate(time.Second)
	root := &repo.Root{
		Common:             repo.Common{Type: repo.RoleRoot, SpecVersion: repo.SpecVersion, Version: 1, Expires: now.Add(o.Expiry.Root)},
		ConsistentSnapshot: true,
		Keys:               map[string]*repo.Key{},
		Roles:              map[string]*repo.Role{},
	}
	kr := Keyring{}
	for _, role := range repo.Roles {
		n, t := 1, 1
		if role == repo.RoleRoot {
			n, t = rootKeys, rootThreshold
		}
		r := &repo.Role{Threshold: t}
		for range n {
			s, _, err := GenerateKey(keyDir, role)
			if err != nil {
				return nil, err
			}
			kr[s.ID] = s
			root.Keys[s.ID] = s.Key
			r.KeyIDs = append(r.KeyIDs, s.ID)
		}
		root.Roles[role] = r
	}
	r := &Repo{Dir: dir, keys: kr, o: o}
	if err := r.writeRoot(root, nil); err != nil {
		return nil, err
	}
	empty := &repo.Targets{Common: repo.Common{Type: repo.RoleTargets, SpecVersion: repo.SpecVersion}, Targets: map[string]repo.TargetFile{}}
	if err := r.commit(empty, now); err != nil {
		return nil, err
	}
	return r, nil
}

// Open reads the repository in dir; keyDirs hold the private keys.
func Open(dir string, opts *Opts, keyDirs ...string) (*Repo, error) {
	kr, err := LoadKeys(keyDirs...)
	if err != nil {
		return nil, err
	}
	r := &Repo{Dir: dir, keys: kr, o: opts.withDefaults()}
	if err := r.load(); err != nil {
		return nil, err
	}
	return r, nil
}

var rootName = regexp.MustCompile(`^([1-9][0-9]{0,9})\.root\.json$`)

// load reads the latest root and the metadata chain from timestamp.json
// down, checking signatures (a publisher must not sign on top of a
// repository someone else changed).
func (r *Repo) load() error {
	ents, err := os.ReadDir(r.Dir)
	if err != nil {
		return err
	}
	var latest int64
	for _, e := range ents {
		if m := rootName.FindStringSubmatch(e.Name()); m != nil {
			v, _ := strconv.ParseInt(m[1], 10, 64)
			latest = max(latest, v)
		}
	}
	if latest == 0 {
		return fmt.Errorf("%s: no N.root.json: not a repository (vkpublish init creates one)", r.Dir)
	}
	if r.root, err = readRole[*repo.Root](r.Dir, fmt.Sprintf("%d.root.json", latest), repo.RoleRoot, nil); err != nil {
		return err
	}
	root := r.root.Signed
	if r.ts, err = readRole[*repo.Timestamp](r.Dir, "timestamp.json", repo.RoleTimestamp, root); err != nil {
		return err
	}
	sv := r.ts.Signed.Meta["snapshot.json"].Version
	if r.snap, err = readRole[*repo.Snapshot](r.Dir, fmt.Sprintf("%d.snapshot.json", sv), repo.RoleSnapshot, root); err != nil {
		return err
	}
	tv := r.snap.Signed.Meta["targets.json"].Version
	if r.tgt, err = readRole[*repo.Targets](r.Dir, fmt.Sprintf("%d.targets.json", tv), repo.RoleTargets, root); err != nil {
		return err
	}
	return nil
}

func readRole[T repo.Signed](dir, name, role string, root *repo.Root) (*repo.Metadata[T], error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	m, err := repo.Parse[T](b, role)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if root == nil {
		root = any(m.Signed).(*repo.Root)
	}
	if err := m.Verify(root, role); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

// Root returns the current root metadata.
func (r *Repo) Root() *repo.Root { return r.root.Signed }

// Timestamp returns the current timestamp metadata.
func (r *Repo) Timestamp() *repo.Timestamp { return r.ts.Signed }

// Targets returns the current targets metadata.
func (r *Repo) Targets() *repo.Targets { return r.tgt.Signed }

// writeRoot signs root with a threshold of its own root keys and of prev's
// (for a rotation) and writes N.root.json and root.json.
func (r *Repo) writeRoot(root *repo.Root, prev *repo.Root) error {
	signers, err := r.keys.signers(root, repo.RoleRoot)
	if err != nil {
		return fmt.Errorf("new root: %w", err)
	}
	if prev != nil {
		old, err := r.keys.signers(prev, repo.RoleRoot)
		if err != nil {
			return fmt.Errorf("the new root must also be signed by the current root keys: %w", err)
		}
		for _, s := range old {
			if !containsSigner(signers, s) {
				signers = append(signers, s)
			}
		}
	}
	b, err := repo.Sign(root, signers...)
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(r.Dir, fmt.Sprintf("%d.root.json", root.Version)), b); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(r.Dir, RootFile), b); err != nil {
		return err
	}
	m, err := repo.Parse[*repo.Root](b, repo.RoleRoot)
	if err != nil {
		return err
	}
	r.root = m
	return nil
}

func containsSigner(ss []*repo.Signer, s *repo.Signer) bool {
	for _, x := range ss {
		if x.ID == s.ID {
			return true
		}
	}
	return false
}

// commit signs tgt as the next targets version and writes the snapshot and
// timestamp that make it current. timestamp.json is written last: until
// then kiosks see the previous version whole.
func (r *Repo) commit(tgt *repo.Targets, now time.Time) error {
	root := r.root.Signed
	var tv, sv, tsv int64 = 1, 1, 1
	if r.tgt != nil {
		tv = r.tgt.Signed.Version + 1
	}
	if r.snap != nil {
		sv = r.snap.Signed.Version + 1
	}
	if r.ts != nil {
		tsv = r.ts.Signed.Version + 1
	}
	tgt.Common = repo.Common{Type: repo.RoleTargets, SpecVersion: repo.SpecVersion, Version: tv, Expires: now.Add(r.o.Expiry.Targets)}
	tb, tm, err := signRole(r.keys, root, repo.RoleTargets, tgt)
	if err != nil {
		return err
	}
	snap := &repo.Snapshot{
		Common: repo.Common{Type: repo.RoleSnapshot, SpecVersion: repo.SpecVersion, Version: sv, Expires: now.Add(r.o.Expiry.Snapshot)},
		Meta:   map[string]repo.MetaFile{"targets.json": metaFile(tv, tb)},
	}
	sb, sm, err := signRole(r.keys, root, repo.RoleSnapshot, snap)
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(r.Dir, fmt.Sprintf("%d.targets.json", tv)), tb); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(r.Dir, fmt.Sprintf("%d.snapshot.json", sv)), sb); err != nil {
		return err
	}
	r.tgt, r.snap = tm, sm
	if err := r.writeTimestamp(tsv, now); err != nil {
		return err
	}
	return r.prune()
}

// writeTimestamp signs and writes timestamp version v for the current
// snapshot, issued now.
func (r *Repo) writeTimestamp(v int64, now time.Time) error {
	sb, err := os.ReadFile(filepath.Join(r.Dir, fmt.Sprintf("%d.snapshot.json", r.snap.Signed.Version)))
	if err != nil {
		return err
	}
	if r.ts != nil && !now.After(r.ts.Signed.Issued) {
		now = r.ts.Signed.Issued.Add(time.Second) // issued times only move forward
	}
	ts := &repo.Timestamp{
		Common: repo.Common{Type: repo.RoleTimestamp, SpecVersion: repo.SpecVersion, Version: v, Expires: now.Add(r.o.Expiry.Timestamp)},
		Issued: now,
		Meta:   map[string]repo.MetaFile{"snapshot.json": metaFile(r.snap.Signed.Version, sb)},
	}
	b, m, err := signRole(r.keys, r.root.Signed, repo.RoleTimestamp, ts)
	if err != nil {
		return err
	}
	p := filepath.Join(r.Dir, "timestamp.json")
	if err := writeFile(p, b); err != nil {
		return err
	}
	// Static servers answer conditional requests from the modification
	// time, to the second (Last-Modified, and nginx's ETag): issued times
	// are a second apart at least, so each timestamp gets its own.
	if err := os.Chtimes(p, now, now); err != nil {
		return err
	}
	r.ts = m
	return nil
}

func signRole[T repo.Signed](kr Keyring, root *repo.Root, role string, s T) ([]byte, *repo.Metadata[T], error) {
	signers, err := kr.signers(root, role)
	if err != nil {
		return nil, nil, err
	}
	b, err := repo.Sign(s, signers...)
	if err != nil {
		return nil, nil, err
	}
	m, err := repo.Parse[T](b, role)
	if err != nil {
		return nil, nil, fmt.Errorf("%s metadata does not read back: %w", role, err)
	}
	return b, m, nil
}

func metaFile(version int64, b []byte) repo.MetaFile {
	h := sha256.Sum256(b)
	return repo.MetaFile{Version: version, Length: int64(len(b)), Hashes: map[string]string{"sha256": hex.EncodeToString(h[:])}}
}

// writeFile writes path atomically and durably.
func writeFile(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	return finishFile(f, path, func() error { _, err := f.Write(b); return err })
}

// finishFile runs write on the temporary file f and renames it to path.
func finishFile(f *os.File, path string, write func() error) error {
	err := write()
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

var versioned = regexp.MustCompile(`^([1-9][0-9]{0,9})\.(snapshot|targets)\.json$`)

// prune removes snapshot and targets metadata older than KeepVersions and
// the target files none of the kept targets versions names.
func (r *Repo) prune() error {
	keepFrom := func(cur int64) int64 { return cur - int64(r.o.KeepVersions) + 1 }
	ents, err := os.ReadDir(r.Dir)
	if err != nil {
		return err
	}
	wanted := map[string]bool{}
	for _, e := range ents {
		m := versioned.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		v, _ := strconv.ParseInt(m[1], 10, 64)
		cur := r.snap.Signed.Version
		if m[2] == "targets" {
			cur = r.tgt.Signed.Version
		}
		if v < keepFrom(cur) {
			if err := os.Remove(filepath.Join(r.Dir, e.Name())); err != nil {
				return err
			}
			continue
		}
		if m[2] == "targets" {
			t, err := readRole[*repo.Targets](r.Dir, e.Name(), repo.RoleTargets, r.root.Signed)
			if err != nil {
				continue // signed by keys rotated away: its files are not kept for it
			}
			for name, tf := range t.Signed.Targets {
				wanted[filepath.FromSlash(targetPath(name, tf))] = true
			}
		}
	}
	base := filepath.Join(r.Dir, "targets")
	return filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(r.Dir, p)
		if err != nil {
			return err
		}
		if !wanted[rel] {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		return nil
	})
}

// targetPath is where a target lives in the repository (consistent
// snapshots: its SHA-256 before its name).
func targetPath(name string, tf repo.TargetFile) string {
	dir, base := filepath.Split(filepath.FromSlash(name))
	return filepath.ToSlash(filepath.Join("targets", dir, tf.Hashes["sha256"]+"."+base))
}
