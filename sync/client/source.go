package client

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// source fetches the repository's files by their path in the repository.
type source interface {
	// fetch opens name. It fails with *TooLargeError when the source already
	// knows the file is larger than max, with errNotFound when it does not
	// exist and errNotModified when cond still matches. The reader must be
	// closed; it may yield more than max bytes (the caller bounds it).
	fetch(ctx context.Context, name string, max int64, cond *validators) (io.ReadCloser, *validators, error)
	String() string
}

// validators are an HTTP response's cache validators, for conditional
// requests of timestamp.json.
type validators struct {
	etag, lastModified string
}

var (
	errNotFound    = errors.New("not found")
	errNotModified = errors.New("not modified")
)

// newSource picks the source for s: an http(s) URL, a file:// URL or an
// absolute directory.
func newSource(s string, o *Opts) (source, error) {
	switch {
	case strings.HasPrefix(s, "https://"), strings.HasPrefix(s, "http://"):
		u, err := url.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("sync source %q: %w", s, err)
		}
		if u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("sync source %q: want a base URL without credentials, query or fragment", s)
		}
		u.Path = strings.TrimSuffix(u.Path, "/")
		return &httpSource{base: u, client: o.HTTPClient, ua: o.UserAgent, stall: o.StallTimeout}, nil
	case strings.HasPrefix(s, "file://"):
		u, err := url.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("sync source %q: %w", s, err)
		}
		if u.Host != "" && u.Host != "localhost" {
			return nil, fmt.Errorf("sync source %q: a file URL must name a local path (file:///…)", s)
		}
		return newDirSource(u.Path)
	case filepath.IsAbs(s):
		return newDirSource(s)
	}
	return nil, fmt.Errorf("sync source %q: want an https:// or file:// URL or an absolute directory", s)
}

// dirSource reads a repository directory: a technician's USB stick, or the
// simulator's repository. Paths cannot leave the directory (os.Root).
type dirSource struct {
	dir string
}

func newDirSource(dir string) (*dirSource, error) {
	if !filepath.IsAbs(dir) {
		return nil, fmt.Errorf("sync source %q: want an absolute directory", dir)
	}
	return &dirSource{dir: filepath.Clean(dir)}, nil
}

func (d *dirSource) String() string { return d.dir }

func (d *dirSource) fetch(ctx context.Context, name string, max int64, _ *validators) (io.ReadCloser, *validators, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	root, err := os.OpenRoot(d.dir)
	if err != nil {
		return nil, nil, fmt.Errorf("sync source: %w", err)
	}
	defer root.Close()
	// A stick can carry a FIFO or a device named like a metadata file:
	// opening one would wait for a writer for ever. Its type is checked
	// first, and the open does not block (a swap in between is caught by
	// the Stat below).
	p := filepath.FromSlash(name)
	if fi, err := root.Stat(p); err == nil && !fi.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("%s: not a regular file", name)
	}
	f, err := root.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, errNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, fmt.Errorf("%s: not a regular file", name)
	}
	if fi.Size() > max {
		f.Close()
		return nil, nil, &TooLargeError{Name: name, Max: max, Size: fi.Size()}
	}
	return &ctxReader{ctx: ctx, r: f}, nil, nil
}

// ctxReader stops reading when ctx ends (a USB stick pulled mid-read
// returns errors by itself; a cancelled sync should not wait for it).
type ctxReader struct {
	ctx context.Context
	r   io.ReadCloser
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func (c *ctxReader) Close() error { return c.r.Close() }

// httpSource reads a repository served by any static web server, object
// store or CDN.
type httpSource struct {
	base   *url.URL
	client *http.Client
	ua     string
	stall  time.Duration
}

func (h *httpSource) String() string { return h.base.String() }

// defaultHTTPClient bounds every phase of a request; the whole request is
// bounded by its context.
func defaultHTTPClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                  http.ProxyFromEnvironment,
			DialContext:            (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:    10 * time.Second,
			ResponseHeaderTimeout:  15 * time.Second,
			IdleConnTimeout:        60 * time.Second,
			MaxIdleConns:           2,
			MaxResponseHeaderBytes: 64 << 10,
			ForceAttemptHTTP2:      true,
		},
		// The repository is plain files: a redirect is allowed (a CDN may
		// use one) but not to another scheme than https from https.
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("too many redirects")
			}
			if via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
				return errors.New("redirect from https to " + req.URL.Scheme)
			}
			return nil
		},
	}
}

