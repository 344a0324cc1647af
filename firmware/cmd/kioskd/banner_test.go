package main

import (
	"bufio"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/internal/syncbuf"
)

// freeAddr returns a loopback address with a port nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := ln.Addr().String()
	ln.Close()
	return a
}

// make run's banner comes from kioskd once it listens, so it tells the
// address it really serves: here -listen given twice, as `make run
// RUN_FLAGS='-listen …'` passes it after SIM_LISTEN's.
func TestSimBannerTellsTheRealAddress(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs kioskd")
	}
	want := freeAddr(t)
	cmd := exec.Command(kioskdBinary(t), "-simulate", "-state-dir", "build/sim", "-listen", "127.0.0.1:8080", "-listen", want)
	cmd.Dir = t.TempDir()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var logs syncbuf.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var banner []string
	timeout := time.After(60 * time.Second)
	for len(banner) < 2 {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("kioskd's output ended without a banner: %q\n%s", banner, logs.String())
			}
			banner = append(banner, l)
		case <-timeout:
			t.Fatalf("no banner after 60s: %q\n%s", banner, logs.String())
		}
	}
	if got, wantLine := banner[0], "Simulated kiosk ready: open http://"+want+"/"; got != wantLine {
		t.Errorf("banner: got %q, want %q", got, wantLine)
	}
	if input := filepath.Join("build", "sim", "scanner-input"); !strings.Contains(banner[1], "echo 'PAYLOAD' > "+input) {
		t.Errorf("banner does not say how to scan into %s: %q", input, banner[1])
	}
	res, err := http.Get("http://" + want + "/api/state")
	if err != nil {
		t.Fatalf("the banner's address does not answer: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("GET /api/state at the banner's address: %s", res.Status)
	}
}

// make run prints no address of its own (SIM_LISTEN may be overridden by
// RUN_FLAGS): the only address shown is kioskd's.
func TestMakeRunPrintsNoAddressItself(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	cmd := exec.Command("make", "-n", "run", "RUN_FLAGS=-listen 127.0.0.1:9999")
	cmd.Dir = filepath.Join("..", "..", "..")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make -n run: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "-listen 127.0.0.1:8080 -listen 127.0.0.1:9999") {
		t.Errorf("make run does not pass RUN_FLAGS after SIM_LISTEN:\n%s", out)
	}
	if strings.Contains(string(out), "http://127.0.0.1:8080") {
		t.Errorf("make run prints an address kioskd will not serve:\n%s", out)
	}
}

// kioskd --help prints its usage once, on stdout, exit 0; a bad flag the
// error and the usage once on stderr, exit 2.
func TestHelpOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs kioskd")
	}
	for _, tc := range []struct {
		arg          string
		code         int
		toOut, toErr int // usages expected on stdout and stderr
	}{
		{"--help", 0, 1, 0},
		{"-h", 0, 1, 0},
		{"--no-such-flag", 2, 0, 1},
	} {
		cmd := exec.Command(kioskdBinary(t), tc.arg)
		var out, errOut strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tc.code || strings.Count(out.String(), "usage: kioskd") != tc.toOut || strings.Count(errOut.String(), "usage: kioskd") != tc.toErr {
			t.Errorf("kioskd %s: exit %d, usages on stdout %d, on stderr %d; want %d, %d, %d\nstdout:\n%s\nstderr:\n%s",
				tc.arg, code, strings.Count(out.String(), "usage: kioskd"), strings.Count(errOut.String(), "usage: kioskd"), tc.code, tc.toOut, tc.toErr, out.String(), errOut.String())
		}
	}
}
