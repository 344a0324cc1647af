package client

import (
	"context"
	"testing"
	"time"
)

// TestSyncExposureAssumedStay: an exposure's own assumed stay, read from
// the publisher's input, reaches the kiosk's store through a signed sync;
// the next version without it takes it away.
func TestSyncExposureAssumedStay(t *testing.T) {
	a := newAuthority(t, 1, 1)
	in := dataset(testIDs(1, 5))
	in.Exposures[0].AssumedStay = 45 * time.Minute
	a.publish(in)
	k := newKiosk(t, a, "")
	k.sync()
	ex, err := k.st.Exposures(context.Background(), "V1")
	if err != nil || len(ex) != 1 || ex[0].AssumedStay != 45*time.Minute {
		t.Fatalf("exposures %+v, %v; want the one with its 45 min", ex, err)
	}
	in.Exposures[0].AssumedStay = 0
	a.clk.Advance(time.Minute)
	a.publish(in)
	k.sync()
	if ex, err := k.st.Exposures(context.Background(), "V1"); err != nil || len(ex) != 1 || ex[0].AssumedStay != 0 {
		t.Errorf("after the second version: %+v, %v; want no assumed stay of its own", ex, err)
	}
}
