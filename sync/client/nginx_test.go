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
	"github.com/venuekiosk/venuekiosk/firmware/store"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/sync/publish"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// nginxBinary finds Debian's nginx (package nginx; it lives in /usr/sbin,
// which may not be on a user's PATH).
func nginxBinary(t *testing.T) string {
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	t.Skip("nginx not installed (Debian package nginx; make test installs it): no test against a real static server")
	return ""
}

// startNginx serves root on a loopback port with its own configuration,
// pid file, logs and temporary paths, and returns the base URL.
func startNginx(t *testing.T, root string) string {
	bin := nginxBinary(t)
	prefix := t.TempDir()
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;" // workers would otherwise run as nobody, who cannot read the test's 0700 directories
	}
	for attempt := 0; ; attempt++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		conf := filepath.Join(prefix, "nginx.conf")
		err = os.WriteFile(conf, []byte(fmt.Sprintf(`%s
daemon off;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log;
events { worker_connections 64; }
http {
	access_log %[2]s/access.log;
	client_body_temp_path %[2]s/body;
	proxy_temp_path %[2]s/proxy;
	fastcgi_temp_path %[2]s/fastcgi;
	uwsgi_temp_path %[2]s/uwsgi;
	scgi_temp_path %[2]s/scgi;
	types { application/json json; }
	default_type application/octet-stream;
	server {
		listen 127.0.0.1:%[3]d;
		root %[4]s;
		location ~ /timestamp\.json$ { expires 60s; }
		location / { expires 1d; }
	}
}
`, user, prefix, port, root)), 0o644)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "-e", filepath.Join(prefix, "error.log"), "-p", prefix, "-c", conf)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		url := fmt.Sprintf("http://127.0.0.1:%d", port)
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			select {
			case err := <-exited:
				log, _ := os.ReadFile(filepath.Join(prefix, "error.log"))
				if attempt < 3 && strings.Contains(string(log), "Address already in use") {
					goto retry
				}
				t.Fatalf("nginx exited: %v\n%s\n%s", err, out.String(), log)
			default:
			}
			if res, err := http.Get(url + "/"); err == nil {
				res.Body.Close()
				t.Cleanup(func() {
					cmd.Process.Signal(syscall.SIGQUIT)
					select {
					case <-exited:
					case <-time.After(5 * time.Second):
						cmd.Process.Kill()
						<-exited
					}
				})
				return url
			}
			time.Sleep(20 * time.Millisecond)
		}
		cmd.Process.Kill()
		<-exited
		t.Fatalf("nginx did not answer on %s\n%s", url, out.String())
	retry:
	}
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
		v := judge(tc.name, tc.at)
		if v.Status != tc.want || (tc.code != "" && !v.Has(tc.code)) || (tc.code == "" && len(v.Reasons) > 0) {
			t.Errorf("%s at %s: %s %v, want %s %q", tc.name, tc.at.Format(time.Kitchen), v.Status, v.Reasons, tc.want, tc.code)
		}
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
