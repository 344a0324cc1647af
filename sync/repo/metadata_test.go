package repo

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func signer(seed byte) *Signer {
	return NewSigner(ed25519.NewKeyFromSeed([]byte(strings.Repeat(string(rune('a'+seed)), 32))))
}

// testRoot has root keys 0,1,2 (threshold 2), targets 3, snapshot 4,
// timestamp 5.
func testRoot() *Root {
	r := &Root{
		Common:             Common{Type: RoleRoot, SpecVersion: SpecVersion, Version: 1, Expires: t0.Add(time.Hour)},
		ConsistentSnapshot: true,
		Keys:               map[string]*Key{},
		Roles:              map[string]*Role{},
	}
	add := func(role string, threshold int, seeds ...byte) {
		rl := &Role{Threshold: threshold}
		for _, s := range seeds {
			k := signer(s)
			r.Keys[k.ID] = k.Key
			rl.KeyIDs = append(rl.KeyIDs, k.ID)
		}
		r.Roles[role] = rl
	}
	add(RoleRoot, 2, 0, 1, 2)
	add(RoleTargets, 1, 3)
	add(RoleSnapshot, 1, 4)
	add(RoleTimestamp, 1, 5)
	return r
}

func TestVerifyThreshold(t *testing.T) {
	root := testRoot()
	for _, tc := range []struct {
		name    string
		signers []*Signer
		want    int // valid signatures counted; -1: ok
	}{
		{"two of three", []*Signer{signer(0), signer(1)}, -1},
		{"all three", []*Signer{signer(0), signer(1), signer(2)}, -1},
		{"one of three", []*Signer{signer(0)}, 1},
		{"one key twice", []*Signer{signer(0), signer(0)}, 1},
		{"unknown key", []*Signer{signer(0), signer(9)}, 1},
		{"another role's key", []*Signer{signer(0), signer(3)}, 1},
		{"none", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Sign(root, tc.signers...)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse[*Root](b, RoleRoot)
			if err != nil {
				t.Fatal(err)
			}
			err = m.Verify(root, RoleRoot)
			var te *ThresholdError
			switch {
			case tc.want < 0 && err != nil:
				t.Errorf("Verify: %v, want success", err)
			case tc.want >= 0 && !errors.As(err, &te):
				t.Errorf("Verify: %v, want a *ThresholdError", err)
			case tc.want >= 0 && (te.Valid != tc.want || te.Threshold != 2):
				t.Errorf("Verify: %d valid of %d, want %d of 2", te.Valid, te.Threshold, tc.want)
			}
		})
	}
}

// TestVerifyTampered changes the signed part after signing.
func TestVerifyTampered(t *testing.T) {
	root := testRoot()
	ts := &Timestamp{Common: Common{Type: RoleTimestamp, SpecVersion: SpecVersion, Version: 3, Expires: t0.Add(time.Hour)}, Issued: t0,
		Meta: map[string]MetaFile{"snapshot.json": {Version: 3, Length: 10, Hashes: map[string]string{"sha256": strings.Repeat("ab", 32)}}}}
	b, err := Sign(ts, signer(5))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse[*Timestamp](b, RoleTimestamp)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Verify(root, RoleTimestamp); err != nil {
		t.Fatalf("untouched: %v", err)
	}
	// Reordered and re-spaced: the same canonical form still verifies.
	var generic map[string]any
	json.Unmarshal(b, &generic)
	re, _ := json.MarshalIndent(generic, "", "\t")
	if m2, err := Parse[*Timestamp](re, RoleTimestamp); err != nil || m2.Verify(root, RoleTimestamp) != nil {
		t.Errorf("re-encoded document: parse %v; want it to verify", err)
	}
	bad := strings.Replace(string(b), `"version": 3`, `"version": 4`, 1)
	if bad == string(b) {
		t.Fatal("test did not change the document")
	}
	m3, err := Parse[*Timestamp]([]byte(bad), RoleTimestamp)
	if err != nil {
		t.Fatal(err)
	}
	if err := m3.Verify(root, RoleTimestamp); err == nil {
		t.Error("a changed version still verifies")
	}
	if err := m.Verify(root, RoleSnapshot); err == nil {
		t.Error("a timestamp verifies as snapshot metadata")
	}
}

