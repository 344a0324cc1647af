package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

type fakeScanner struct{ got []scan.Scan }

func (f *fakeScanner) Scan(ctx context.Context, s scan.Scan) (scan.Result, error) {
	f.got = append(f.got, s)
	v := &verify.Verdict{Status: verify.Green, Format: "dcc", Holder: pass.Holder{Name: "MUSTER, MAX", DOB: "1990-01-01"}}
	if len(s.Payload) > verify.MaxPayload {
		v = &verify.Verdict{Status: verify.Red}
		v.Worsen(verify.Red, pass.TooLarge, "too large")
	}
	return scan.Result{Verdict: v}, nil
}

const testToken = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// post sends a POST with the kiosk's token, as the page and kioskctl do.
func post(t *testing.T, url, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set(TokenHeader, testToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func newServer(t *testing.T) (*httptest.Server, *fakeScanner) {
	fs := &fakeScanner{}
	srv := New(Opts{
		Token:   testToken,
		Scanner: fs,
		State:   func() any { return map[string]any{"lights": map[string]bool{"green": true}} },
		Samples: func() []Sample { return []Sample{{Name: "green DCC", Payload: "HC1:X", Expect: "green"}} },
	})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts, fs
}

func TestScan(t *testing.T) {
	ts, fs := newServer(t)
	res := post(t, ts.URL+"/api/scan", "HC1:ABC\n")
	defer res.Body.Close()
	var got verify.JSON
	if err := json.NewDecoder(res.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || got.Verdict != "green" || got.Holder == nil || got.Holder.Name != "MUSTER, MAX" {
		t.Errorf("got %d %+v", res.StatusCode, got)
	}
	if len(fs.got) != 1 || fs.got[0].Source != scan.Web || fs.got[0].Payload != "HC1:ABC\n" {
		t.Errorf("scanner saw %+v", fs.got)
	}
}

func TestScanErrors(t *testing.T) {
	ts, _ := newServer(t)
	tests := []struct {
		name   string
		body   string
		origin string
		code   int
		want   string
	}{
		{"empty", "", "", 400, "empty body"},
		{"cross origin", "HC1:X", "http://evil.example", 403, "cross-origin"},
		{"too large is judged red", strings.Repeat("A", MaxBody+100), "", 200, `"too_large"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", ts.URL+"/api/scan", strings.NewReader(tt.body))
			req.Header.Set(TokenHeader, testToken)
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.code || !strings.Contains(string(b), tt.want) {
				t.Errorf("got %d %s, want %d containing %q", res.StatusCode, b, tt.code, tt.want)
			}
		})
	}
	res, _ := http.Get(ts.URL + "/api/scan")
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /api/scan: got %d, want 405", res.StatusCode)
	}
}

func TestReadEndpoints(t *testing.T) {
	ts, _ := newServer(t)
	tests := []struct {
		path, ctype, want string
		code              int
	}{
		{"/", "text/html", "<title>venuekiosk</title>", 200},
		{"/api/samples", "application/json", `"expect":"green"`, 200},
		{"/api/state", "application/json", `"green":true`, 200},
		{"/panel.png", "application/json", "no panel", 404},
		{"/nothing", "", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, err := http.Get(ts.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.code || !strings.HasPrefix(res.Header.Get("Content-Type"), tt.ctype) || !strings.Contains(string(b), tt.want) {
				t.Errorf("%s: got %d %q %.80q", tt.path, res.StatusCode, res.Header.Get("Content-Type"), b)
			}
		})
	}
}
