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

// TestStaleStaffListRefusesSupervisor: a kiosk whose staff-card revocation
// list was signed 100 hours ago (the default policy allows 72: the network
// was unplugged) refuses a supervisor's card — it may have been revoked
// since — and /api/state says the list is out of date.
func TestStaleStaffListRefusesSupervisor(t *testing.T) {
	set, err := samples.Make(time.Now().Add(-100 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Kiosk.StateDir = t.TempDir()
	cfg.Kiosk.Listen = "127.0.0.1:0"
	cfg.Kiosk.Simulate = true // cards through the API
	cfg.Scanner.Device = ""
	cfg.Venue.ID = "V1"
	cfg.Scan.Policy = "default"
	pub, _ := venueqr.MarshalPublicKey(set.OperatorKey.Public().(ed25519.PublicKey))
	keyFile := filepath.Join(t.TempDir(), "operator.pub")
	os.WriteFile(keyFile, pub, 0o644)
	cfg.Staff.OperatorKeys = []string{keyFile}
	hw := daemon.Hardware{Indicator: &indicatortest.Recorder{}, Seed: func(st *store.Store) error {
		if err := sim.Seed(context.Background(), st, set); err != nil {
			return err
		}
		// The staff list as the last sync left it, 100 hours ago.
		return st.Apply(context.Background(), func(tx *store.Tx) error {
			if _, err := tx.ReplaceStaffRevocations(store.SliceSeq(set.StaffRevocations)); err != nil {
				return err
			}
			return tx.SetDataVersion(store.DataStaffRevocations, set.At.Unix(), "sync", set.At)
		})
	}}
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
	card, _ := set.StaffSample("Staff card: supervisor (opens")
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
	if v.Kind != "staff" || v.Verdict != "" || !v.Refused || !strings.Contains(v.Message, "out of date") {
		t.Errorf("supervisor card with a 100-hour-old staff list: %+v; want a staff reply, refused, out of date", v)
	}
	sres, err := http.Get(url + "/api/state")
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Door struct {
			Open  any  `json:"open"`
			Stale bool `json:"staff_list_stale"`
		} `json:"door"`
	}
	json.NewDecoder(sres.Body).Decode(&st)
	sres.Body.Close()
	if st.Door.Open != nil || !st.Door.Stale {
		t.Errorf("door: open %v, staff_list_stale %v; want closed, stale", st.Door.Open, st.Door.Stale)
	}
}
