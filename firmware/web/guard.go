package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// TokenHeader carries the per-boot token every POST needs. The page gets
// it embedded; kioskctl reads it from TokenFile in the state directory.
const TokenHeader = "X-Kiosk-Token"

// TokenFile is the token's file in the state directory (mode 0600,
// written by kioskd at every start).
const TokenFile = "api.token"

// tokenPlaceholder in page.html is replaced with the token.
const tokenPlaceholder = "__KIOSK_TOKEN__"

// NewToken makes a per-boot token (32 random bytes, hex) and writes it to
// dir/TokenFile, mode 0600, replacing the last boot's.
func NewToken(dir string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	tok := hex.EncodeToString(b)
	path := filepath.Join(dir, TokenFile)
	tmp := path + ".tmp"
	os.Remove(tmp)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("api token: %w", err)
	}
	_, err = f.WriteString(tok + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("api token: %w", err)
	}
	return tok, nil
}

// ReadToken reads the running kioskd's token from the state directory.
func ReadToken(dir string) (string, error) {
	f, err := os.Open(filepath.Join(dir, TokenFile))
	if err != nil {
		return "", err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%s: not a regular file", TokenFile)
	}
	b, err := io.ReadAll(io.LimitReader(f, 128))
	if err != nil {
		return "", err
	}
	tok := strings.TrimSpace(string(b))
	if len(tok) != 64 {
		return "", fmt.Errorf("%s: not a token", TokenFile)
	}
	return tok, nil
}

// Loopback reports whether host (a name or address, without a port) is
// this machine: localhost or a loopback address.
func Loopback(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// hostOf returns the host part of a Host header or URL host.
func hostOf(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

// allowedHost reports whether a request's Host (or an Origin's host) names
// the kiosk: loopback, or one of the hosts the server was told it listens
// on.
func (s *Server) allowedHost(hostport string) bool {
	h := strings.ToLower(strings.Trim(hostOf(hostport), "[]"))
	if h == "" {
		return false
	}
	if Loopback(h) {
		return true
	}
	for _, a := range s.opts.Hosts {
		if strings.EqualFold(strings.Trim(a, "[]"), h) {
			return true
		}
	}
	return false
}

// guard refuses what a page of another site could send through a
// browser: a Host that is not the kiosk's (DNS rebinding: the attacker's
// name resolving to 127.0.0.1), an Origin of another site, and POSTs
// without the per-boot token. It answers for every path.
func (s *Server) guard(w http.ResponseWriter, r *http.Request) bool {
	if !s.allowedHost(r.Host) {
		httpError(w, http.StatusMisdirectedRequest, "this kiosk answers only to its own name (localhost or its listen address)")
		return false
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host == "" || !s.allowedHost(u.Host) || !strings.EqualFold(u.Host, r.Host) {
			httpError(w, http.StatusForbidden, "cross-origin requests are refused")
			return false
		}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		tok := r.Header.Get(TokenHeader)
		if s.opts.Token == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(s.opts.Token)) != 1 {
			httpError(w, http.StatusForbidden, "a POST needs the kiosk's token in "+TokenHeader+" (the page has it; kioskctl reads it from the state directory)")
			return false
		}
	}
	return true
}
