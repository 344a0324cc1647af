package client

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestConditionalRequests: with a static server that honours conditional
// requests, a kiosk that has the current timestamp gets a 304 and fetches
// nothing else.
func TestConditionalRequests(t *testing.T) {
	a := newAuthority(t, 1, 1)
	a.publish(dataset(testIDs(1, 10)))
	m := newMirror(t)
	m.conditional = true
	copyDir(t, a.dir, filepath.Join(m.dir, "repo"))
	k := newKiosk(t, a, m.srv.URL+"/repo")
	k.sync()
	m.log()
	r := k.sync()
	paths, hdrs := m.log()
	if len(paths) != 2 || !strings.HasSuffix(paths[0], "/2.root.json") || !strings.HasSuffix(paths[1], "/timestamp.json") {
		t.Fatalf("requests %q; want the next root and the timestamp", paths)
	}
	if hdrs[1].Get("If-Modified-Since") == "" {
		t.Errorf("timestamp request without If-Modified-Since: %v", hdrs[1])
	}
	if r.New || r.Downloaded != 0 {
		t.Errorf("sync with nothing new: %+v", r)
	}
	// A new timestamp is fetched (its file time moved on).
	a.clk.Advance(time.Minute)
	if _, err := a.pub.RefreshTimestamp(); err != nil {
		t.Fatal(err)
	}
	copyDir(t, a.dir, filepath.Join(m.dir, "repo"))
	if r := k.sync(); !r.New || !r.Refreshed {
		t.Errorf("sync after a new timestamp: %+v", r)
	}
}

