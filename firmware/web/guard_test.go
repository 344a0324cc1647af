package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// endpoints are every path the server answers, with its method.
var endpoints = []struct{ method, path string }{
	{"GET", "/"}, {"GET", "/api/samples"}, {"GET", "/api/messages"}, {"GET", "/api/state"},
	{"GET", "/panel.png"}, {"POST", "/api/scan"}, {"POST", "/api/selftest"}, {"GET", "/nothing"},
}

func guardedServer(t *testing.T) (*httptest.Server, *fakeScanner, *int) {
	fs := &fakeScanner{}
	selftests := 0
	srv := New(Opts{
		Scanner:  fs,
		Token:    testToken,
		State:    func() any { return map[string]any{} },
		Panel:    func(w io.Writer) error { _, err := w.Write([]byte("png")); return err },
		SelfTest: func(context.Context) any { selftests++; return "buzz" },
		Hosts:    []string{"kiosk-7.lan"},
	})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts, fs, &selftests
}

// TestDNSRebinding: a page of another site whose name resolves to the
// kiosk (Host and Origin both the attacker's) is refused on every
// endpoint, even with the token; so is a foreign Origin with the kiosk's
// Host. Nothing is scanned, nothing buzzes.
func TestDNSRebinding(t *testing.T) {
	ts, fs, selftests := guardedServer(t)
	for _, tc := range []struct {
		name, host, origin string
		code               int
	}{
		{"rebinding", "attacker.example:8080", "http://attacker.example:8080", http.StatusMisdirectedRequest},
		{"foreign host alone", "attacker.example", "", http.StatusMisdirectedRequest},
		{"foreign origin", "127.0.0.1:8080", "http://attacker.example", http.StatusForbidden},
		{"null origin", "localhost:8080", "null", http.StatusForbidden},
		{"origin of another loopback port", "127.0.0.1:8080", "http://127.0.0.1:9999", http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, ep := range endpoints {
				req, _ := http.NewRequest(ep.method, ts.URL+ep.path, strings.NewReader("VKSTAFF:x"))
				req.Host = tc.host
				if tc.origin != "" {
					req.Header.Set("Origin", tc.origin)
				}
				req.Header.Set(TokenHeader, testToken) // even a stolen token does not help
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != tc.code {
					t.Errorf("%s: %s %s: %d %s; want %d", tc.name, ep.method, ep.path, res.StatusCode, b, tc.code)
				}
			}
		})
	}
	if len(fs.got) != 0 || *selftests != 0 {
		t.Errorf("refused requests scanned %d payloads, ran %d self-tests", len(fs.got), *selftests)
	}
}

// TestHostsServed: loopback names and the configured listen host are
// served, with or without a port.
func TestHostsServed(t *testing.T) {
	ts, _, _ := guardedServer(t)
	for _, host := range []string{"127.0.0.1:8080", "localhost", "LOCALHOST:1", "[::1]:8080", "127.0.0.2", "kiosk-7.lan:8080"} {
		req, _ := http.NewRequest("GET", ts.URL+"/api/state", nil)
		req.Host = host
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("Host %s: %d, want 200", host, res.StatusCode)
		}
	}
}

// TestPOSTNeedsToken: curl from a shell on the kiosk (no Origin) needs the
// token as much as a browser; the page carries it.
func TestPOSTNeedsToken(t *testing.T) {
	ts, fs, selftests := guardedServer(t)
	for _, tok := range []string{"", "wrong", strings.Repeat("0", 64)} {
		for _, path := range []string{"/api/scan", "/api/selftest"} {
			req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader("HC1:X"))
			if tok != "" {
				req.Header.Set(TokenHeader, tok)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusForbidden || !strings.Contains(string(b), "token") {
				t.Errorf("POST %s with token %q: %d %s; want 403 naming the token", path, tok, res.StatusCode, b)
			}
		}
	}
	if len(fs.got) != 0 || *selftests != 0 {
		t.Errorf("refused POSTs scanned %d payloads, ran %d self-tests", len(fs.got), *selftests)
	}
	res := post(t, ts.URL+"/api/selftest", "")
	res.Body.Close()
	if res.StatusCode != 200 || *selftests != 1 {
		t.Errorf("POST /api/selftest with the token: %d, %d self-tests", res.StatusCode, *selftests)
	}
	res, _ = http.Get(ts.URL + "/")
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), `const TOKEN = "`+testToken+`"`) || strings.Contains(string(b), tokenPlaceholder) {
		t.Error("the page does not carry the token")
	}
	// A server without a token refuses every POST.
	bare := httptest.NewServer(New(Opts{Scanner: fs}))
	defer bare.Close()
	req, _ := http.NewRequest("POST", bare.URL+"/api/scan", strings.NewReader("HC1:X"))
	req.Header.Set(TokenHeader, "")
	if res, _ := http.DefaultClient.Do(req); res.StatusCode != http.StatusForbidden {
		t.Errorf("POST to a server without a token: %d", res.StatusCode)
	}
}

func TestTokenFile(t *testing.T) {
	dir := t.TempDir()
	tok, err := NewToken(dir)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, TokenFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v; want mode 0600", fi.Mode(), err)
	}
	if got, err := ReadToken(dir); got != tok || err != nil {
		t.Errorf("ReadToken: %q %v; want %q", got, err, tok)
	}
	again, _ := NewToken(dir)
	if again == tok {
		t.Error("a new boot's token is the old one")
	}
	os.WriteFile(filepath.Join(dir, TokenFile), []byte("short\n"), 0o600)
	if _, err := ReadToken(dir); err == nil {
		t.Error("ReadToken of garbage: want an error")
	}
}

func TestLoopback(t *testing.T) {
	for h, want := range map[string]bool{
		"localhost": true, "LocalHost.": true, "127.0.0.1": true, "127.1.2.3": true, "::1": true, "[::1]": true,
		"0.0.0.0": false, "": false, "192.168.1.2": false, "localhost.attacker.example": false, "::": false,
	} {
		if got := Loopback(h); got != want {
			t.Errorf("Loopback(%q) = %v, want %v", h, got, want)
		}
	}
}
