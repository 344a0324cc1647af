package client

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// mirror serves a copy of a repository over HTTP, as a static file server
// would, and lets a test take over any request.
type mirror struct {
	dir string
	srv *httptest.Server

	mu        sync.Mutex
	intercept func(w http.ResponseWriter, r *http.Request) bool
	// conditional makes the mirror answer conditional requests; by default
	// it ignores them, as an attacker would (a static server that honours
	// them answers 304 to a rolled-back file with an older date).
	conditional bool
	requests    []string
	headers     []http.Header
}

func newMirror(t testing.TB) *mirror {
	m := &mirror{dir: t.TempDir()}
	fs := http.FileServer(http.Dir(m.dir))
	m.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		m.requests = append(m.requests, r.URL.Path)
		m.headers = append(m.headers, r.Header.Clone())
		ic, cond := m.intercept, m.conditional
		m.mu.Unlock()
		if !cond {
			r.Header.Del("If-None-Match")
			r.Header.Del("If-Modified-Since")
		}
		if ic != nil && ic(w, r) {
			return
		}
		fs.ServeHTTP(w, r)
	}))
	t.Cleanup(m.srv.Close)
	return m
}

func (m *mirror) set(f func(w http.ResponseWriter, r *http.Request) bool) {
	m.mu.Lock()
	m.intercept = f
	m.mu.Unlock()
}

func (m *mirror) log() ([]string, []http.Header) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, h := m.requests, m.headers
	m.requests, m.headers = nil, nil
	return r, h
}
