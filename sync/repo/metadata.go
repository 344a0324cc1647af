package repo

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// SpecVersion is the TUF specification version this package writes; it
// reads any 1.x.
const SpecVersion = "1.0.31"

// Role names.
const (
	RoleRoot      = "root"
	RoleTargets   = "targets"
	RoleSnapshot  = "snapshot"
	RoleTimestamp = "timestamp"
)

// Roles are the four top-level roles, in the order the client updates them.
var Roles = []string{RoleRoot, RoleTimestamp, RoleSnapshot, RoleTargets}

// Bounds on metadata files. A file larger than its bound is refused
// before it is parsed.
const (
	MaxRootSize      = 256 << 10
	MaxTimestampSize = 16 << 10
	MaxSnapshotSize  = 1 << 20
	MaxTargetsSize   = 4 << 20

	maxKeysPerRole = 64
	maxKeys        = 256
	maxTargets     = 4096
	maxSignatures  = 256
)

// Common holds the fields every role's signed part has.
type Common struct {
	Type        string    `json:"_type"`
	SpecVersion string    `json:"spec_version"`
	Version     int64     `json:"version"`
	Expires     time.Time `json:"expires"`
}

func (c *Common) common() *Common { return c }

// Root is the signed part of root metadata.
type Root struct {
	Common
	ConsistentSnapshot bool             `json:"consistent_snapshot"`
	Keys               map[string]*Key  `json:"keys"`
	Roles              map[string]*Role `json:"roles"`
}

// Role lists the keys of one role and how many of them must sign.
type Role struct {
	KeyIDs    []string `json:"keyids"`
	Threshold int      `json:"threshold"`
}

// MetaFile describes a metadata file in timestamp and snapshot metadata.
type MetaFile struct {
	Version int64             `json:"version"`
	Length  int64             `json:"length,omitempty"`
	Hashes  map[string]string `json:"hashes,omitempty"`
}

// Timestamp is the signed part of timestamp metadata. Issued is an
// addition to the TUF format (TUF allows extra fields): when the authority
// signed it. The kiosk raises its time floor to it and judges the age of
// its data by it.
type Timestamp struct {
	Common
	Issued time.Time           `json:"x-venuekiosk-issued"`
	Meta   map[string]MetaFile `json:"meta"`
}

// Snapshot is the signed part of snapshot metadata.
type Snapshot struct {
	Common
	Meta map[string]MetaFile `json:"meta"`
}

// Targets is the signed part of targets metadata.
type Targets struct {
	Common
	Targets map[string]TargetFile `json:"targets"`
}

// TargetFile describes one target (data) file.
type TargetFile struct {
	Length int64             `json:"length"`
	Hashes map[string]string `json:"hashes"`
	Custom *Custom           `json:"custom,omitempty"`
}

// Custom is a target's custom metadata.
type Custom struct {
	Dataset *Dataset `json:"venuekiosk,omitempty"`
}

// Signature is one signature over the canonical signed part.
type Signature struct {
	KeyID string `json:"keyid"`
	Sig   string `json:"sig"`
}

// envelope is a metadata file.
type envelope struct {
	Signatures []Signature      `json:"signatures"`
	Signed     *json.RawMessage `json:"signed"`
}

// Signed is any of the four roles' signed parts, or a floor reset
// (floorreset.go).
type Signed interface {
	*Root | *Timestamp | *Snapshot | *Targets | *FloorReset
	common() *Common
}

// Metadata is a parsed metadata file. Its signatures are not yet checked:
// see Verify.
type Metadata[T Signed] struct {
	Signed     T
	Signatures []Signature
	// Canonical is the canonical JSON of the signed part: what the
	// signatures are over.
	Canonical []byte
}

// Common returns the fields every role has.
func (m *Metadata[T]) Common() *Common { return m.Signed.common() }

