package buildroot

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cmdTimeout bounds every command a test runs.
const cmdTimeout = 5 * time.Minute

// result is what a finished command left behind.
type result struct {
	stdout, stderr string
	code           int // exit status; -1 when it did not run or was killed
}

// runCmd runs name with args in dir, with env added to the test's
// environment. It fails the test only when the command cannot be started
// or times out; a non-zero exit is the caller's to judge.
func runCmd(t *testing.T, dir string, env []string, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case ctx.Err() != nil:
		t.Fatalf("%s %s: timed out after %v\nstderr:\n%s", name, strings.Join(args, " "), cmdTimeout, tail(r.stderr))
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	default:
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return r
}

// leakyVars are environment variables a parent make (make test) or a
// developer's shell may set that would change what the commands under test
// do: make's own flags and jobserver, Buildroot's O= and BR2_EXTERNAL=, the
// targets.mk knobs, and what systemd hands venuekiosk-health.
var leakyVars = map[string]bool{
	"MAKEFLAGS": true, "MFLAGS": true, "MAKELEVEL": true, "MAKEOVERRIDES": true,
	"GNUMAKEFLAGS": true, "O": true, "BR2_EXTERNAL": true, "BR2_CONFIG": true,
	"BOARD": true, "VERSION": true, "RAUC": true, "RAUC_CERT": true, "RAUC_KEY": true,
	"RAUC_KEYRING": true, "RAUC_DEV_DIR": true, "BUNDLE_ROOTFS": true,
	"BUNDLE_OUT": true, "VENUEKIOSK_RAUC_KEYRING": true, "SOURCE_DATE_EPOCH": true,
	"SERVICE_RESULT": true, "EXIT_CODE": true, "EXIT_STATUS": true, "RUNTIME_DIRECTORY": true,
	"VENUEKIOSK_HEALTH_ATTEMPTS": true, "VENUEKIOSK_HEALTH_DELAY": true,
}

// cleanEnv is the test's environment without leakyVars.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !leakyVars[k] {
			env = append(env, kv)
		}
	}
	return env
}

// mustRun is runCmd for commands that must succeed.
func mustRun(t *testing.T, dir string, env []string, name string, args ...string) result {
	t.Helper()
	r := runCmd(t, dir, env, name, args...)
	if r.code != 0 {
		t.Fatalf("%s %s: exit %d\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), r.code, tail(r.stdout), tail(r.stderr))
	}
	return r
}

// tail keeps the end of a long command output for a failure message.
func tail(s string) string {
	const max = 4000
	if len(s) <= max {
		return s
	}
	return "…" + s[len(s)-max:]
}

// needTool skips the test when tool is not on PATH, naming the Debian
// package that provides it.
func needTool(t *testing.T, tool, debianPackage string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		t.Skipf("%s not found: install the Debian package %s", tool, debianPackage)
	}
	return p
}

// repoRoot is the repository root: the parent of this package's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Dir(wd)
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root %s has no go.mod: %v", root, err)
	}
	return root
}

// extDir is the BR2_EXTERNAL tree: this package's directory.
func extDir(t *testing.T) string {
	t.Helper()
	return filepath.Join(repoRoot(t), "buildroot")
}

// readFile returns the content of a file of the repository.
func readFile(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