func (h *httpSource) fetch(ctx context.Context, name string, max int64, cond *validators) (io.ReadCloser, *validators, error) {
	u := *h.base
	u.Path = path.Join(h.base.Path, name)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("User-Agent", h.ua)
	// Metadata (the JSON files at the top of the repository) may come
	// gzip-compressed: targets metadata shrinks to a quarter. Its
	// compressed and its decompressed length are both bounded by max, so
	// a decompression bomb stops at the bound. Data files are hashes,
	// which do not compress: they are asked for and accepted as they are.
	meta := isMetadata(name)
	if meta {
		req.Header.Set("Accept-Encoding", "gzip")
	} else {
		req.Header.Set("Accept-Encoding", "identity")
	}
	if cond != nil {
		if cond.etag != "" {
			req.Header.Set("If-None-Match", cond.etag)
		}
		if cond.lastModified != "" {
			req.Header.Set("If-Modified-Since", cond.lastModified)
		}
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("GET %s: %w", u.Redacted(), err)
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotModified:
		resp.Body.Close()
		return nil, nil, errNotModified
	case http.StatusNotFound, http.StatusGone:
		resp.Body.Close()
		return nil, nil, errNotFound
	default:
		resp.Body.Close()
		e := &HTTPError{URL: u.Redacted(), Status: resp.Status}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			e.RetryAfter = retryAfter(resp.Header)
		}
		return nil, nil, e
	}
	enc := resp.Header.Get("Content-Encoding")
	gzipped := meta && strings.EqualFold(enc, "gzip")
	if enc != "" && enc != "identity" && !gzipped {
		resp.Body.Close()
		return nil, nil, fmt.Errorf("GET %s: Content-Encoding %q was not asked for", u.Redacted(), enc)
	}
	// A compressed body may be a little longer than the file (gzip's
	// framing, stored blocks): it is bounded at twice the file's bound.
	wire := max
	if gzipped {
		wire = 2*max + 1024
	}
	if resp.ContentLength > wire {
		resp.Body.Close()
		return nil, nil, &TooLargeError{Name: name, Max: wire, Size: resp.ContentLength}
	}
	v := &validators{etag: resp.Header.Get("ETag"), lastModified: resp.Header.Get("Last-Modified")}
	body := newStallReader(resp.Body, h.stall)
	if !gzipped {
		return body, v, nil
	}
	zr, err := gzip.NewReader(io.LimitReader(body, wire))
	if err != nil {
		body.Close()
		return nil, nil, fmt.Errorf("GET %s: gzip: %w", u.Redacted(), err)
	}
	return &gunzipReader{zr: zr, body: body}, v, nil
}

// isMetadata reports whether name is a metadata file (root, timestamp,
// snapshot, targets, floor reset: the JSON files at the top of the
// repository) rather than a target under targets/.
func isMetadata(name string) bool {
	return !strings.Contains(name, "/") && strings.HasSuffix(name, ".json")
}

// gunzipReader decompresses a response body; the caller bounds what it
// reads from it, the compressed body was bounded when it was opened.
type gunzipReader struct {
	zr   *gzip.Reader
	body io.ReadCloser
}

func (g *gunzipReader) Read(p []byte) (int, error) { return g.zr.Read(p) }

func (g *gunzipReader) Close() error {
	g.zr.Close()
	return g.body.Close()
}

// stallReader fails a read that waits longer than d for data: a server
// that stops sending (or trickles too slowly to fill a read in d) is given
// up on, however long the request's overall budget.
type stallReader struct {
	body  io.ReadCloser
	d     time.Duration
	timer *time.Timer

	mu      sync.Mutex
	stalled bool
}

func newStallReader(body io.ReadCloser, d time.Duration) *stallReader {
	s := &stallReader{body: body, d: d}
	s.timer = time.AfterFunc(d, func() {
		s.mu.Lock()
		s.stalled = true
		s.mu.Unlock()
		body.Close() // unblocks the pending Read
	})
	return s
}

func (s *stallReader) Read(p []byte) (int, error) {
	n, err := s.body.Read(p)
	s.mu.Lock()
	stalled := s.stalled
	s.mu.Unlock()
	if stalled {
		return n, &StallError{After: s.d}
	}
	s.timer.Reset(s.d)
	return n, err
}

func (s *stallReader) Close() error {
	s.timer.Stop()
	return s.body.Close()
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date, taken
// relative to the response's Date (the server's clock, not the kiosk's);
// 0 when there is none or it cannot be read.
func retryAfter(h http.Header) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		return time.Duration(n) * time.Second
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	now, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		now = time.Now()
	}
	return max(at.Sub(now), 0)
}
