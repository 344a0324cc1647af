package client

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/internal/store"
	"github.com/venuekiosk/venuekiosk/sync/publish"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// nginxBinary finds Debian's nginx (package nginx; it lives in /usr/sbin,
// which may not be on a user's PATH).
func nginxBinary(t testing.TB) string {
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	t.Skip("nginx not installed (Debian package nginx; make test installs it): no test against a real static server")
	return ""
}

// nginxSite is the repository's example site configuration
// (sync/publish/nginx/venuekiosk.conf) listening on 127.0.0.1:port and
// serving root: only its listen and root lines are changed.
func nginxSite(t testing.TB, root string, port int) string {
	t.Helper()
	site := publish.NginxSite
	for _, r := range []struct{ old, new string }{
		{"    listen 80;\n", fmt.Sprintf("    listen 127.0.0.1:%d;\n", port)},
		{"    listen [::]:80;\n", ""},
		{"    root /srv/venuekiosk/repo;\n", fmt.Sprintf("    root %s;\n", root)},
	} {
		if strings.Count(site, r.old) != 1 {
			t.Fatalf("the example nginx site has %d lines %q; want one", strings.Count(site, r.old), strings.TrimSpace(r.old))
		}
		site = strings.Replace(site, r.old, r.new, 1)
	}
	return site
}

// nginxServer is Debian's nginx with its own configuration, pid file, logs
// and temporary paths, serving the example site on a loopback port.
type nginxServer struct {
	t      testing.TB
	bin    string
	prefix string
	url    string
	http   string // extra directives for the http block
	cmd    *exec.Cmd
	exited chan error
}

// startNginx serves root with the example site on a loopback port and
// returns the base URL.
func startNginx(t testing.TB, root string) string {
	return newNginx(t, root, "").url
}

// newNginx starts nginx serving root; extra goes into the http block. It is
// stopped when the test ends.
func newNginx(t testing.TB, root, extra string) *nginxServer {
	n := &nginxServer{t: t, bin: nginxBinary(t), prefix: t.TempDir(), http: extra}
	for attempt := 0; ; attempt++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		user := ""
		if os.Geteuid() == 0 {
			user = "user root;" // workers would otherwise run as nobody, who cannot read the test's 0700 directories
		}
		log := fmt.Sprintf("access_log %s/access.log;", n.prefix)
		if strings.Contains(extra, "access_log") {
			log = ""
		}
		conf := filepath.Join(n.prefix, "nginx.conf")
		err = os.WriteFile(conf, []byte(fmt.Sprintf(`%s
daemon off;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log;
events { worker_connections 4096; }
http {
	%[4]s
	client_body_temp_path %[2]s/body;
	proxy_temp_path %[2]s/proxy;
	fastcgi_temp_path %[2]s/fastcgi;
	uwsgi_temp_path %[2]s/uwsgi;
	scgi_temp_path %[2]s/scgi;
	%[3]s
	include %[2]s/site.conf;
}
`, user, n.prefix, extra, log)), 0o644)
		if err == nil {
			err = os.WriteFile(filepath.Join(n.prefix, "site.conf"), []byte(nginxSite(t, root, port)), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
		n.url = fmt.Sprintf("http://127.0.0.1:%d", port)
		switch err := n.start(); {
		case err == nil:
			t.Cleanup(n.stop)
			return n
		case attempt < 3 && strings.Contains(err.Error(), "Address already in use"):
		default:
			t.Fatal(err)
		}
	}
}

// start runs nginx and waits until it answers.
func (n *nginxServer) start() error {
	cmd := exec.Command(n.bin, "-e", filepath.Join(n.prefix, "error.log"), "-p", n.prefix, "-c", filepath.Join(n.prefix, "nginx.conf"))
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			log, _ := os.ReadFile(filepath.Join(n.prefix, "error.log"))
			return fmt.Errorf("nginx exited: %v\n%s\n%s", err, out.String(), log)
		default:
		}
		if res, err := http.Get(n.url + "/"); err == nil {
			res.Body.Close()
			n.cmd, n.exited = cmd, exited
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Kill()
	<-exited
	return fmt.Errorf("nginx did not answer on %s\n%s", n.url, out.String())
}

// stop ends nginx (a graceful stop, then a kill); a stopped server stays
// stopped.
func (n *nginxServer) stop() {
	if n.cmd == nil {
		return
	}
	n.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-n.exited:
	case <-time.After(5 * time.Second):
		n.cmd.Process.Kill()
		<-n.exited
	}
	n.cmd = nil
}

