package daemon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/clock"
	"github.com/venuekiosk/venuekiosk/firmware/fleet"
	"github.com/venuekiosk/venuekiosk/firmware/version"
)

// startFleet starts the fleet publisher when [fleet] is enabled. It runs in
// its own goroutine and reads the kiosk through fleetSource; a publisher
// that cannot start is a problem on the status line, never a reason to
// stop scanning.
func (d *Daemon) startFleet(goRun func(string, func(context.Context) error)) {
	if !d.cfg.Fleet.Enabled {
		return
	}
	o, err := d.fleetOpts()
	if err == nil {
		var p *fleet.Publisher
		if p, err = fleet.New(o); err == nil {
			goRun("fleet", p.Run)
			return
		}
	}
	d.problem("fleet reports off: " + err.Error())
}

func (d *Daemon) fleetOpts() (fleet.Opts, error) {
	f := d.cfg.Fleet
	if d.cfg.Venue.ID == "" {
		return fleet.Opts{}, errors.New("no venue.id yet (provision the kiosk)")
	}
	o := fleet.Opts{
		Broker: f.Broker, Venue: d.cfg.Venue.ID, Kiosk: f.KioskID, Username: f.Username,
		Source: fleetSource{d}, Tally: d.st, Queue: d.st, Location: time.Local,
		StatusEvery: f.StatusEvery.D, CountersEvery: f.CountersEvery.D, QueueMax: f.QueueMax, Logger: d.log,
	}
	if f.PasswordFile != "" {
		b, err := fleet.ReadFile(f.PasswordFile)
		if err != nil {
			return o, fmt.Errorf("fleet.password_file: %w", err)
		}
		if o.Password = bytes.TrimSpace(b); len(o.Password) == 0 {
			return o, fmt.Errorf("fleet.password_file %s is empty", f.PasswordFile)
		}
	}
	_, secure, err := fleet.ParseBroker(f.Broker)
	if err != nil {
		return o, err
	}
	switch {
	case secure:
		if o.TLS, err = fleet.TLSConfig(f.CAFile, f.CertFile, f.KeyFile); err != nil {
			return o, err
		}
	case f.CertFile != "" || f.CAFile != "":
		return o, fmt.Errorf("fleet.broker %s: certificates need mqtts://", f.Broker)
	}
	return o, nil
}

// fleetSource is what the fleet publisher reads of the kiosk: versions,
// devices, clock and data, nothing of any scan.
type fleetSource struct{ d *Daemon }

var _ fleet.Source = fleetSource{}

// Snapshot implements fleet.Source.
func (s fleetSource) Snapshot(ctx context.Context) fleet.Snapshot {
	d := s.d
	snap := fleet.Snapshot{Firmware: version.Version, Slot: bootedSlot(), Uptime: int64(time.Since(d.started) / time.Second)}
	if vs, err := d.st.DataVersions(ctx); err == nil {
		for _, v := range vs {
			snap.Data = append(snap.Data, fleet.DataSet{Name: v.Name, Version: v.Version, Signed: v.SignedAt})
			if a := v.AppliedAt; snap.LastSync == nil || a.After(*snap.LastSync) {
				snap.LastSync = &a
			}
		}
	}
	t, ok := d.st.DataTime()
	maxAge := d.eng.p.Load().Policy.MaxDataAge()
	snap.DataStale = !ok || maxAge > 0 && time.Since(t) > maxAge
	snap.Clock = fleetClock(d.clk.State())
	snap.Setup = lastSetup(ctx, d.st)

	ok, why := d.scannerHealth() // as the self-test judges it
	snap.Scanner = fleet.Device{OK: ok, State: why}
	d.mu.Lock()
	snap.LastError = d.lastProblem
	d.mu.Unlock()

	snap.Panel = d.panelHealth()
	// The lights' health, not the signal shown: that changes with every
	// scan and would make every scan a status.
	snap.Lights = fleet.Device{OK: true, State: "ok"}
	if n := d.ind.State().PinErrors; n > 0 {
		snap.Lights = fleet.Device{OK: false, State: fmt.Sprintf("%d failed pin writes", n)}
	}
	return snap
}

// bootedSlot is the RAUC slot the kernel command line names, or "".
func bootedSlot() string {
	b, err := os.ReadFile("/proc/cmdline")
	if err != nil || len(b) > 64<<10 {
		return ""
	}
	for _, f := range strings.Fields(string(b)) {
		if v, ok := strings.CutPrefix(f, "rauc.slot="); ok {
			return v
		}
	}
	return ""
}

// fleetClock is the clock's state as the fleet sees it: jumps and refused
// signed times by how far ahead they were, in whole hours (a status is
// sent on change, not at every reading).
func fleetClock(s clock.State) fleet.Clock {
	c := fleet.Clock{Trusted: s.Trusted, Floor: s.Floor}
	ahead := func(e *clock.Event) string {
		return fmt.Sprintf("%s, %dh past the evidence", e.Time.UTC().Format("2006-01-02"), int64(e.Time.Sub(e.Limit)/time.Hour))
	}
	if e := s.Jump; e != nil {
		c.Jump = "clock reads " + ahead(e)
		if e.Trusted {
			c.Jump += " (trusted, not saved)"
		} else {
			c.Jump += " (not trusted)"
		}
	}
	if e := s.Ahead; e != nil {
		c.SignedAhead = "signed time " + ahead(e) + " (refused)"
	}
	if e := s.Reset; e != nil {
		c.Reset = e.Version
	}
	return c
}
