package web

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// exitScanner judges every pass as leaving.
type exitScanner struct{}

func (exitScanner) Scan(ctx context.Context, s scan.Scan) (scan.Result, error) {
	v := &verify.Verdict{Status: verify.Red, Format: "dcc", Holder: pass.Holder{Name: "MUSTER, MAX", DOB: "1990-01-01"}}
	v.Worsen(verify.Red, pass.Expired, "expired")
	return scan.Result{Verdict: v, Exit: true}, nil
}

// TestScanExit: the reply to a pass scanned on its way out says so, and
// carries no holder (nobody checks who leaves).
func TestScanExit(t *testing.T) {
	ts := httptest.NewServer(New(Opts{Scanner: exitScanner{}, Token: testToken}))
	defer ts.Close()
	res := post(t, ts.URL+"/api/scan", "HC1:ABC")
	defer res.Body.Close()
	var got map[string]any
	if err := json.NewDecoder(res.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got["exit"] != true || got["verdict"] != "red" || got["format"] != "dcc" {
		t.Errorf("reply %v: want exit true with the verdict's fields", got)
	}
	if _, ok := got["holder"]; ok {
		t.Errorf("reply %v carries the holder", got)
	}
}