func TestParseRefuses(t *testing.T) {
	edit := func(f func(r *Root)) []byte {
		r := testRoot()
		f(r)
		b, _ := Sign(r, signer(0), signer(1))
		return b
	}
	tsDoc := func(f func(ts *Timestamp)) []byte {
		ts := &Timestamp{Common: Common{Type: RoleTimestamp, SpecVersion: SpecVersion, Version: 1, Expires: t0}, Issued: t0.Add(-time.Minute),
			Meta: map[string]MetaFile{"snapshot.json": {Version: 1, Length: 10, Hashes: map[string]string{"sha256": strings.Repeat("ab", 32)}}}}
		f(ts)
		b, _ := Sign(ts, signer(5))
		return b
	}
	tgtDoc := func(name string, tf TargetFile) []byte {
		tg := &Targets{Common: Common{Type: RoleTargets, SpecVersion: SpecVersion, Version: 1, Expires: t0}, Targets: map[string]TargetFile{name: tf}}
		b, _ := Sign(tg, signer(3))
		return b
	}
	okHash := map[string]string{"sha256": strings.Repeat("cd", 32)}
	for _, tc := range []struct {
		name string
		doc  []byte
		role string
		want string
	}{
		{"wrong type", edit(func(r *Root) { r.Type = "targets" }), RoleRoot, "_type"},
		{"spec 2", edit(func(r *Root) { r.SpecVersion = "2.0.0" }), RoleRoot, "spec_version"},
		{"version 0", edit(func(r *Root) { r.Version = 0 }), RoleRoot, "version 0"},
		{"no expiry", edit(func(r *Root) { r.Expires = time.Time{} }), RoleRoot, "expir"},
		{"role missing", edit(func(r *Root) { delete(r.Roles, RoleSnapshot) }), RoleRoot, "no snapshot role"},
		{"threshold 0", edit(func(r *Root) { r.Roles[RoleTargets].Threshold = 0 }), RoleRoot, "threshold 0"},
		{"threshold above keys", edit(func(r *Root) { r.Roles[RoleTargets].Threshold = 2 }), RoleRoot, "only 1 keys"},
		{"key not listed", edit(func(r *Root) { r.Roles[RoleTargets].KeyIDs = []string{"feed"} }), RoleRoot, "not in keys"},
		{"key twice", edit(func(r *Root) {
			r.Roles[RoleTargets].KeyIDs = append(r.Roles[RoleTargets].KeyIDs, r.Roles[RoleTargets].KeyIDs[0])
		}), RoleRoot, "twice"},
		{"timestamp without issued", tsDoc(func(ts *Timestamp) { ts.Issued = time.Time{} }), RoleTimestamp, "issued"},
		{"timestamp issued after expiry", tsDoc(func(ts *Timestamp) { ts.Issued = t0.Add(time.Hour) }), RoleTimestamp, "issued after"},
		{"timestamp without length", tsDoc(func(ts *Timestamp) { ts.Meta["snapshot.json"] = MetaFile{Version: 1, Hashes: okHash} }), RoleTimestamp, "length"},
		{"timestamp without hash", tsDoc(func(ts *Timestamp) { ts.Meta["snapshot.json"] = MetaFile{Version: 1, Length: 5} }), RoleTimestamp, "sha256"},
		{"timestamp for another file", tsDoc(func(ts *Timestamp) {
			ts.Meta = map[string]MetaFile{"other.json": {Version: 1, Length: 5, Hashes: okHash}}
		}), RoleTimestamp, "snapshot.json"},
		{"timestamp snapshot too large", tsDoc(func(ts *Timestamp) {
			ts.Meta["snapshot.json"] = MetaFile{Version: 1, Length: MaxSnapshotSize + 1, Hashes: okHash}
		}), RoleTimestamp, "length"},
		{"target escapes", tgtDoc("../etc/passwd", TargetFile{Length: 1, Hashes: okHash}), RoleTargets, "target name"},
		{"target absolute", tgtDoc("/x", TargetFile{Length: 1, Hashes: okHash}), RoleTargets, "target name"},
		{"target without hash", tgtDoc("a.bin", TargetFile{Length: 1, Hashes: map[string]string{"sha512": "00"}}), RoleTargets, "sha256"},
		{"target negative length", tgtDoc("a.bin", TargetFile{Length: -1, Hashes: okHash}), RoleTargets, "length"},
		{"unknown data set", tgtDoc("a.bin", TargetFile{Length: 1, Hashes: okHash, Custom: &Custom{Dataset: &Dataset{Name: "cats", Version: 1}}}), RoleTargets, "unknown data set"},
		{"data set too large", tgtDoc("p.json", TargetFile{Length: MaxFileSize(Policy) + 1, Hashes: okHash, Custom: &Custom{Dataset: &Dataset{Name: Policy, Version: 1}}}), RoleTargets, "at most"},
		{"delta backwards", tgtDoc("d.bin", TargetFile{Length: 24, Hashes: okHash, Custom: &Custom{Dataset: &Dataset{Name: Revocations, Version: 3, Kind: KindDelta, From: 3}}}), RoleTargets, "delta"},
		{"policy delta", tgtDoc("p.json", TargetFile{Length: 2, Hashes: okHash, Custom: &Custom{Dataset: &Dataset{Name: Policy, Version: 3, Kind: KindDelta, From: 2}}}), RoleTargets, "kind"},
		{"no signed part", []byte(`{"signatures":[]}`), RoleRoot, "no signed part"},
		{"not JSON", []byte(`<html>502 Bad Gateway</html>`), RoleRoot, "invalid"},
		{"trailing data", append(edit(func(*Root) {}), []byte("{}")...), RoleRoot, "after"},
		{"float in signed", []byte(`{"signatures":[],"signed":{"_type":"root","version":1.0}}`), RoleRoot, "integer"},
		{"too large", make([]byte, MaxTargetsSize+1), RoleTargets, "at most"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			switch tc.role {
			case RoleRoot:
				_, err = Parse[*Root](tc.doc, tc.role)
			case RoleTimestamp:
				_, err = Parse[*Timestamp](tc.doc, tc.role)
			case RoleTargets:
				_, err = Parse[*Targets](tc.doc, tc.role)
			}
			if err == nil {
				t.Fatalf("Parse succeeded, want an error mentioning %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse: %v, want it to mention %q", err, tc.want)
			}
		})
	}
	if _, err := Parse[*Root](edit(func(*Root) {}), RoleRoot); err != nil {
		t.Errorf("the unedited root does not parse: %v", err)
	}
}

func TestCheckTargetName(t *testing.T) {
	for name, ok := range map[string]bool{
		"trust.json": true, "revocations/full.bin": true, "revocations/delta-12.bin": true, "a/b/c/d.x": true,
		"": false, "..": false, "a/../b": false, "A.json": false, "a//b": false, "a/": false, ".hidden": false,
		"a/b/c/d/e": false, strings.Repeat("a", 129): false, "a b": false, "a\\b": false,
	} {
		if err := CheckTargetName(name); (err == nil) != ok {
			t.Errorf("CheckTargetName(%q) = %v, want ok %v", name, err, ok)
		}
	}
}
