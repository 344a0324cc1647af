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

	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/drivers/indicator/indicatortest"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/firmware/sim"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// TestRealKioskRefusesStaffCardsFromAPI: on a kiosk that is not a
// simulation, a photographed supervisor card posted to /api/scan (with
// the API's token, as a local program could) opens nothing; the reply
// says staff cards work only at the scanner.
func TestRealKioskRefusesStaffCardsFromAPI(t *testing.T) {
	set, err := samples.Make(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Kiosk.StateDir = t.TempDir()
	cfg.Kiosk.Listen = "127.0.0.1:0"
	cfg.Scanner.Device = ""
	cfg.Venue.ID = "V1"
	pub, err := venueqr.MarshalPublicKey(set.OperatorKey.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "operator.pub")
	os.WriteFile(keyFile, pub, 0o644)
	cfg.Staff.OperatorKeys = []string{keyFile}
	hw := daemon.Hardware{Indicator: &indicatortest.Recorder{}, Seed: func(st *store.Store) error { return sim.Seed(context.Background(), st, set) }}
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan net.Addr, 1), make(chan error, 1)
	go func() { done <- daemon.Run(ctx, cfg, hw, func(a net.Addr) { ready <- a }) }()
	var url string
	select {
	case a := <-ready:
		url = "http://" + a.String()
	case err := <-done:
		t.Fatalf("daemon: %v", err)
	}
	defer func() { cancel(); <-done }()
	card, ok := set.StaffSample("Staff card: supervisor (opens")
	if !ok {
		t.Fatal("no supervisor card sample")
	}
	req, _ := http.NewRequest("POST", url+"/api/scan", strings.NewReader(card.Payload))
	if tok, err := os.ReadFile(filepath.Join(cfg.Kiosk.StateDir, "api.token")); err == nil {
		req.Header.Set("X-Kiosk-Token", strings.TrimSpace(string(tok)))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Kind, Verdict, Message string
		Refused                bool
	}
	json.NewDecoder(res.Body).Decode(&v)
	res.Body.Close()
	if v.Kind != "staff" || v.Verdict != "" || !v.Refused || !strings.Contains(v.Message, "scanner") {
		t.Errorf("supervisor card through the API: %d %+v; want a staff reply, refused, only at the scanner", res.StatusCode, v)
	}
	sres, err := http.Get(url + "/api/state")
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Door struct {
			Open any `json:"open"`
		} `json:"door"`
	}
	json.NewDecoder(sres.Body).Decode(&st)
	sres.Body.Close()
	if st.Door.Open != nil {
		t.Errorf("entry opened by a card posted to the API: %v", st.Door.Open)
	}
}
