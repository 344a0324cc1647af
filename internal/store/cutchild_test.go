package store

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cutChildren maps each environment variable that makes the test binary
// a power-cut child (the usual re-exec pattern) to what that child runs,
// on the database the variable names, until it is killed.
var cutChildren = map[string]func(path string){
	crashEnv:    crashChild,
	revCrashEnv: revCrashChild,
}

func TestMain(m *testing.M) {
	for env, child := range cutChildren {
		if p := os.Getenv(env); p != "" {
			child(p)
			os.Exit(1) // unreachable: the child runs until killed
		}
	}
	os.Exit(m.Run())
}

// cutChild re-executes the test binary as the power-cut child that env
// selects (see cutChildren), working on the database at path, and cuts
// its power: it lets the child run for d, then kills it with SIGKILL.
// With ready it first waits for the child to print "ready" (the database
// open); without, the kill may come while the child still opens it. It
// fails the test, naming the round, if the child does not start, does not
// say ready, or ends by itself before the kill; it skips the test where
// the binary cannot re-execute itself.
func cutChild(t *testing.T, round int, env, path string, ready bool, d time.Duration) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env+"="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		if errors.Is(err, syscall.ENOEXEC) {
			// Under qemu-user (make cross-test) without binfmt_misc the
			// test binary cannot start itself.
			t.Skipf("cannot re-execute the test binary (%v): no crash test under this emulator", err)
		}
		t.Fatal(err)
	}
	if ready {
		line, _ := bufio.NewReader(out).ReadString('\n')
		if line != "ready\n" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("round %d: child said %q; stderr: %s", round, line, stderr.String())
		}
	}
	time.Sleep(d)
	cmd.Process.Signal(syscall.SIGKILL)
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("round %d: child ended by itself (%v); stderr: %s", round, err, stderr.String())
	}
}