// Parse reads a metadata file of the role T stands for. It checks the
// envelope, the canonical form, the type and the common fields, not the
// signatures.
func Parse[T Signed](b []byte, role string) (*Metadata[T], error) {
	if len(b) > MaxTargetsSize {
		return nil, fmt.Errorf("%s metadata: %d bytes; at most %d", role, len(b), MaxTargetsSize)
	}
	var env envelope
	if err := strictUnmarshal(b, &env); err != nil {
		return nil, fmt.Errorf("%s metadata: %w", role, err)
	}
	if env.Signed == nil {
		return nil, fmt.Errorf("%s metadata: no signed part", role)
	}
	if len(env.Signatures) > maxSignatures {
		return nil, fmt.Errorf("%s metadata: %d signatures; at most %d", role, len(env.Signatures), maxSignatures)
	}
	canon, err := Canonical(*env.Signed)
	if err != nil {
		return nil, fmt.Errorf("%s metadata: %w", role, err)
	}
	m := &Metadata[T]{Signatures: env.Signatures, Canonical: canon}
	if err := json.Unmarshal(canon, &m.Signed); err != nil {
		return nil, fmt.Errorf("%s metadata: %w", role, err)
	}
	c := m.Signed.common()
	switch {
	case c.Type != role:
		return nil, fmt.Errorf("%s metadata: _type is %q", role, c.Type)
	case !strings.HasPrefix(c.SpecVersion, "1."):
		return nil, fmt.Errorf("%s metadata: spec_version %q: want 1.x", role, c.SpecVersion)
	case c.Version < 1:
		return nil, fmt.Errorf("%s metadata: version %d: want 1 or more", role, c.Version)
	case c.Expires.IsZero():
		return nil, fmt.Errorf("%s metadata: no expiry", role)
	}
	if err := check(m.Signed); err != nil {
		return nil, fmt.Errorf("%s metadata version %d: %w", role, c.Version, err)
	}
	return m, nil
}

// strictUnmarshal decodes one JSON document, refusing trailing data.
func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the document")
	}
	return nil
}

