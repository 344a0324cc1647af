package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/clock"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/internal/command"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// SelfTest is what kioskctl selftest reports.
type SelfTest struct {
	OK     bool           `json:"ok"`
	Checks []daemon.Check `json:"checks"`
}

// openHardware opens the board's devices for a self-test while kioskd is
// stopped (tests replace it).
var openHardware = daemon.NewHardware

func runSelfTest(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := command.NewFlags("kioskctl selftest", `usage: kioskctl selftest [--config FILE] [--state-dir DIR] [--listen ADDR] [--json] [--no-hardware]

Checks the store's integrity, that trust data is present and current, that the
clock is trusted, that the scanner is there and the panel answers, and pulses each
light and the buzzer once (through kioskd when it runs, which holds the devices).
Exit status: 0 all checks passed, 1 a check failed, 2 usage error.`, stdout, stderr)
	kf := addKioskFlags(fs.FlagSet)
	kf.addListen(fs.FlagSet)
	asJSON := fs.Bool("json", false, "print one JSON object")
	noHW := fs.Bool("no-hardware", false, "skip the panel, lights and scanner checks")
	if code, done := fs.Parse(args); done {
		return code
	}
	cfg, err := kf.load()
	if err != nil {
		return fs.Usagef("%v", err)
	}
	res := selfTest(context.Background(), cfg, !*noHW)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		enc.Encode(res)
	} else {
		for _, c := range res.Checks {
			mark := "ok  "
			if !c.OK {
				mark = "FAIL"
			}
			fmt.Fprintf(stdout, "%s %-8s %s\n", mark, c.Name, c.Detail)
		}
	}
	if !res.OK {
		return command.ExitFail
	}
	return command.ExitOK
}

func selfTest(ctx context.Context, cfg *config.Config, hardware bool) SelfTest {
	var checks []daemon.Check
	add := func(name string, ok bool, format string, a ...any) {
		checks = append(checks, daemon.Check{Name: name, OK: ok, Detail: fmt.Sprintf(format, a...)})
	}
	t := now()
	db, err := store.OpenReadOnly(ctx, dbPath(cfg), nil)
	if err != nil {
		add("store", false, "%v", err)
	} else {
		defer db.Close()
		start := time.Now()
		if msgs, err := db.IntegrityCheck(ctx); err != nil {
			add("store", false, "integrity check: %v", err)
		} else if len(msgs) > 0 {
			add("store", false, "integrity check: %s", msgs[0])
		} else {
			add("store", true, "integrity ok (%v)", time.Since(start).Round(time.Millisecond))
		}
		checks = append(checks, trustCheck(ctx, db, t))
		floor, err := db.TimeFloorContext(ctx)
		switch {
		case err != nil:
			add("clock", false, "%v", err)
		case t.Before(floor.Add(-clock.Tolerance)):
			add("clock", false, "reads %s, before the last known good time %s", stamp(t), stamp(floor))
		default:
			add("clock", true, "%s, not before the last known good time %s", stamp(t), stamp(floor))
		}
	}
	if hardware {
		checks = append(checks, hardwareChecks(ctx, cfg)...)
	}
	res := SelfTest{OK: true, Checks: checks}
	for _, c := range checks {
		res.OK = res.OK && c.OK
	}
	return res
}

// trustCheck: issuer keys present, and the revocation and code data no
// older than the policy allows.
func trustCheck(ctx context.Context, db *store.Store, t time.Time) daemon.Check {
	st, err := db.Stats(ctx)
	if err != nil {
		return daemon.Check{Name: "trust", Detail: err.Error()}
	}
	if st.TrustKeys == 0 {
		return daemon.Check{Name: "trust", Detail: "no issuer keys: sync or provision the trust list"}
	}
	pol, ok, err := db.Policy(ctx)
	if err != nil || !ok {
		pol = policy.Default()
	}
	at, synced := db.DataTime()
	switch {
	case !synced:
		return daemon.Check{Name: "trust", Detail: fmt.Sprintf("%d issuer keys, but no revocation or code data was ever synced", st.TrustKeys)}
	case pol.MaxDataAge() > 0 && t.Sub(at) > pol.MaxDataAge():
		return daemon.Check{Name: "trust", Detail: fmt.Sprintf("%d issuer keys; data from %s is older than the policy's %v", st.TrustKeys, stamp(at), pol.MaxDataAge())}
	}
	return daemon.Check{Name: "trust", OK: true, Detail: fmt.Sprintf("%d issuer keys; data from %s", st.TrustKeys, stamp(at))}
}

// hardwareChecks asks a running kioskd, which holds the devices, or opens
// them itself.
func hardwareChecks(ctx context.Context, cfg *config.Config) []daemon.Check {
	var got []daemon.Check
	running, err := daemonJSON(ctx, daemonURL(cfg), "POST", "/api/selftest", 30*time.Second, &got)
	if err != nil {
		return []daemon.Check{{Name: "kioskd", Detail: err.Error()}}
	}
	if running {
		return got
	}
	// Said plainly: the devices are opened here, which works only while
	// kioskd (which holds them) is stopped.
	why := "not answering at " + daemonURL(cfg)
	if daemonURL(cfg) == "" {
		why = "not asked (kiosk.listen is empty)"
	}
	note := daemon.Check{Name: "kioskd", OK: true, Detail: why + ": checking the devices directly (kioskd must be stopped)"}
	hw, err := openHardware(cfg)
	if err != nil {
		return []daemon.Check{note, {Name: "hardware", Detail: err.Error()}}
	}
	if hw.Close != nil {
		defer hw.Close()
	}
	checks := append([]daemon.Check{note}, daemon.HardwareChecks(ctx, hw)...)
	return append(checks, daemon.ScannerCheck(cfg.Scanner.Device))
}
