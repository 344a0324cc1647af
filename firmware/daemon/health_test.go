package daemon

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/indicator"
	"github.com/venuekiosk/venuekiosk/drivers/scanner"
	"github.com/venuekiosk/venuekiosk/firmware/clock"
)

// The fleet status and the self-test judge the scanner alike: none
// configured is no fault in either; one configured and not connected is a
// fault in both. And with no lights fitted (the log indicator) the
// self-test pulses nothing and does not say it did.
func TestFleetAndSelfTestAgree(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	clk, err := clock.NewTrusted(clock.System{}, st)
	if err != nil {
		t.Fatal(err)
	}
	eng := &engines{st: st, policyFrom: "default", log: slog.Default()}
	if _, err := eng.reload(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		configured bool
		connected  bool
		why        string
		ok         bool
	}{
		{"none configured", false, false, "no scanner configured", true},
		{"configured, missing", true, false, "scanner not found yet", false},
		{"configured, connected", true, true, "scanner connected at /dev/ttyACM0", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &Daemon{st: st, clk: clk, eng: eng, started: time.Now(), ind: indicator.NewLog(&indicator.LogOpts{}), log: slog.Default()}
			if tc.configured {
				d.scn = &scanner.Dev{}
			}
			d.setScanner(tc.connected, tc.why)
			snap := fleetSource{d}.Snapshot(ctx)
			var scan, lights Check
			for _, c := range d.selfTest(ctx) {
				switch c.Name {
				case "scanner":
					scan = c
				case "lights":
					lights = c
				}
			}
			if snap.Scanner.OK != tc.ok || scan.OK != tc.ok {
				t.Errorf("scanner %q: fleet OK %v, self-test OK %v; want both %v", tc.why, snap.Scanner.OK, scan.OK, tc.ok)
			}
			if !lights.OK || strings.Contains(lights.Detail, "pulsed once") {
				t.Errorf("no lights fitted: self-test says %+v", lights)
			}
		})
	}
}