// TestNginx: the publisher's output served by nginx; a kiosk (sync client
// and store, with the verifier reading the store) syncs it. A newly
// revoked sample turns red, a new amber code turns a pass amber, a code
// whose validity ended stops applying, stale data turns green passes amber
// and a new timestamp over unchanged data makes them green again.
func TestNginx(t *testing.T) {
	a := newAuthority(t, 2, 2)
	www := filepath.Dir(a.dir) // served root; the repository is at /repo
	url := startNginx(t, www) + "/" + filepath.Base(a.dir)

	set, err := samples.Make(t0)
	if err != nil {
		t.Fatal(err)
	}
	in := publish.Inputs{Trust: set.Trust, Policy: policy.DefaultJSON(), Revocations: set.Revocations, Codes: set.Codes}
	a.publish(in)
	k := newKiosk(t, a, url)
	r := k.sync()
	if len(r.Applied) != 4 {
		t.Fatalf("first sync through nginx applied %+v; want trust, policy, revocations and codes", r.Applied)
	}
	eng := &verify.Engine{Formats: verify.Formats(), Trust: k.st, Revocations: k.st, Codes: k.st, Freshness: k.st, Policy: policy.Default()}
	at := t0.Add(time.Hour)
	byName := map[string]samples.Sample{}
	ids := map[string]pass.ID{}
	for _, s := range set.Samples {
		v := eng.Verify(s.Payload, at)
		if got := v.Status.String(); got != s.Expect {
			t.Errorf("%s: %s (%v), want %s", s.Name, got, v.Reasons, s.Expect)
		}
		byName[s.Name] = s
		ids[s.Name] = v.PassID
	}
	judge := func(name string, at time.Time) *verify.Verdict { return eng.Verify(byName[name].Payload, at) }

	// Nothing new: nginx answers the conditional request with 304.
	if r := k.sync(); r.New || r.Downloaded != 0 {
		t.Errorf("sync with nothing new read %d bytes (new %v); want a 304", r.Downloaded, r.New)
	}

	const (
		revokeMe = "EU certificate, vaccinated"
		amberMe  = "EU certificate, negative test"
		codeEnds = "SMART Health Card, vaccinated"
	)
	for _, n := range []string{revokeMe, amberMe, codeEnds} {
		if ids[n].IsZero() || judge(n, at).Status != verify.Green {
			t.Fatalf("%s is not a green, identified pass to start with", n)
		}
	}
	a.clk.Advance(time.Hour)
	in.Revocations = append(in.Revocations, ids[revokeMe])
	in.Codes = append(in.Codes,
		store.CodeEntry{ID: ids[amberMe], Code: pass.AmberCode, ValidFrom: t0},
		store.CodeEntry{ID: ids[codeEnds], Code: pass.RedCode, ValidFrom: t0, ValidUntil: t0.Add(5 * time.Hour)})
	a.publish(in)
	r = k.sync()
	if c := revChange(t, r); c.Via != repo.KindDelta || c.Entries != 1 {
		t.Errorf("revocations came as %+v; want a delta of one", c)
	}
	at = t0.Add(2 * time.Hour)
	for _, tc := range []struct {
		name string
		at   time.Time
		want verify.Status
		code pass.Code
	}{
		{revokeMe, at, verify.Red, pass.Revoked},
		{amberMe, at, verify.Amber, pass.AmberCode},
		{codeEnds, at, verify.Red, pass.RedCode},
		{codeEnds, t0.Add(5 * time.Hour), verify.Green, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := judge(tc.name, tc.at)
			if v.Status != tc.want || (tc.code != "" && !v.Has(tc.code)) || (tc.code == "" && len(v.Reasons) > 0) {
				t.Errorf("%s at %s: %s %v, want %s %q", tc.name, tc.at.Format(time.Kitchen), v.Status, v.Reasons, tc.want, tc.code)
			}
		})
	}

	// Three days on with no new timestamp: the data is stale and the
	// repository's timestamp expired.
	a.clk.Advance(80 * time.Hour)
	later := a.clk.Now()
	if v := judge(amberMe, later); v.Status == verify.Green {
		t.Fatalf("judged green with stale data")
	}
	if v := judge(codeEnds, later); v.Status != verify.Amber || !v.Has(pass.StaleData) {
		t.Errorf("with stale data: %s %v, want amber %q", v.Status, v.Reasons, pass.StaleData)
	}
	if _, err := k.cl.Sync(context.Background()); err == nil {
		t.Error("synced an expired timestamp")
	}
	// A new timestamp over the same data: fresh again.
	if _, err := a.pub.RefreshTimestamp(); err != nil {
		t.Fatal(err)
	}
	if r := k.sync(); !r.Refreshed || len(r.Applied) != 0 {
		t.Errorf("sync after the new timestamp: %+v; want refreshed, nothing applied", r)
	}
	if v := judge(codeEnds, later); v.Status != verify.Green {
		t.Errorf("after the new timestamp: %s %v, want green", v.Status, v.Reasons)
	}
}

