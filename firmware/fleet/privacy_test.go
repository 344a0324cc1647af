package fleet_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/firmware/fleet"
	"github.com/venuekiosk/venuekiosk/firmware/internal/fleettest"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/firmware/sim"
)

// secrets lists what must never reach the broker for the sample set: each
// holder's name and the words of it, the date of birth (as issued and
// without dashes), the pass ID in hex and base64 and SHA-256 hashes of it,
// and the start of every payload.
func secrets(set *samples.Set) []string {
	var out []string
	for _, s := range set.Samples {
		if n := s.Holder.Name; n != "" {
			out = append(out, n)
			for _, w := range strings.FieldsFunc(n, func(r rune) bool { return !unicode.IsLetter(r) }) {
				if len(w) >= 4 {
					out = append(out, w)
				}
			}
		}
		if d := s.Holder.DOB; d != "" {
			out = append(out, d, strings.ReplaceAll(d, "-", ""))
		}
		if !s.ID.IsZero() {
			h := sha256.Sum256(s.ID[:])
			hs := sha256.Sum256([]byte(s.ID.String()))
			out = append(out, s.ID.String(), base64.StdEncoding.EncodeToString(s.ID[:]), base64.RawURLEncoding.EncodeToString(s.ID[:]),
				hex.EncodeToString(h[:]), base64.StdEncoding.EncodeToString(h[:]), hex.EncodeToString(hs[:]))
		}
		if p := s.Payload; len(p) > 8 {
			out = append(out, p[:min(len(p), 24)])
		}
	}
	return out
}

// leaks returns the secrets found in msgs (case-insensitive).
func leaks(msgs []fleettest.Msg, secrets []string) []string {
	var found []string
	for _, m := range msgs {
		text := strings.ToLower(m.Topic + " " + string(m.Payload))
		for _, s := range secrets {
			if strings.Contains(text, strings.ToLower(s)) {
				found = append(found, s+" in "+m.Topic)
			}
		}
	}
	return found
}

// startFleetKiosk runs the simulated kiosk with fleet reports to broker
// as kioskID, every second (faster than config allows, so that a test
// sees several of each), and returns once it is ready. stop ends it and
// may be called more than once.
func startFleetKiosk(t *testing.T, broker, kioskID string) (*sim.Sim, func()) {
	t.Helper()
	cfg := config.Default()
	cfg.Kiosk.StateDir = t.TempDir()
	cfg.Kiosk.Listen = ""
	cfg.Fleet.Enabled, cfg.Fleet.Broker, cfg.Fleet.KioskID = true, broker, kioskID
	cfg.Fleet.StatusEvery.D, cfg.Fleet.CountersEvery.D = time.Second, time.Second
	hw, s, err := sim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	ready := make(chan struct{})
	go func() { done <- daemon.Run(ctx, cfg, hw, func(net.Addr) { close(ready) }) }()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			if err := <-done; err != nil {
				t.Error(err)
			}
		}
	}
	select {
	case <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	return s, stop
}

