package client

import (
	"context"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

func TestSyncDirectory(t *testing.T) {
	a := newAuthority(t, 1, 1)
	revs := testIDs(1, 50)
	a.publish(dataset(revs))
	k := newKiosk(t, a, "")
	r := k.sync()
	if !r.New || len(r.Applied) != len(repo.Datasets) {
		t.Fatalf("first sync: new %v, applied %+v; want every data set", r.New, r.Applied)
	}
	for _, name := range repo.Datasets {
		if got := k.version(name); got != 1 {
			t.Errorf("%s version %d, want 1", name, got)
		}
	}
	if !k.revoked(revs[7]) || k.revoked(testIDs(2, 1)[0]) {
		t.Error("revocation list not as published")
	}
	if ok, err := k.st.StaffRevoked(context.Background(), lostCard); !ok || err != nil {
		t.Errorf("staff card %s revoked: %v, %v; want revoked", lostCard, ok, err)
	}
	if c, _ := k.st.Code(testIDs(9, 1)[0], t0); c != pass.AmberCode {
		t.Errorf("code %q, want amber", c)
	}
	issued := a.pub.Timestamp().Issued
	if ft, ok := k.st.DataTime(); !ok || !ft.Equal(issued) || !r.Issued.Equal(issued) {
		t.Errorf("DataTime %v %v, result %v; want %v", ft, ok, r.Issued, issued)
	}
	if f, _ := k.st.TimeFloor(); !f.Equal(issued) {
		t.Errorf("time floor %v, want %v", f, issued)
	}
	ex, err := k.st.Exposures(context.Background(), "V1")
	if err != nil || len(ex) != 1 {
		t.Errorf("exposures %v %v, want one", ex, err)
	}
	// Nothing new: nothing fetched beyond the timestamp, nothing written.
	r = k.sync()
	if r.New || r.Refreshed || len(r.Applied) != 0 {
		t.Errorf("second sync: %+v; want nothing new", r)
	}
	if r.Downloaded > 4096 {
		t.Errorf("second sync downloaded %d bytes; want only the timestamp", r.Downloaded)
	}
}

// TestSyncRefreshesFreshness: a new timestamp over unchanged data proves
// the data current; the store records the new signed time.
func TestSyncRefreshesFreshness(t *testing.T) {
	a := newAuthority(t, 1, 1)
	a.publish(dataset(testIDs(1, 10)))
	k := newKiosk(t, a, "")
	k.sync()
	a.clk.Advance(5 * time.Hour)
	if _, err := a.pub.RefreshTimestamp(); err != nil {
		t.Fatal(err)
	}
	r := k.sync()
	if !r.New || !r.Refreshed || len(r.Applied) != 0 {
		t.Errorf("sync after a new timestamp: %+v; want refreshed, nothing applied", r)
	}
	want := t0.Add(5 * time.Hour)
	if ft, _ := k.st.DataTime(); !ft.Equal(want) {
		t.Errorf("DataTime %v, want %v", ft, want)
	}
	if f, _ := k.st.TimeFloor(); !f.Equal(want) {
		t.Errorf("time floor %v, want %v", f, want)
	}
	for _, name := range repo.Datasets {
		if v := k.version(name); v != 1 {
			t.Errorf("%s version %d, want 1 still", name, v)
		}
	}
}
