package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestSimScan(t *testing.T) {
	var sent []string
	sim := &SimScanner{
		Profiles: func() []ScanProfile { return []ScanProfile{{Name: "crlf", Label: "CRLF"}} },
		Scan: func(p string, b []byte) error {
			if p != "crlf" {
				return errors.New("no such profile")
			}
			sent = append(sent, p+":"+string(b))
			return nil
		},
	}
	for _, tt := range []struct {
		name    string
		sim     *SimScanner
		method  string
		path    string
		body    string
		origin  string
		noToken bool
		code    int
		wantOut string
	}{
		{"profiles", sim, "GET", "/api/scanner/profiles", "", "", false, 200, `"name":"crlf"`},
		{"scan", sim, "POST", "/api/scanner/scan?profile=crlf", "HC1:X", "", false, 202, `"sent":true`},
		{"unknown profile", sim, "POST", "/api/scanner/scan?profile=x", "HC1:X", "", false, 400, "no such profile"},
		{"empty", sim, "POST", "/api/scanner/scan?profile=crlf", "", "", false, 400, "POST a payload"},
		{"cross-origin", sim, "POST", "/api/scanner/scan?profile=crlf", "HC1:X", "http://evil.example", false, 403, "cross-origin"},
		{"no token", sim, "POST", "/api/scanner/scan?profile=crlf", "HC1:X", "", true, 403, "token"},
		{"not simulated: profiles", nil, "GET", "/api/scanner/profiles", "", "", false, 404, "no simulated scanner"},
		{"not simulated: scan", nil, "POST", "/api/scanner/scan?profile=crlf", "HC1:X", "", false, 404, "no simulated scanner"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(New(Opts{SimScan: tt.sim, Token: testToken}))
			defer ts.Close()
			req, _ := http.NewRequest(tt.method, ts.URL+tt.path, strings.NewReader(tt.body))
			if !tt.noToken {
				req.Header.Set(TokenHeader, testToken)
			}
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var b strings.Builder
			buf := make([]byte, 4096)
			n, _ := res.Body.Read(buf)
			b.Write(buf[:n])
			if res.StatusCode != tt.code || !strings.Contains(b.String(), tt.wantOut) {
				t.Errorf("got %d %s, want %d containing %q", res.StatusCode, b.String(), tt.code, tt.wantOut)
			}
		})
	}
	if len(sent) != 1 || sent[0] != "crlf:HC1:X" {
		t.Errorf("sent %q, want one crlf scan", sent)
	}
}
