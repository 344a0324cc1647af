package provision

import (
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/sync/repo"
)

var testOperator = ed25519.NewKeyFromSeed([]byte("venuekiosk provision binding key"))

func signedFor(t *testing.T, s *Settings) []byte {
	t.Helper()
	b, err := Sign(s, testOperator)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAdmit: a signed file applies only to the kiosks it names, before it
// expires, and never after a newer one; the same file again is a no-op.
func TestAdmit(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	s := bound(settings(), 5)
	s.Kiosks = []string{"HK-CM-*", "abcd:ef01:*"}
	b := signedFor(t, s)
	if _, err := Admit(dir, s, b, now, "K7", ""); !errors.Is(err, ErrNotThisOne) {
		t.Errorf("another kiosk: %v", err)
	}
	if _, err := Admit(dir, s, b, s.Expires, "HK-CM-02"); !errors.Is(err, ErrExpired) {
		t.Errorf("at its expiry: %v", err)
	}
	for _, ids := range [][]string{{"HK-CM-02"}, {"", "abcd:ef01:2345:6789"}} {
		if same, err := Admit(dir, s, b, now, ids...); err != nil || same {
			t.Errorf("kiosk %v: same %v, %v", ids, same, err)
		}
	}
	if err := Remember(dir, s, b); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, CounterFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("counter file: %v %v", fi, err)
	}
	if same, err := Admit(dir, s, b, now, "HK-CM-02"); err != nil || !same {
		t.Errorf("the same file again: same %v, %v; want a no-op", same, err)
	}
	old := bound(settings(), 4)
	if _, err := Admit(dir, old, signedFor(t, old), now, "HK-CM-02"); !errors.Is(err, ErrReplayed) {
		t.Errorf("an older file: %v; want ErrReplayed", err)
	}
	other := bound(settings(), 5)
	other.Venue.NameEN = "Another Market"
	if _, err := Admit(dir, other, signedFor(t, other), now, "HK-CM-02"); !errors.Is(err, ErrSameCounter) {
		t.Errorf("another file with the same counter: %v", err)
	}
	newer := bound(settings(), 6)
	if _, err := Admit(dir, newer, signedFor(t, newer), now, "HK-CM-02"); err != nil {
		t.Errorf("a newer file: %v", err)
	}
	for _, bad := range []func(s *Settings){
		func(s *Settings) { s.Kiosks = nil },
		func(s *Settings) { s.Counter = 0 },
		func(s *Settings) { s.Expires = time.Time{} },
		func(s *Settings) { s.Kiosks = []string{"a/b"} },
		func(s *Settings) { s.Kiosks = []string{"[x"} },
		func(s *Settings) { s.Expires = time.Now().Add(2 * MaxLife) },
	} {
		s := bound(settings(), 1)
		bad(s)
		if _, err := Sign(s, testOperator); err == nil {
			t.Errorf("Sign(%+v): want an error", s)
		}
	}
}

// rootDoc is a signed TUF root of version v.
func rootDoc(t *testing.T, v int64) []byte {
	t.Helper()
	k := repo.NewSigner(ed25519.NewKeyFromSeed([]byte(strings.Repeat("r", 32))))
	r := &repo.Root{Common: repo.Common{Type: repo.RoleRoot, SpecVersion: repo.SpecVersion, Version: v, Expires: time.Now().AddDate(1, 0, 0)},
		Keys: map[string]*repo.Key{k.ID: k.Key}, Roles: map[string]*repo.Role{}}
	for _, role := range repo.Roles {
		r.Roles[role] = &repo.Role{KeyIDs: []string{k.ID}, Threshold: 1}
	}
	b, err := repo.Sign(r, k)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRotatedRootKept: provisioning again with the root the kiosk started
// from (version 1) does not reset a kiosk that has followed rotations to
// version 3; a newer root is taken.
func TestRotatedRootKept(t *testing.T) {
	dir := t.TempDir()
	s := settings()
	s.Sync.Root = rootDoc(t, 1)
	if _, err := Apply(dir, s, Opts{}); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(filepath.Join(dir, RootFile))
	// The kiosk synced and followed two rotations.
	os.MkdirAll(filepath.Join(dir, "tuf"), 0o700)
	os.WriteFile(filepath.Join(dir, "tuf", "root.json"), rootDoc(t, 3), 0o600)
	s.Venue.NameEN = "Central Market (renamed)"
	s.Sync.Root = rootDoc(t, 2)
	res, err := Apply(dir, s, Opts{})
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, RootFile)); !res.RootKept || string(after) != string(first) {
		t.Errorf("an older root replaced the kiosk's: kept %v", res.RootKept)
	}
	if c, _ := Current(dir); c == nil || c.Venue.NameEN != "Central Market (renamed)" {
		t.Errorf("the rest of the file was not applied: %+v", c)
	}
	s.Sync.Root = rootDoc(t, 4)
	if res, err := Apply(dir, s, Opts{}); err != nil || res.RootKept {
		t.Errorf("a newer root: kept %v, %v", res.RootKept, err)
	}
}

// FuzzOpen: any bytes are refused or opened, never a panic; what opens is
// bound and valid, and signs back to a file that opens to the same.
func FuzzOpen(f *testing.F) {
	pub := testOperator.Public().(ed25519.PublicKey)
	s := bound(settings(), 7)
	s.SetupVenues = []string{"TPHM2020"}
	good, err := Sign(s, testOperator)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(signUnbound(settings(), testOperator))
	f.Add([]byte(`{"format":"venuekiosk-provision-v1","payload":"e30=","signature":"AAAA"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Open(b, pub)
		if err != nil {
			return
		}
		if err := s.validateBinding(); err != nil {
			t.Fatalf("opened an unbound file: %v", err)
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("opened an invalid file: %v", err)
		}
		s.For("K1", "abcd:ef01")
	})
}
