package sim_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/firmware/sim"
	"github.com/venuekiosk/venuekiosk/firmware/web"
)

// recentState is the newest verdict of GET /api/state.
type recentState struct {
	Recent []struct {
		Seq     uint64 `json:"seq"`
		Verdict string `json:"verdict"`
		Source  string `json:"source"`
		Reasons []struct {
			Code string `json:"code"`
		} `json:"reasons"`
	} `json:"recent"`
}

func (k *simKiosk) newest() (seq uint64, verdict, reason, source string) {
	k.t.Helper()
	res, err := http.Get(k.url + "/api/state")
	if err != nil {
		k.t.Fatal(err)
	}
	defer res.Body.Close()
	var s recentState
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
		k.t.Fatal(err)
	}
	if len(s.Recent) == 0 {
		return 0, "", "", ""
	}
	r := s.Recent[0]
	if len(r.Reasons) > 0 {
		reason = r.Reasons[0].Code
	}
	return r.Seq, r.Verdict, reason, r.Source
}

// simScan sends payload through the simulated scanner as profile's
// scanner sends it (the page's profile picker) and waits for the verdict.
func (k *simKiosk) simScan(profile, payload string) (verdict, reason string, err error) {
	k.t.Helper()
	before, _, _, _ := k.newest()
	tok, err := web.ReadToken(k.dir) // the page's token, as kioskctl reads it
	if err != nil {
		k.t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", k.url+"/api/scanner/scan?profile="+profile, strings.NewReader(payload))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set(web.TokenHeader, tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		k.t.Fatal(err)
	}
	var body struct{ Error string }
	json.NewDecoder(res.Body).Decode(&body)
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		return "", "", errors.New(body.Error)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		seq, v, r, src := k.newest()
		if seq > before {
			if src != "serial" {
				k.t.Errorf("%s: verdict from source %q, want serial (the scanner driver)", profile, src)
			}
			return v, r, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	k.t.Fatalf("%s: no verdict within 20s", profile)
	return "", "", nil
}

// TestProfilesJudgeSamples scans sample passes under every simulated
// scanner profile, each three times in a row, through the real driver and
// the kiosk's default configuration: every one gets the sample's verdict
// and reason (a Hong Kong record whose Chinese text came through wrong
// would fail its signature, not the policy).
func TestProfilesJudgeSamples(t *testing.T) {
	k := startSim(t)
	byName := map[string]samples.Sample{}
	for _, s := range k.set.Samples {
		byName[s.Name] = s
	}
	names := []string{"EU certificate, vaccinated", "HK Vaccine Pass, 2 doses, the last 9 months ago", "SMART Health Card, vaccinated", "HK Vaccine Pass, 3 doses"}
	for _, p := range sim.Profiles {
		t.Run(p.Name, func(t *testing.T) {
			for round := range 3 {
				for _, n := range names {
					s, ok := byName[n]
					if !ok {
						t.Fatalf("no sample %q", n)
					}
					chinese := strings.Contains(s.Payload, "復必泰")
					want, reason := s.Expect, string(s.Reason)
					switch {
					case p.Name == "gb18030" && chinese:
						// GB18030 bytes read as UTF-8: the kiosk was not told
						// (scanner.charset), and the text is not UTF-8.
						want, reason = "red", "schema"
					case p.Keyboard && chinese:
						if _, _, err := k.simScan(p.Name, s.Payload); err == nil {
							t.Errorf("%s: a keyboard-mode scanner typed Chinese text; want a refusal", n)
						}
						continue
					}
					v, r, err := k.simScan(p.Name, s.Payload)
					if err != nil {
						t.Fatalf("%s: %v", n, err)
					}
					if v != want || reason != "" && r != reason {
						t.Errorf("pass %d, %s: got %s (%s), want %s (%s)", round+1, n, v, r, want, reason)
					}
				}
			}
		})
	}
	if _, _, err := k.simScan("morse", "HC1:X"); err == nil {
		t.Error("an unknown profile: want an error")
	}
}