// TestPrivacyNothingPersonalOnTheBroker runs the simulated kiosk with fleet
// reports on, scans every sample pass through the serial driver, and reads
// everything the broker has under venuekiosk/#: counts, states and
// versions arrive; no holder's name, date of birth, pass ID or hash of one.
func TestPrivacyNothingPersonalOnTheBroker(t *testing.T) {
	t.Parallel()
	b := fleettest.Start(t, fleettest.Opts{Anonymous: true})
	watch := fleettest.MustDial(t, b.Addr, fleettest.DialOpts{ClientID: "privacy", Subscribe: []string{fleet.AllTopics}})

	s, stop := startFleetKiosk(t, b.URL(), "K-PRIVACY")
	defer stop()
	isStatus := func(pred func(*fleet.Status) bool) func([]fleettest.Msg) bool {
		return func(ms []fleettest.Msg) bool {
			for _, m := range ms {
				if d, err := fleet.Decode(m.Topic, m.Payload); err == nil && d.Status != nil && pred(d.Status) {
					return true
				}
			}
			return false
		}
	}
	watch.Wait(t, 10*time.Second, "a status with the scanner connected", isStatus(func(s *fleet.Status) bool { return s.Scanner.OK }))

	for _, sm := range s.Samples.Samples {
		if _, err := s.Scanner.Write([]byte(sm.Payload + "\r")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Millisecond)
	}
	scanned := time.Now().UTC()
	var counted int64
	ms := watch.Wait(t, 20*time.Second, "counters for every scan and a later status", func(ms []fleettest.Msg) bool {
		counted = 0
		later := false
		for _, m := range ms {
			d, err := fleet.Decode(m.Topic, m.Payload)
			if err != nil {
				continue
			}
			if d.Counters != nil {
				counted += d.Counters.Green + d.Counters.Amber + d.Counters.Red
			}
			if d.Status != nil && d.Status.At.After(scanned.Add(time.Second)) {
				later = true
			}
		}
		return counted >= int64(len(s.Samples.Samples)) && later
	})
	if counted != int64(len(s.Samples.Samples)) {
		t.Errorf("counted %d verdicts, scanned %d passes", counted, len(s.Samples.Samples))
	}
	stop()
	ms = watch.Wait(t, 5*time.Second, "offline at the stop", func(ms []fleettest.Msg) bool {
		d, err := fleet.Decode(ms[len(ms)-1].Topic, ms[len(ms)-1].Payload)
		return err == nil && d.Online != nil && !d.Online.Online
	})

	sec := secrets(s.Samples)
	if len(sec) < 3*len(s.Samples.Samples) {
		t.Fatalf("only %d secrets for %d samples: the sample set lost its holders", len(sec), len(s.Samples.Samples))
	}
	if found := leaks(ms, sec); len(found) > 0 {
		t.Errorf("holder data on the broker:\n%s", strings.Join(found, "\n"))
	}
	// The check itself finds a leak when there is one.
	planted := []fleettest.Msg{{Topic: "venuekiosk/V/K/status", Payload: []byte(`{"last_error":"` + s.Samples.Samples[0].Holder.Name + `"}`)}}
	if found := leaks(planted, sec); len(found) == 0 {
		t.Errorf("the leak check misses a holder's name")
	}
	t.Logf("%d messages from the kiosk checked against %d secrets", len(ms), len(sec))
}

// TestKioskScansWhileTheBrokerIsAway runs the simulated kiosk with fleet
// reports on and the broker stopped: every scan is judged and counted, the
// reports wait in the store, and when the broker comes back the counters
// arrive with every scan in them, in order.
func TestKioskScansWhileTheBrokerIsAway(t *testing.T) {
	t.Parallel()
	b := fleettest.Start(t, fleettest.Opts{Anonymous: true, Persist: true})
	ingest := fleettest.MustDial(t, b.Addr, fleettest.DialOpts{ClientID: "ingest", Keep: true, Subscribe: []string{"venuekiosk/+/+/counters"}})
	ingest.Close()
	b.Stop()

	s, stop := startFleetKiosk(t, b.URL(), "K-OFFLINE")
	defer stop()
	time.Sleep(300 * time.Millisecond) // the simulated scanner connects
	for _, sm := range s.Samples.Samples {
		if _, err := s.Scanner.Write([]byte(sm.Payload + "\r")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Millisecond)
	}
	time.Sleep(2500 * time.Millisecond) // two counters periods pass offline

	b.Restart()
	ingest = fleettest.MustDial(t, b.Addr, fleettest.DialOpts{ClientID: "ingest", Keep: true})
	var counted int64
	ms := ingest.Wait(t, 20*time.Second, "the counters of at least two periods queued offline", func(ms []fleettest.Msg) bool {
		counted = 0
		for _, m := range ms {
			if d, err := fleet.Decode(m.Topic, m.Payload); err == nil {
				counted += d.Counters.Green + d.Counters.Amber + d.Counters.Red
			}
		}
		return counted >= int64(len(s.Samples.Samples)) && len(ms) >= 2
	})
	if counted != int64(len(s.Samples.Samples)) {
		t.Errorf("counted %d verdicts, scanned %d passes", counted, len(s.Samples.Samples))
	}
	var last int64
	for _, m := range ms {
		d, err := fleet.Decode(m.Topic, m.Payload)
		if err != nil {
			t.Fatalf("%s: %v", m.Topic, err)
		}
		if d.Counters.Seq <= last {
			t.Errorf("seq %d after %d", d.Counters.Seq, last)
		}
		last = d.Counters.Seq
	}
}
