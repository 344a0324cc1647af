package client

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/staff"
	"github.com/venuekiosk/venuekiosk/sync/publish"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// supCard is the staff card these tests revoke.
const supCard = "CM-SUP-7"

// signedCard returns a supervisor card for supCard, valid around t0, and
// a verifier that trusts its operator key and looks revocations up in k.
func signedCard(t *testing.T, k *kiosk) (string, *staff.Verifier) {
	t.Helper()
	pub, op, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	card, err := staff.Sign(staff.Card{ID: supCard, Role: staff.Supervisor, From: t0.AddDate(0, 0, -1), Until: t0.AddDate(1, 0, 0)}, op)
	if err != nil {
		t.Fatal(err)
	}
	return card, &staff.Verifier{Keys: []ed25519.PublicKey{pub}, Revoked: k.st}
}

func (k *kiosk) staffRevoked(id string) bool {
	k.t.Helper()
	ok, err := k.st.StaffRevoked(context.Background(), id)
	if err != nil {
		k.t.Fatal(err)
	}
	return ok
}

// TestStaffCardRevokedAfterSync: a staff card the kiosk accepts is refused
// as revoked once a sync brings a staff revocation list naming it, and
// accepted again once a later list leaves it out.
func TestStaffCardRevokedAfterSync(t *testing.T) {
	a := newAuthority(t, 1, 1)
	in := dataset(testIDs(1, 3))
	in.StaffRevocations = []string{} // version 1: no card revoked
	a.publish(in)
	k := newKiosk(t, a, "")
	card, v := signedCard(t, k)
	at := t0.Add(time.Hour)

	r := k.sync()
	if !r.Changed(repo.StaffRevocations) || k.version(repo.StaffRevocations) != 1 {
		t.Fatalf("first sync applied %+v; want staff revocations version 1", r.Applied)
	}
	if c, err := v.Verify(card, at); err != nil || c.ID != supCard {
		t.Fatalf("before the revocation: Verify = %+v, %v; want card %s accepted", c, err, supCard)
	}

	a.clk.Advance(time.Hour)
	in.StaffRevocations = []string{lostCard, supCard}
	sum := a.publish(in)
	if len(sum.Changed) != 1 || sum.Changed[0].Dataset != repo.StaffRevocations || sum.Changed[0].To != 2 {
		t.Fatalf("second publish changed %+v; want staff revocations 1 → 2 only", sum.Changed)
	}
	r = k.sync()
	if len(r.Applied) != 1 || r.Applied[0] != (Change{Dataset: repo.StaffRevocations, From: 1, To: 2, Via: repo.KindFull, Files: 1, Entries: 2}) {
		t.Errorf("second sync applied %+v; want staff revocations 1 → 2, 2 entries", r.Applied)
	}
	c, err := v.Verify(card, at)
	if !errors.Is(err, staff.ErrRevoked) {
		t.Fatalf("after the revocation: Verify = %+v, %v; want %v", c, err, staff.ErrRevoked)
	}
	if n, err := k.st.StaffRevocationCount(context.Background()); n != 2 || err != nil {
		t.Errorf("%d revoked staff cards (%v), want 2", n, err)
	}

	// The card is found again: a list without it un-revokes it.
	a.clk.Advance(time.Hour)
	in.StaffRevocations = []string{lostCard}
	a.publish(in)
	k.sync()
	if _, err := v.Verify(card, at); err != nil {
		t.Errorf("after the card left the list: Verify: %v; want accepted", err)
	}
	if !k.staffRevoked(lostCard) || k.version(repo.StaffRevocations) != 3 {
		t.Errorf("%s revoked %v, version %d; want revoked, version 3", lostCard, k.staffRevoked(lostCard), k.version(repo.StaffRevocations))
	}
}

