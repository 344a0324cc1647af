package daemon_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"

	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
	"github.com/venuekiosk/venuekiosk/drivers/indicator/indicatortest"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/firmware/fleet"
	"github.com/venuekiosk/venuekiosk/firmware/internal/fleettest"
	"github.com/venuekiosk/venuekiosk/internal/epd"
)

// hat23 is a Waveshare e-Paper HAT revision 2.3 with an emulated panel of
// model m: the panel's supply is switched by the PWR pin. The driver gets
// the pins the configuration names, by the HAT's wiring (a name the HAT
// does not wire gets no pin).
func hat23(t *testing.T, m epd.Model, cfg *config.Config) (*epdemu.Emu, epd.Panel) {
	t.Helper()
	emu, err := epdemu.New(m, &epdemu.Opts{Switched: true, LogLimit: 256})
	if err != nil {
		t.Fatal(err)
	}
	wired := map[string]gpio.PinIO{
		epd.WaveshareHAT.DC:    emu.DC(),
		epd.WaveshareHAT.Reset: emu.RST(),
		epd.WaveshareHAT.Busy:  emu.Busy(),
		epd.WaveshareHAT.Power: emu.Power(),
	}
	pins := epd.Pins{DC: wired[cfg.Panel.DC], Reset: wired[cfg.Panel.Reset], Busy: wired[cfg.Panel.Busy]}
	if p := wired[cfg.Panel.Power]; p != nil {
		pins.Power = p
	}
	p, err := daemon.OpenPanel(m, emu.Port(), pins, 0)
	if err != nil {
		t.Fatal(err)
	}
	return emu, p
}

// runWithPanel runs kioskd, provisioned (venue and key), with panel as
// its panel, and returns its local page's address and the venue key.
func runWithPanel(t *testing.T, cfg *config.Config, panel epd.Panel, name string) (string, ed25519.PublicKey) {
	t.Helper()
	cfg.Kiosk.StateDir = t.TempDir()
	cfg.Kiosk.Listen = "127.0.0.1:0"
	cfg.Scanner.Device = ""
	cfg.Venue.ID = "CM-01"
	pub, key, _ := ed25519.GenerateKey(nil)
	b, err := venueqr.MarshalPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg.Kiosk.StateDir, daemon.KeyFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	hw := daemon.Hardware{Panel: panel, PanelName: name, Indicator: &indicatortest.Recorder{}}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- daemon.Run(ctx, cfg, hw, func(a net.Addr) { ready <- a }) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case a := <-ready:
		return "http://" + a.String(), pub
	case err := <-done:
		t.Fatalf("kioskd: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("kioskd not ready")
	}
	return "", nil
}

// panelState is what /api/state says of the panel, and the status line.
type panelState struct {
	Summary string `json:"summary"`
	Panel   struct {
		Model string `json:"model"`
		OK    bool   `json:"ok"`
		Fault string `json:"fault"`
	} `json:"panel"`
}

func getState(t *testing.T, url string) panelState {
	t.Helper()
	res, err := http.Get(url + "/api/state")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var s panelState
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// The default configuration drives the HAT's current revision: the panel
// gets its supply (panel.power = "GPIO18"), shows the venue code, and
// the emulator saw the vendor's pin order throughout.
func TestDefaultConfigDrivesHAT23(t *testing.T) {
	for _, m := range []epd.Model{epd.Waveshare2in9V2, epd.Waveshare7in5V2} {
		t.Run(m.Name, func(t *testing.T) {
			cfg := config.Default()
			emu, panel := hat23(t, m, cfg)
			url, pub := runWithPanel(t, cfg, panel, m.Name)
			deadline := time.Now().Add(20 * time.Second)
			for emu.Refreshes().Full == 0 {
				if time.Now().After(deadline) {
					t.Fatalf("no refresh reached the glass of a rev 2.3 HAT with the default panel.power %q; emulator: %v", cfg.Panel.Power, emu.Errors())
				}
				select {
				case <-emu.Changed():
				case <-time.After(100 * time.Millisecond):
				}
			}
			if _, err := venueqr.Verify(pub, readQR(t, emu.Image()), time.Now(), cfg.Panel.RotationPeriod.D); err != nil {
				t.Errorf("the panel shows no valid venue code: %v", err)
			}
			if s := getState(t, url); !s.Panel.OK || s.Panel.Fault != "" {
				t.Errorf("/api/state panel: %+v", s.Panel)
			}
			if errs := emu.Errors(); len(errs) != 0 {
				t.Errorf("the emulated panel flagged: %v", errs)
			}
		})
	}
}

// A panel that never shows BUSY activity at start — here a rev 2.3 HAT
// with panel.power = "", so the panel never gets a supply — is a fault
// in /api/state and on the status line, not a kiosk whose refreshes seem
// to succeed.
func TestDeadPanelAtStart(t *testing.T) {
	for _, m := range []epd.Model{epd.Waveshare2in9V2, epd.Waveshare7in5V2} {
		t.Run(m.Name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Panel.Power = ""
			_, panel := hat23(t, m, cfg)
			url, _ := runWithPanel(t, cfg, panel, m.Name)
			s := getState(t, url)
			if s.Panel.OK || !strings.Contains(s.Panel.Fault, "panel fault: "+m.Name+" does not answer") {
				t.Errorf("/api/state panel of an unpowered panel: %+v", s.Panel)
			}
			if !strings.Contains(s.Summary, "panel fault") {
				t.Errorf("status line %q does not say the panel is faulty", s.Summary)
			}
		})
	}
}

// The fleet status says so too: the operator's board lists the kiosk's
// panel as faulty.
func TestDeadPanelInFleetStatus(t *testing.T) {
	b := fleettest.Start(t, fleettest.Opts{Anonymous: true})
	watch := fleettest.MustDial(t, b.Addr, fleettest.DialOpts{ClientID: "board", Subscribe: []string{fleet.AllTopics}})
	cfg := config.Default()
	cfg.Panel.Power = ""
	cfg.Fleet.Enabled, cfg.Fleet.Broker, cfg.Fleet.KioskID = true, b.URL(), "K-PANEL"
	m := epd.Waveshare2in9V2
	_, panel := hat23(t, m, cfg)
	runWithPanel(t, cfg, panel, m.Name)
	watch.Wait(t, 20*time.Second, "a status with the panel at fault", func(ms []fleettest.Msg) bool {
		for _, msg := range ms {
			if d, err := fleet.Decode(msg.Topic, msg.Payload); err == nil && d.Status != nil &&
				!d.Status.Panel.OK && strings.Contains(d.Status.Panel.State, "panel fault: "+m.Name+" does not answer") {
				return true
			}
		}
		return false
	})
}
