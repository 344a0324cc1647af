package daemon_test

import (
	"context"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/indicator"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// TestExitKioskThroughTheDaemon: a pass checked in at this kiosk, then
// scanned with scan.mode = "exit", has its check-out recorded: goodbye on
// the lights (never red, for an expired pass too), the reply and the last
// verdicts say exit, nothing is counted as an entry, and a pass leaving
// that never checked in records nothing. The venue's notice sounds after
// every signal while it runs.
func TestExitKioskThroughTheDaemon(t *testing.T) {
	now := time.Now()
	dir := t.TempDir()
	ex := []store.Exposure{{Venue: "V1", Start: now.Add(-48 * time.Hour), End: now.Add(-47 * time.Hour), NoticeUntil: now.Add(14 * 24 * time.Hour),
		NoticeEN: "A confirmed case visited on the day before yesterday.", NoticeZH: "確診者曾到訪。"}}
	r := startRigIn(t, dir, nil, ex, nil)
	green := sample(t, r.set, "EU certificate, vaccinated")
	expired := sample(t, r.set, "EU certificate, expired")
	r.scan(t, green.Payload)
	r.waitLogged(t, 1)
	st := r.state(t)
	if st.VenueExposure == nil || st.VenueExposure.NoticeEN != ex[0].NoticeEN {
		t.Errorf("venue exposure %+v: want the authority's words", st.VenueExposure)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if got, err := r.ind.Wait(ctx, 2); err != nil || got[0] != indicator.Green || got[1] != indicator.VenueNotice {
		t.Errorf("entry signals: %v, %v; want green, then the venue notice", got, err)
	}
	before := st.Counters
	r.stop()
	r.stop = nil

	// The same store, the same passes (the same sample issuers), now an
	// exit kiosk.
	r = startRigIn(t, dir, r.set, ex, func(c *config.Config) { c.Scan.Mode = "exit" })
	for _, p := range []string{green.Payload, expired.Payload} {
		r.ind.Reset()
		v := r.scan(t, p)
		if v["exit"] != true {
			t.Errorf("exit kiosk reply %v: want exit", v)
		}
		if _, ok := v["holder"]; ok {
			t.Error("the exit reply carries the holder")
		}
		got, err := r.ind.Wait(ctx, 2)
		if err != nil || got[0] != indicator.Goodbye || got[1] != indicator.VenueNotice {
			t.Errorf("exit signals: %v, %v; want goodbye, then the venue notice", got, err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		st = r.state(t)
		if st.Visits != nil && st.Visits.Exits+st.Visits.ExitsIgnored >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if v := st.Visits; v == nil || v.Logged != 1 || v.CheckedOut != 1 || v.Exits != 1 || v.ExitsIgnored != 1 {
		t.Errorf("visit log %+v: want the one visit checked out, and the expired pass (never checked in) ignored", st.Visits)
	}
	if c := st.Counters; c.Green != before.Green || c.Red != before.Red || c.Amber != before.Amber || c.Entries != before.Entries {
		t.Errorf("counters %+v, before the exits %+v: an exit was counted", c, before)
	}
	if len(st.Recent) != 2 || !st.Recent[0].Exit || !st.Recent[1].Exit {
		t.Errorf("last verdicts %+v: want both marked exit", st.Recent)
	}
}