func check(s any) error {
	switch t := s.(type) {
	case *Root:
		return t.check()
	case *Timestamp:
		if t.Issued.IsZero() {
			return errors.New("no x-venuekiosk-issued time")
		}
		if t.Issued.After(t.Expires) {
			return errors.New("issued after it expires")
		}
		mf, ok := t.Meta["snapshot.json"]
		if !ok || len(t.Meta) != 1 {
			return errors.New("meta must describe snapshot.json and nothing else")
		}
		return mf.check("snapshot.json", MaxSnapshotSize)
	case *Snapshot:
		mf, ok := t.Meta["targets.json"]
		if !ok {
			return errors.New("meta does not describe targets.json")
		}
		if len(t.Meta) > maxTargets {
			return fmt.Errorf("%d meta entries; at most %d", len(t.Meta), maxTargets)
		}
		return mf.check("targets.json", MaxTargetsSize)
	case *FloorReset:
		return t.check()
	case *Targets:
		if len(t.Targets) > maxTargets {
			return fmt.Errorf("%d targets; at most %d", len(t.Targets), maxTargets)
		}
		for name, tf := range t.Targets {
			if err := CheckTargetName(name); err != nil {
				return err
			}
			if err := tf.check(name); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *Root) check() error {
	if len(r.Keys) > maxKeys {
		return fmt.Errorf("%d keys; at most %d", len(r.Keys), maxKeys)
	}
	for _, name := range Roles {
		role, ok := r.Roles[name]
		if !ok || role == nil {
			return fmt.Errorf("no %s role", name)
		}
		if role.Threshold < 1 {
			return fmt.Errorf("%s role: threshold %d: want 1 or more", name, role.Threshold)
		}
		if len(role.KeyIDs) > maxKeysPerRole {
			return fmt.Errorf("%s role: %d keys; at most %d", name, len(role.KeyIDs), maxKeysPerRole)
		}
		if len(role.KeyIDs) < role.Threshold {
			return fmt.Errorf("%s role: threshold %d but only %d keys", name, role.Threshold, len(role.KeyIDs))
		}
		seen := map[string]bool{}
		for _, id := range role.KeyIDs {
			if seen[id] {
				return fmt.Errorf("%s role: key %s listed twice", name, id)
			}
			seen[id] = true
			if r.Keys[id] == nil {
				return fmt.Errorf("%s role: key %s is not in keys", name, id)
			}
		}
	}
	return nil
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (mf MetaFile) check(name string, max int64) error {
	switch {
	case mf.Version < 1:
		return fmt.Errorf("%s: version %d", name, mf.Version)
	case mf.Length <= 0 || mf.Length > max:
		return fmt.Errorf("%s: length %d: want 1 to %d (this client requires lengths)", name, mf.Length, max)
	case !sha256Hex.MatchString(mf.Hashes["sha256"]):
		return fmt.Errorf("%s: no sha256 hash (this client requires it)", name)
	}
	return nil
}

func (tf TargetFile) check(name string) error {
	switch {
	case tf.Length < 0:
		return fmt.Errorf("target %s: length %d", name, tf.Length)
	case !sha256Hex.MatchString(tf.Hashes["sha256"]):
		return fmt.Errorf("target %s: no sha256 hash", name)
	}
	if tf.Custom != nil && tf.Custom.Dataset != nil {
		if err := tf.Custom.Dataset.check(tf.Length); err != nil {
			return fmt.Errorf("target %s: %w", name, err)
		}
	}
	return nil
}

var targetName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*(/[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*){0,3}$`)

// CheckTargetName checks that name is a target path this package writes
// and reads: lower-case letters, digits, '.', '_', '-' and up to three
// '/', at most 128 bytes, no "..".
func CheckTargetName(name string) error {
	if len(name) > 128 || !targetName.MatchString(name) {
		return fmt.Errorf("target name %q: want lower-case letters, digits, '.', '_', '-', '/' (at most 128 bytes)", name)
	}
	return nil
}

// ThresholdError says too few valid signatures of a role's keys were found.
type ThresholdError struct {
	Role             string
	Version          int64
	Valid, Threshold int
}

func (e *ThresholdError) Error() string {
	return fmt.Sprintf("%s metadata version %d: %d valid signatures of %s keys; %d needed", e.Role, e.Version, e.Valid, e.Role, e.Threshold)
}

// Verify checks that at least the threshold of role's keys in root signed
// m. Signatures by keys root does not list for role are ignored (they do
// not count); two signatures by one key count once.
func (m *Metadata[T]) Verify(root *Root, role string) error {
	r := root.Roles[role]
	c := m.Common()
	if r == nil {
		return fmt.Errorf("root has no %s role", role)
	}
	valid := 0
	used := map[string]bool{}
	for _, sig := range m.Signatures {
		if !contains(r.KeyIDs, sig.KeyID) {
			continue
		}
		k := root.Keys[sig.KeyID]
		if k == nil {
			continue
		}
		pub, err := k.Ed25519()
		if err != nil {
			continue
		}
		if used[string(pub)] {
			continue
		}
		s, err := hex.DecodeString(sig.Sig)
		if err != nil || !verifyEd25519(pub, m.Canonical, s) {
			continue
		}
		used[string(pub)] = true
		valid++
	}
	if valid < r.Threshold {
		return &ThresholdError{Role: role, Version: c.Version, Valid: valid, Threshold: r.Threshold}
	}
	return nil
}

func contains(s []string, x string) bool {
	for _, e := range s {
		if e == x {
			return true
		}
	}
	return false
}

// Sign encodes signed and signs its canonical form with each signer.
func Sign[T Signed](signed T, signers ...*Signer) ([]byte, error) {
	canon, err := MarshalCanonical(signed)
	if err != nil {
		return nil, err
	}
	env := struct {
		Signatures []Signature     `json:"signatures"`
		Signed     json.RawMessage `json:"signed"`
	}{Signatures: []Signature{}, Signed: canon}
	for _, s := range signers {
		env.Signatures = append(env.Signatures, Signature{KeyID: s.ID, Sig: hex.EncodeToString(s.Sign(canon))})
	}
	b, err := json.MarshalIndent(env, "", " ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
