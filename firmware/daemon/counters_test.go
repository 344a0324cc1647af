package daemon

import (
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// TestCountersOpenEntryNeverRed: while entry is open, every scan is an
// entry; a green pass is also counted green, an amber or red one neither
// amber nor red (the panel showed "entry open", no refusal).
func TestCountersOpenEntryNeverRed(t *testing.T) {
	for _, tc := range []struct {
		status verify.Status
		open   bool
		want   store.Counters
	}{
		{verify.Green, true, store.Counters{Green: 1, Entries: 1}},
		{verify.Amber, true, store.Counters{Entries: 1}},
		{verify.Red, true, store.Counters{Entries: 1}},
		{verify.Green, false, store.Counters{Green: 1, Entries: 1}},
		{verify.Amber, false, store.Counters{Amber: 1}},
		{verify.Red, false, store.Counters{Red: 1}},
	} {
		t.Run(fmt.Sprintf("%v open %v", tc.status, tc.open), func(t *testing.T) {
			c := newCounters(nil, time.UTC, slog.Default())
			r := res(tc.status, false)
			r.At, r.Open = time.Unix(2e9, 0), tc.open
			c.Scanned(r)
			c.mu.Lock()
			defer c.mu.Unlock()
			var got store.Counters
			for _, n := range c.pending {
				got = add(got, n)
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
