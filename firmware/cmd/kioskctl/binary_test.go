package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	ctlOnce sync.Once
	ctlPath string
	ctlErr  error
)

// kioskctlBinary builds kioskctl once per test run.
func kioskctlBinary(t testing.TB) string {
	t.Helper()
	ctlOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kioskctl-bin")
		if err != nil {
			ctlErr = err
			return
		}
		ctlPath = filepath.Join(dir, "kioskctl")
		if out, err := exec.Command("go", "build", "-o", ctlPath, ".").CombinedOutput(); err != nil {
			ctlErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if ctlErr != nil {
		t.Fatal(ctlErr)
	}
	return ctlPath
}

// kioskctlIn runs the built kioskctl binary in the working directory wd
// ("" : a new empty one) and returns its exit status and output.
func kioskctlIn(t testing.TB, wd string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs kioskctl")
	}
	if wd == "" {
		wd = t.TempDir()
	}
	cmd := exec.Command(kioskctlBinary(t), args...)
	cmd.Dir = wd
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return code, out.String(), errOut.String()
}

// deadAddr returns a loopback address where nothing listens (kioskd
// stopped).
func deadAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := ln.Addr().String()
	ln.Close()
	return a
}
