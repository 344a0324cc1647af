package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/venuekiosk/venuekiosk/firmware/web"
	"github.com/venuekiosk/venuekiosk/internal/syncbuf"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// kiosk is a kioskd process in simulation mode.
type kiosk struct {
	t      *testing.T
	cmd    *exec.Cmd
	url    string
	input  string // the simulated scanner's input pty
	dir    string
	logMu  sync.Mutex
	log    bytes.Buffer
	exited chan error
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// kioskdBinary builds kioskd once per test run.
func kioskdBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kioskd-e2e")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "kioskd")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

var urlRE = regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+/)`)

// startKiosk starts a simulated kiosk with its own state directory and
// waits until it is ready.
func startKiosk(t testing.TB, dir string, extra ...string) *kiosk {
	t.Helper()
	bin := kioskdBinary(t)
	args := append([]string{"-simulate", "-state-dir", dir, "-listen", "127.0.0.1:0", "-set", "kiosk.log_level=info"}, extra...)
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	k := &kiosk{cmd: cmd, dir: dir, input: filepath.Join(dir, "scanner-input"), exited: make(chan error, 1)}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			k.logMu.Lock()
			k.log.WriteString(line + "\n")
			k.logMu.Unlock()
			if m := urlRE.FindStringSubmatch(line); m != nil {
				k.url = strings.TrimSuffix(m[1], "/")
			}
			if strings.Contains(line, "kiosk ready") {
				ready <- k.url
			}
		}
	}()
	go func() { k.exited <- cmd.Wait() }()
	t.Cleanup(func() { k.stop() })
	select {
	case <-ready:
	case err := <-k.exited:
		t.Fatalf("kioskd exited before ready: %v\n%s", err, k.logs())
	case <-time.After(60 * time.Second):
		t.Fatalf("kioskd not ready after 60s\n%s", k.logs())
	}
	return k
}

func (k *kiosk) logs() string {
	k.logMu.Lock()
	defer k.logMu.Unlock()
	return k.log.String()
}

// stop sends SIGTERM and waits for a clean exit.
func (k *kiosk) stop() error {
	if k.cmd.ProcessState != nil {
		return nil
	}
	k.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-k.exited:
		k.exited <- err
		return err
	case <-time.After(20 * time.Second):
		k.cmd.Process.Kill()
		return fmt.Errorf("kioskd did not stop within 20s")
	}
}

type sample struct{ Name, Payload, Expect, Kind string }

// samples returns the page's sample passes; the door's samples (staff
// cards, category codes, posters) are staffSamples.
func (k *kiosk) samples(t testing.TB) []sample {
	t.Helper()
	var s []sample
	for _, x := range k.allSamples(t) {
		if x.Kind == "" {
			s = append(s, x)
		}
	}
	if len(s) == 0 {
		t.Fatal("no samples")
	}
	return s
}

// staffSamples returns the page's staff cards, category codes and
// posters.
func (k *kiosk) staffSamples(t testing.TB) []sample {
	t.Helper()
	var s []sample
	for _, x := range k.allSamples(t) {
		if x.Kind != "" {
			s = append(s, x)
		}
	}
	if len(s) == 0 {
		t.Fatal("no staff samples")
	}
	return s
}

func (k *kiosk) allSamples(t testing.TB) []sample {
	t.Helper()
	var s []sample
	k.getJSON(t, "/api/samples", &s)
	return s
}

func (k *kiosk) getJSON(t testing.TB, path string, v any) {
	t.Helper()
	res, err := http.Get(k.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

type state struct {
	Summary string `json:"summary"`
	Lights  struct {
		Signal string `json:"signal"`
	} `json:"lights"`
	Recent []struct {
		Seq     uint64 `json:"seq"`
		Verdict string `json:"verdict"`
		Source  string `json:"source"`
		Repeat  bool   `json:"repeat"`
		Reasons []struct{ Code string }
	} `json:"recent"`
	Counters struct {
		Green, Amber, Red, Entries int64
	} `json:"counters"`
	Scanner struct {
		Connected bool `json:"connected"`
	} `json:"scanner"`
}

func (k *kiosk) state(t testing.TB) state {
	var s state
	k.getJSON(t, "/api/state", &s)
	return s
}

// typeIn writes payload, ended by a newline, into the simulated scanner
// as a scanner module would send it.
func (k *kiosk) typeIn(t testing.TB, payload string) {
	t.Helper()
	f, err := os.OpenFile(k.input, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString(payload + "\n")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
}

// scanSerial writes payload into the simulated scanner and waits for the
// verdict with a sequence number above after.
func (k *kiosk) scanSerial(t testing.TB, payload string, after uint64) (verdict string, seq uint64) {
	t.Helper()
	k.typeIn(t, payload)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		s := k.state(t)
		if len(s.Recent) > 0 && s.Recent[0].Seq > after {
			if s.Recent[0].Source != "serial" {
				t.Fatalf("newest verdict came from %s", s.Recent[0].Source)
			}
			return s.Recent[0].Verdict, s.Recent[0].Seq
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no verdict for a serial scan within 20s\n%s", k.logs())
	return "", 0
}

// post sends a POST with the daemon's per-boot token, as kioskctl does.
func (k *kiosk) post(t testing.TB, path, body string) (*http.Response, error) {
	t.Helper()
	tok, err := web.ReadToken(k.dir)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", k.url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set(web.TokenHeader, tok)
	return http.DefaultClient.Do(req)
}

func (k *kiosk) scanWeb(t testing.TB, payload string) map[string]any {
	t.Helper()
	res, err := k.post(t, "/api/scan", payload)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("POST /api/scan: %d %v", res.StatusCode, v)
	}
	return v
}

func TestEndToEndSimulatedKiosk(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs kioskd")
	}
	k := startKiosk(t, t.TempDir())
	ss := k.samples(t)
	want := map[string]int64{}
	var seq uint64
	for _, s := range ss {
		t.Run("serial/"+s.Name, func(t *testing.T) {
			var got string
			got, seq = k.scanSerial(t, s.Payload, seq)
			if got != s.Expect {
				t.Errorf("got %s, want %s", got, s.Expect)
			}
		})
		want[s.Expect]++
	}
	for _, s := range ss {
		t.Run("web/"+s.Name, func(t *testing.T) {
			v := k.scanWeb(t, s.Payload)
			if v["verdict"] != s.Expect {
				t.Errorf("got %v (%v), want %s", v["verdict"], v["reasons"], s.Expect)
			}
		})
	}
	st := k.state(t)
	// The web scans repeat the serial ones within the repeat window: shown,
	// not counted again.
	if st.Counters.Green != want["green"] || st.Counters.Amber != want["amber"] || st.Counters.Red != want["red"] {
		t.Errorf("counters %+v, want green %d amber %d red %d (repeats not counted)", st.Counters, want["green"], want["amber"], want["red"])
	}
	if !st.Scanner.Connected {
		t.Errorf("scanner not connected: %s", st.Summary)
	}
	if err := k.stop(); err != nil {
		t.Errorf("stop: %v\n%s", err, k.logs())
	}
	if !strings.Contains(k.logs(), "kioskd stopped") {
		t.Errorf("no clean stop in the log:\n%s", k.logs())
	}
}

// TestGarbageDoesNotStopTheDaemon feeds binary garbage and an over-long
// frame through the serial path; the daemon keeps running and reads the
// next scan. (Unplugging the device is tested in drivers/scanner through a
// real pty pair.)
func TestGarbageDoesNotStopTheDaemon(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs kioskd")
	}
	k := startKiosk(t, t.TempDir())
	ss := k.samples(t)
	f, err := os.OpenFile(k.input, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("\x00\x01\xff\xfe garbage\n"))
	f.Write(append(bytes.Repeat([]byte("A"), 20<<10), '\n'))
	f.Close()
	got, _ := k.scanSerial(t, ss[0].Payload, 0)
	// The garbage frame was judged red first; wait for the sample.
	deadline := time.Now().Add(10 * time.Second)
	for got != ss[0].Expect && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		if r := k.state(t).Recent; len(r) > 0 {
			got = r[0].Verdict
		}
	}
	if got != ss[0].Expect {
		t.Errorf("after garbage: got %s, want %s\n%s", got, ss[0].Expect, k.logs())
	}
}

func TestBadConfigFailsAtStart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds kioskd")
	}
	bin := kioskdBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "-set", "scanner.baud=12345", "-state-dir", t.TempDir()).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Fatalf("got %v, want exit status 2", err)
	}
	if !strings.Contains(string(out), `scanner.baud = "12345": want a standard rate`) {
		t.Errorf("message %q does not name the key, value and what is expected", out)
	}
}

// TestRelativeStateDir starts the simulator the way `make run` does, with
// a state directory relative to the working directory.
func TestRelativeStateDir(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs kioskd")
	}
	bin := kioskdBinary(t)
	cmd := exec.Command(bin, "-simulate", "-state-dir", "build/sim", "-listen", "127.0.0.1:0")
	cmd.Dir = t.TempDir()
	var out syncbuf.Buffer
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(out.String(), "kiosk ready") {
		if time.Now().After(deadline) || strings.Contains(out.String(), "cannot start") {
			t.Fatalf("not ready:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := os.Stat(filepath.Join(cmd.Dir, "build", "sim", "scanner-input")); err != nil {
		t.Errorf("no scanner input pty under the relative state dir: %v", err)
	}
}
