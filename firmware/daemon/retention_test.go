package daemon_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/venuekiosk/venuekiosk/drivers/indicator/indicatortest"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// TestStoredPolicyBeyond31Days: a kiosk whose synced policy (accepted by
// older firmware) keeps visits for 366 days starts, keeps them for 31 at
// most, and says the policy is refused.
func TestStoredPolicyBeyond31Days(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, daemon.DBFile)
	st, err := store.Open(context.Background(), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Apply(context.Background(), func(tx *store.Tx) error { return tx.SetPolicy(policy.DefaultJSON()) }); err != nil {
		t.Fatal(err)
	}
	st.Close()
	// What older firmware stored from a signed policy.
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE policy SET json = replace(json, '"visit_retention_days": 31', '"visit_retention_days": 366')`); err != nil {
		t.Fatal(err)
	}
	var doc string
	raw.QueryRow(`SELECT json FROM policy`).Scan(&doc)
	raw.Close()
	if !strings.Contains(doc, `"visit_retention_days": 366`) {
		t.Fatalf("the stored policy was not changed: %.200s", doc)
	}
	cfg := config.Default()
	cfg.Kiosk.StateDir = dir
	cfg.Kiosk.Listen = "127.0.0.1:0"
	cfg.Scanner.Device = ""
	cfg.Venue.ID = "V1"
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan net.Addr, 1), make(chan error, 1)
	go func() {
		done <- daemon.Run(ctx, cfg, daemon.Hardware{Indicator: &indicatortest.Recorder{}}, func(a net.Addr) { ready <- a })
	}()
	var url string
	select {
	case a := <-ready:
		url = "http://" + a.String()
	case err := <-done:
		t.Fatalf("the kiosk did not start: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("not ready")
	}
	defer func() { cancel(); <-done }()
	res, err := http.Get(url + "/api/state")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Visits struct {
			RetentionDays int `json:"retention_days"`
		} `json:"visits"`
		Kiosk struct {
			Policy string `json:"policy"`
		} `json:"kiosk"`
	}
	json.NewDecoder(res.Body).Decode(&s)
	res.Body.Close()
	if s.Visits.RetentionDays != 31 {
		t.Errorf("visits kept %d days; want 31 at most", s.Visits.RetentionDays)
	}
	if !strings.Contains(s.Kiosk.Policy, "31 days") {
		t.Errorf("policy in force %q: want it to say the synced one is refused", s.Kiosk.Policy)
	}
}
