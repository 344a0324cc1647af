package web

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// staffScanner answers a staff code for "STAFF…" payloads, a verdict for
// others.
type staffScanner struct{}

func (staffScanner) Scan(ctx context.Context, s scan.Scan) (scan.Result, error) {
	switch s.Payload {
	case "STAFF-ARMED":
		e := scan.DoorEvent{Kind: scan.ExemptArmed, Card: "G-1"}
		return scan.Result{Staff: true, Message: "guard card G-1: scan a category code", Door: &e}, nil
	case "STAFF-REFUSED":
		e := scan.DoorEvent{Kind: scan.CardRefused, Why: scan.WhyForged}
		return scan.Result{Staff: true, Refused: true, Message: "staff card refused (forged): nothing done", Door: &e}, nil
	case "STAFF-GROUP":
		return scan.Result{Staff: true, Message: "group started", Group: &scan.Group{ID: 1}}, nil
	}
	return scan.Result{Verdict: &verify.Verdict{Status: verify.Green, Format: "dcc"}}, nil
}

// TestScanReplyKinds: a staff code's reply is of its own kind — a
// message, no verdict, no format — and a pass's says it is one.
func TestScanReplyKinds(t *testing.T) {
	ts := httptest.NewServer(New(Opts{Scanner: staffScanner{}, Token: testToken}))
	defer ts.Close()
	for _, tc := range []struct {
		payload, kind string
		want          map[string]any
	}{
		{"HC1:X", "pass", map[string]any{"verdict": "green", "format": "dcc"}},
		{"STAFF-ARMED", "staff", map[string]any{"message": "guard card G-1: scan a category code"}},
		{"STAFF-REFUSED", "staff", map[string]any{"refused": true}},
		{"STAFF-GROUP", "staff", map[string]any{"message": "group started"}},
	} {
		t.Run(tc.payload, func(t *testing.T) {
			res := post(t, ts.URL+"/api/scan", tc.payload)
			defer res.Body.Close()
			var got map[string]any
			if err := json.NewDecoder(res.Body).Decode(&got); err != nil {
				t.Fatal(err)
			}
			if got["kind"] != tc.kind {
				t.Errorf("kind %v, want %s: %v", got["kind"], tc.kind, got)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %v, want %v: %v", k, got[k], v, got)
				}
			}
			if tc.kind == "staff" {
				for _, k := range []string{"verdict", "format", "reasons", "holder"} {
					if _, ok := got[k]; ok {
						t.Errorf("a staff reply has %q: %v", k, got)
					}
				}
			}
		})
	}
}