// TestNginxCacheHeaders: the example site gives every file of a
// repository the Cache-Control publish.CacheControl names for it —
// immutable for consistent-snapshot names, a minute for timestamp.json,
// root.json and a missing file — and still answers conditional requests
// (If-None-Match, If-Modified-Since) with 304 and the same header.
func TestNginxCacheHeaders(t *testing.T) {
	a := newAuthority(t, 1, 1)
	a.publish(dataset(testIDs(1, 10)))
	a.clk.Advance(time.Minute)
	a.publish(dataset(testIDs(1, 12))) // a revocation delta
	a.clk.Advance(time.Minute)
	if _, err := a.pub.RefreshTimestamp(); err != nil {
		t.Fatal(err)
	}
	base := startNginx(t, filepath.Dir(a.dir)) + "/" + filepath.Base(a.dir) + "/"

	get := func(name string, hdr ...string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, base+name, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	kinds := map[string]int{}
	err := filepath.WalkDir(a.dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		rel, _ := filepath.Rel(a.dir, p)
		name := filepath.ToSlash(rel)
		want := publish.CacheControl(name)
		kinds[want]++
		res := get(name)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s", name, res.Status)
		}
		if got := res.Header.Get("Cache-Control"); got != want {
			t.Errorf("GET %s: Cache-Control %q, want %q", name, got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if kinds[publish.CacheImmutable] < 6 || kinds[publish.CacheShort] != 2 {
		t.Errorf("files by Cache-Control %v; want timestamp.json and root.json short, the rest (at least 6) immutable", kinds)
	}
	for _, tc := range []struct{ name, want string }{
		{"timestamp.json", publish.CacheShort},
		{"root.json", publish.CacheShort},
		{"1.root.json", publish.CacheImmutable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := publish.CacheControl(tc.name); got != tc.want {
				t.Errorf("CacheControl(%s) = %q, want %q", tc.name, got, tc.want)
			}
		})
	}

	// A missing file: the next root, a floor reset: 404 for a minute.
	for _, name := range []string{"2.root.json", "floor-reset.json", "targets/" + strings.Repeat("0", 64) + ".policy.json"} {
		res := get(name)
		if res.StatusCode != http.StatusNotFound || res.Header.Get("Cache-Control") != publish.CacheShort {
			t.Errorf("GET %s (missing): %s, Cache-Control %q; want 404, %q", name, res.Status, res.Header.Get("Cache-Control"), publish.CacheShort)
		}
	}

	// Conditional requests, for a file that changes in place and for an
	// immutable one.
	snap := fmt.Sprintf("%d.snapshot.json", a.pub.Timestamp().Meta["snapshot.json"].Version)
	for _, name := range []string{"timestamp.json", snap} {
		first := get(name)
		etag, lm := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
		if etag == "" || lm == "" {
			t.Fatalf("GET %s: ETag %q, Last-Modified %q; want both", name, etag, lm)
		}
		for _, tc := range []struct {
			hdr    []string
			status int
		}{
			{[]string{"If-None-Match", etag}, http.StatusNotModified},
			{[]string{"If-Modified-Since", lm}, http.StatusNotModified},
			{[]string{"If-None-Match", etag, "If-Modified-Since", lm}, http.StatusNotModified},
			{[]string{"If-None-Match", `"0-0"`}, http.StatusOK},
			{[]string{"If-Modified-Since", "Mon, 02 Jan 2006 15:04:05 GMT"}, http.StatusOK},
		} {
			t.Run(fmt.Sprint(tc.hdr), func(t *testing.T) {
				res := get(name, tc.hdr...)
				if res.StatusCode != tc.status {
					t.Errorf("GET %s with %q: %s, want %d", name, tc.hdr, res.Status, tc.status)
				}
				if got, want := res.Header.Get("Cache-Control"), publish.CacheControl(name); got != want {
					t.Errorf("GET %s with %q: Cache-Control %q, want %q", name, tc.hdr, got, want)
				}
			})
		}
	}
	// Metadata goes gzip-compressed to a client that asks, with the same
	// header, and a conditional request with its (weak) ETag still gets a
	// 304; data files go as they are.
	tgt := fmt.Sprintf("%d.targets.json", a.pub.Targets().Version)
	var full string
	for name, tf := range a.pub.Targets().Targets {
		if name == publish.FullTarget {
			full = "targets/revocations/" + tf.Hashes["sha256"] + ".full.bin"
		}
	}
	for _, tc := range []struct {
		name, enc string
	}{
		{"timestamp.json", "gzip"},
		{tgt, "gzip"},
		{full, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := get(tc.name, "Accept-Encoding", "gzip")
			if got := res.Header.Get("Content-Encoding"); res.StatusCode != http.StatusOK || got != tc.enc {
				t.Errorf("GET %s accepting gzip: %s, Content-Encoding %q; want 200, %q", tc.name, res.Status, got, tc.enc)
			}
			if got, want := res.Header.Get("Cache-Control"), publish.CacheControl(tc.name); got != want {
				t.Errorf("GET %s accepting gzip: Cache-Control %q, want %q", tc.name, got, want)
			}
			if tc.enc == "" {
				return
			}
			if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("GET %s accepting gzip: Vary %q; want Accept-Encoding (caches keep both forms)", tc.name, res.Header.Get("Vary"))
			}
			if res := get(tc.name, "Accept-Encoding", "gzip", "If-None-Match", res.Header.Get("ETag")); res.StatusCode != http.StatusNotModified {
				t.Errorf("GET %s accepting gzip, If-None-Match: %s, want 304", tc.name, res.Status)
			}
			if res := get(tc.name, "Accept-Encoding", "identity"); res.Header.Get("Content-Encoding") != "" {
				t.Errorf("GET %s accepting identity: Content-Encoding %q", tc.name, res.Header.Get("Content-Encoding"))
			}
		})
	}

	// Anything but GET (and HEAD) is refused, and not cached.
	res, err := http.Post(base+"timestamp.json", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusOK || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("POST: %s, Cache-Control %q; want a refusal with no-store", res.Status, res.Header.Get("Cache-Control"))
	}
}
