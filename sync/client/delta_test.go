package client

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/internal/store"
	"github.com/venuekiosk/venuekiosk/sync/publish"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

func revChange(t *testing.T, r *Result) Change {
	t.Helper()
	for _, c := range r.Applied {
		if c.Dataset == repo.Revocations {
			return c
		}
	}
	t.Fatalf("revocations not applied: %+v", r.Applied)
	return Change{}
}

func TestDeltas(t *testing.T) {
	a := newAuthority(t, 1, 1)
	list := testIDs(1, 2000)
	a.publish(publish1(list))
	k := newKiosk(t, a, "")
	if c := revChange(t, k.sync()); c.Via != repo.KindFull || c.Entries != 2000 {
		t.Errorf("first sync: %+v; want the full list of 2000", c)
	}

	// v2: 10 removed, 30 added.
	removed := list[:10]
	list = append(slices.Clone(list[10:]), testIDs(2, 30)...)
	a.publish(publish1(list))
	r := k.sync()
	c := revChange(t, r)
	if c.Via != repo.KindDelta || c.Files != 1 || c.Entries != 40 || c.From != 1 || c.To != 2 {
		t.Errorf("second sync: %+v; want one delta of 40 entries, 1 to 2", c)
	}
	if r.Downloaded > 8<<10 {
		t.Errorf("delta sync downloaded %d bytes", r.Downloaded)
	}
	if k.revoked(removed[3]) || !k.revoked(testIDs(2, 30)[29]) || !k.revoked(list[0]) {
		t.Error("delta not applied as published")
	}

	// v3 and v4 while the kiosk was offline: a chain of two deltas.
	list = append(list, testIDs(3, 5)...)
	a.publish(publish1(list))
	list = slices.DeleteFunc(list, func(id pass.ID) bool { return id == testIDs(3, 5)[0] })
	a.publish(publish1(list))
	c = revChange(t, k.sync())
	if c.Via != repo.KindDelta || c.Files != 2 || c.From != 2 || c.To != 4 {
		t.Errorf("third sync: %+v; want two deltas, 2 to 4", c)
	}
	if k.revoked(testIDs(3, 5)[0]) || !k.revoked(testIDs(3, 5)[1]) {
		t.Error("delta chain not applied in order")
	}
	st, _ := k.st.Stats(context.Background())
	if st.Revocations != int64(len(list)) {
		t.Errorf("%d revocations stored, want %d", st.Revocations, len(list))
	}

	// A new kiosk takes the full list.
	k2 := newKiosk(t, a, "")
	if c := revChange(t, k2.sync()); c.Via != repo.KindFull || c.To != 4 {
		t.Errorf("new kiosk: %+v; want the full list at 4", c)
	}

	// A delta bigger than the list: the full list.
	a.publish(publish1(testIDs(4, 100)))
	if c := revChange(t, k.sync()); c.Via != repo.KindFull {
		t.Errorf("after replacing the whole list: %+v; want the full list", c)
	}
}

func publish1(revs []pass.ID) publish.Inputs {
	return publish.Inputs{Revocations: slices.Clone(revs)}
}

// TestDeltaDiverged: a store whose list is not the version it records
// refuses the delta, changes nothing, and takes the full list next time.
func TestDeltaDiverged(t *testing.T) {
	a := newAuthority(t, 1, 1)
	list := testIDs(1, 100)
	a.publish(publish1(list))
	k := newKiosk(t, a, "")
	k.sync()
	// Someone removed an entry behind sync's back.
	err := k.st.Apply(context.Background(), func(tx *store.Tx) error {
		_, err := tx.RemoveRevocations(store.SliceSeq(list[:1]))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	a.publish(publish1(append(list[1:], testIDs(2, 3)...))) // removes list[0]
	before := k.snapshot(list[:3])
	_, err = k.cl.Sync(context.Background())
	var div *DivergedError
	if !errors.As(err, &div) {
		t.Fatalf("Sync: %v; want a *DivergedError", err)
	}
	if d := before.diff(k.snapshot(list[:3])); d != "" {
		t.Errorf("the refused delta changed the store: %s", d)
	}
	if c := revChange(t, k.sync()); c.Via != repo.KindFull {
		t.Errorf("next sync: %+v; want the full list", c)
	}
	if !k.revoked(testIDs(2, 3)[2]) || k.revoked(list[0]) {
		t.Error("full list not applied")
	}
}