// forgeStaff makes the next targets, snapshot and timestamp versions in
// a's repository, signed with the online keys, listing content as the
// next staff revocation version (listed at length bytes and entries card
// ids), and writes content where kiosks fetch it.
func forgeStaff(t *testing.T, a *authority, content []byte, length, entries int64) {
	t.Helper()
	cur := a.pub.Targets()
	old := cur.Targets[publish.StaffTarget]
	tgt := &repo.Targets{Common: cur.Common, Targets: maps.Clone(cur.Targets)}
	tgt.Version++
	tf := repo.TargetFile{Length: length, Hashes: map[string]string{"sha256": sha(content)},
		Custom: &repo.Custom{Dataset: &repo.Dataset{Name: repo.StaffRevocations, Version: old.Custom.Dataset.Version + 1, Entries: entries}}}
	tgt.Targets[publish.StaffTarget] = tf
	p := filepath.Join(a.dir, "targets", tf.Hashes["sha256"]+"."+publish.StaffTarget)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	tb, err := repo.Sign(tgt, keysOf(t, a, repo.RoleTargets)...)
	if err != nil {
		t.Fatal(err)
	}
	ts := a.pub.Timestamp()
	sv := ts.Meta["snapshot.json"].Version + 1
	snap := &repo.Snapshot{Common: repo.Common{Type: repo.RoleSnapshot, SpecVersion: repo.SpecVersion, Version: sv, Expires: tgt.Expires},
		Meta: map[string]repo.MetaFile{"targets.json": metaOf(tgt.Version, tb)}}
	sb, err := repo.Sign(snap, keysOf(t, a, repo.RoleSnapshot)...)
	if err != nil {
		t.Fatal(err)
	}
	a.clk.Advance(time.Minute)
	nts := &repo.Timestamp{Common: repo.Common{Type: repo.RoleTimestamp, SpecVersion: repo.SpecVersion, Version: ts.Version + 1, Expires: a.clk.Now().Add(24 * time.Hour)},
		Issued: a.clk.Now().UTC().Truncate(time.Second), Meta: map[string]repo.MetaFile{"snapshot.json": metaOf(sv, sb)}}
	tsb, err := repo.Sign(nts, keysOf(t, a, repo.RoleTimestamp)...)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{fmt.Sprintf("%d.targets.json", tgt.Version): tb, fmt.Sprintf("%d.snapshot.json", sv): sb, "timestamp.json": tsb} {
		if err := os.WriteFile(filepath.Join(a.dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestStaffRevocationsRefused: a staff revocation file that is tampered
// with, too large, or signed but malformed is refused, and the kiosk keeps
// the list it had: the revoked card stays revoked.
func TestStaffRevocationsRefused(t *testing.T) {
	valid := func(ids ...string) []byte {
		b, err := repo.MarshalStaffRevocations(ids)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	staffFile := func(t *testing.T, a *authority) string {
		tf := a.pub.Targets().Targets[publish.StaffTarget]
		return filepath.Join(a.dir, "targets", tf.Hashes["sha256"]+"."+publish.StaffTarget)
	}
	for _, tc := range []struct {
		name string
		// attack makes the repository offer a bad version 2 of the staff
		// revocations (which would un-revoke supCard) and returns what
		// the authority must do before it can publish again, or nil.
		// forged: the attack forges metadata rather than damaging the
		// file of a version 2 the authority published.
		attack func(t *testing.T, a *authority) (undo func())
		forged bool
		want   any // a pointer to the error type expected
		says   string
	}{
		{name: "tampered", want: new(*HashError), says: publish.StaffTarget, attack: func(t *testing.T, a *authority) func() {
			p := staffFile(t, a)
			b := mustRead(t, p)
			b = []byte(strings.Replace(string(b), lostCard, "CM-LOST-2", 1)) // same length
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			return nil
		}},
		{name: "longer than listed", want: new(*TooLargeError), says: publish.StaffTarget, attack: func(t *testing.T, a *authority) func() {
			p := staffFile(t, a)
			if err := os.WriteFile(p, append(mustRead(t, p), make([]byte, 4096)...), 0o644); err != nil {
				t.Fatal(err)
			}
			return nil
		}},
		{name: "listed past the bound", forged: true, says: "at most", attack: func(t *testing.T, a *authority) func() {
			// The publisher cannot read such targets metadata either: the
			// authority restores its repository and publishes past the
			// forged versions, which the kiosk saw in the timestamp and
			// snapshot.
			saved := filepath.Join(t.TempDir(), "repo")
			copyDir(t, a.dir, saved)
			forgeStaff(t, a, valid(lostCard), repo.MaxFileSize(repo.StaffRevocations)+1, 1)
			return func() {
				if err := os.RemoveAll(a.dir); err != nil {
					t.Fatal(err)
				}
				copyDir(t, saved, a.dir)
				a.reopen()
				a.clk.Advance(time.Minute)
				a.publish(dataset(testIDs(1, 4)))
			}
		}},
		{name: "invalid card id", forged: true, want: new(*repo.FormatError), says: "card id", attack: func(t *testing.T, a *authority) func() {
			b := []byte(`{"cards": ["cm-lost-1"]}`)
			forgeStaff(t, a, b, int64(len(b)), 1)
			return nil
		}},
		{name: "repeated card id", forged: true, want: new(*repo.FormatError), says: "strictly ascending", attack: func(t *testing.T, a *authority) func() {
			b := []byte(`{"cards": ["CM-LOST-1", "CM-LOST-1"]}`)
			forgeStaff(t, a, b, int64(len(b)), 2)
			return nil
		}},
		{name: "not the file format", forged: true, want: new(*repo.FormatError), says: "unknown field", attack: func(t *testing.T, a *authority) func() {
			b := []byte(`{"cards": [], "unrevoke": ["CM-SUP-7"]}`)
			forgeStaff(t, a, b, int64(len(b)), 0)
			return nil
		}},
		{name: "entries not as listed", forged: true, says: "listed as 5", attack: func(t *testing.T, a *authority) func() {
			b := valid(lostCard)
			forgeStaff(t, a, b, int64(len(b)), 5)
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := newAuthority(t, 1, 1)
			in := dataset(testIDs(1, 3))
			in.StaffRevocations = []string{supCard}
			a.publish(in)
			k := newKiosk(t, a, "")
			card, v := signedCard(t, k)
			at := t0.Add(time.Hour)
			k.sync()
			if _, err := v.Verify(card, at); !errors.Is(err, staff.ErrRevoked) {
				t.Fatalf("after the first sync: Verify: %v; want %v", err, staff.ErrRevoked)
			}
			if !tc.forged {
				// A real version 2 that un-revokes the card; the attack
				// damages its file.
				a.clk.Advance(time.Hour)
				in.StaffRevocations = []string{lostCard}
				a.publish(in)
			}
			undo := tc.attack(t, a)
			before := k.snapshot(testIDs(1, 3))
			_, err := k.cl.Sync(context.Background())
			if err == nil {
				t.Fatal("Sync succeeded; want the staff revocation file refused")
			}
			if tc.want != nil && !errors.As(err, tc.want) {
				t.Errorf("Sync: %v (%T); want a %T", err, err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("Sync: %v; want it to mention %q", err, tc.says)
			}
			if d := before.diff(k.snapshot(testIDs(1, 3))); d != "" {
				t.Errorf("the refused sync changed the store: %s", d)
			}
			if _, err := v.Verify(card, at); !errors.Is(err, staff.ErrRevoked) {
				t.Errorf("after the refused sync: Verify: %v; want the card still %v", err, staff.ErrRevoked)
			}
			if got := k.version(repo.StaffRevocations); got != 1 {
				t.Errorf("staff revocations version %d after the refused sync, want 1", got)
			}

			// Once the authority publishes a good list, the kiosk takes it.
			if undo != nil {
				undo()
			}
			a.reopen()
			a.clk.Advance(time.Hour)
			in.StaffRevocations = []string{lostCard, "CM-LOST-3"}
			a.publish(in)
			if r := k.sync(); !r.Changed(repo.StaffRevocations) {
				t.Errorf("sync after the attack applied %+v; want the staff revocations", r.Applied)
			}
			if _, err := v.Verify(card, at); err != nil || !k.staffRevoked("CM-LOST-3") {
				t.Errorf("after the good list: Verify: %v, CM-LOST-3 revoked %v; want accepted and revoked", err, k.staffRevoked("CM-LOST-3"))
			}
		})
	}
}