func TestDirSourceStaysInside(t *testing.T) {
	base := t.TempDir()
	repoDir := filepath.Join(base, "repo")
	os.MkdirAll(repoDir, 0o755)
	os.WriteFile(filepath.Join(base, "secret"), []byte("x"), 0o644)
	os.Symlink(filepath.Join(base, "secret"), filepath.Join(repoDir, "link.json"))
	os.WriteFile(filepath.Join(repoDir, "big.json"), make([]byte, 100), 0o644)
	os.Mkdir(filepath.Join(repoDir, "dir.json"), 0o755)
	src, err := newDirSource(repoDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		want string
	}{
		{"../secret", "escapes"},
		{"link.json", "escapes"},
		{"big.json", "at most"},
		{"dir.json", "not a regular file"},
		{"missing.json", "not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc, _, err := src.fetch(context.Background(), tc.name, 10, nil)
			if err == nil {
				rc.Close()
				t.Errorf("fetch(%s) succeeded", tc.name)
				return
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("fetch(%s): %v; want it to mention %q", tc.name, err, tc.want)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	rc, _, err := src.fetch(ctx, "big.json", 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	cancel()
	if _, err := io.ReadAll(rc); !errors.Is(err, context.Canceled) {
		t.Errorf("read after cancel: %v", err)
	}
}

func TestNewRefuses(t *testing.T) {
	a := newAuthority(t, 1, 1)
	st := newKiosk(t, a, "").st
	good := Opts{Source: a.dir, Root: a.rootRaw, Dir: t.TempDir(), Store: st}
	for _, tc := range []struct {
		name string
		mod  func(o *Opts)
		want string
	}{
		{"relative dir", func(o *Opts) { o.Source = "repo" }, "absolute"},
		{"ftp", func(o *Opts) { o.Source = "ftp://example.com/repo" }, "https"},
		{"remote file URL", func(o *Opts) { o.Source = "file://host/repo" }, "local path"},
		{"credentials", func(o *Opts) { o.Source = "https://u:p@example.com/repo" }, "credentials"},
		{"query", func(o *Opts) { o.Source = "https://example.com/repo?x=1" }, "query"},
		{"no root", func(o *Opts) { o.Root = nil }, "initial root"},
		{"garbage root", func(o *Opts) { o.Root = []byte("{}") }, "initial root"},
		{"root not signed", func(o *Opts) { o.Root = []byte(strings.Replace(string(a.rootRaw), `"sig": "`, `"sig": "00`, 1)) }, "signatures"},
		{"no store", func(o *Opts) { o.Store = nil }, "store"},
		{"no dir", func(o *Opts) { o.Dir = "" }, "directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := good
			tc.mod(&o)
			if _, err := New(o); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: New: %v; want an error mentioning %q", tc.name, err, tc.want)
			}
		})
	}
	for _, s := range []string{a.dir, "file://" + a.dir, "file://localhost" + a.dir, "https://example.com/repo/", "http://127.0.0.1:8080"} {
		o := good
		o.Source = s
		if _, err := New(o); err != nil {
			t.Errorf("New(%s): %v", s, err)
		}
	}
}

// TestHTTPEncoding: metadata may come gzip-compressed (asked for with
// Accept-Encoding: gzip) and is bounded after decompression, so a
// decompression bomb is refused; data files are asked for as they are and
// any other encoding is refused.
func TestHTTPEncoding(t *testing.T) {
	gz := func(b []byte) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(b)
		zw.Close()
		return buf.Bytes()
	}
	for _, tc := range []struct {
		name string
		path string // the request answered with enc and body(file)
		enc  string
		body func(file []byte) []byte
		want string // "": the sync succeeds
		too  bool   // want a *TooLargeError
	}{
		{name: "gzip metadata", path: "timestamp.json", enc: "gzip", body: gz},
		{name: "gzip targets metadata", path: ".targets.json", enc: "gzip", body: gz},
		{name: "gzip data file", path: ".full.bin", enc: "gzip", body: gz, want: "Content-Encoding"},
		{name: "brotli metadata", path: "timestamp.json", enc: "br", body: func(b []byte) []byte { return b }, want: "Content-Encoding"},
		{name: "corrupt gzip", path: "timestamp.json", enc: "gzip", body: func(b []byte) []byte { return []byte{0x1f, 0x8b, 8, 0, 0} }, want: "gzip"},
		{name: "decompression bomb", path: "timestamp.json", enc: "gzip", body: func(b []byte) []byte {
			return gz(bytes.Repeat([]byte(" "), 8<<20)) // 8 MiB of spaces: 8 KiB compressed
		}, too: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuthority(t, 1, 1)
			a.publish(dataset(testIDs(1, 10)))
			m := newMirror(t)
			copyDir(t, a.dir, filepath.Join(m.dir, "repo"))
			m.set(func(w http.ResponseWriter, r *http.Request) bool {
				ae := r.Header.Get("Accept-Encoding")
				if strings.HasSuffix(r.URL.Path, ".json") && !strings.Contains(r.URL.Path, "/targets/") {
					if ae != "gzip" {
						t.Errorf("%s: Accept-Encoding %q, want gzip", r.URL.Path, ae)
					}
				} else if ae != "identity" {
					t.Errorf("%s: Accept-Encoding %q, want identity", r.URL.Path, ae)
				}
				if !strings.HasSuffix(r.URL.Path, tc.path) {
					return false
				}
				file, err := os.ReadFile(filepath.Join(m.dir, filepath.FromSlash(r.URL.Path)))
				if err != nil {
					t.Fatal(err)
				}
				w.Header().Set("Content-Encoding", tc.enc)
				w.Write(tc.body(file))
				return true
			})
			k := newKiosk(t, a, m.srv.URL+"/repo")
			_, err := k.cl.Sync(context.Background())
			var tl *TooLargeError
			switch {
			case tc.too:
				if !errors.As(err, &tl) {
					t.Errorf("Sync: %v; want a *TooLargeError", err)
				}
			case tc.want == "":
				if err != nil {
					t.Errorf("Sync: %v", err)
				} else if k.version("revocations") != 1 {
					t.Error("nothing applied")
				}
			case err == nil || !strings.Contains(err.Error(), tc.want):
				t.Errorf("Sync: %v; want an error mentioning %q", err, tc.want)
			}
			if tc.want != "" || tc.too {
				if k.version("revocations") != 0 {
					t.Error("a failed sync applied data")
				}
			}
		})
	}
}

func TestStallReader(t *testing.T) {
	pr, pw := io.Pipe()
	s := newStallReader(pr, 400*time.Millisecond)
	defer s.Close()
	go func() {
		for range 5 {
			pw.Write([]byte("x"))
			time.Sleep(10 * time.Millisecond)
		}
		// then silence
	}()
	b, err := io.ReadAll(s)
	var se *StallError
	if !errors.As(err, &se) {
		t.Fatalf("ReadAll: %v; want a *StallError", err)
	}
	if string(b) != "xxxxx" {
		t.Errorf("read %q before the stall, want xxxxx", b)
	}
}
