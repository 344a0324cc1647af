package buildroot

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const healthScript = "buildroot/board/venuekiosk/common/rootfs-overlay/usr/libexec/venuekiosk/venuekiosk-health"

// Stand-ins for the commands venuekiosk-health runs. Each logs its
// arguments to $STUB/calls. kioskctl exits with the codes listed in
// $STUB/selftest, one per call (the last one repeats) and writes
// $STUB/selftest-bytes bytes of output; rauc prints $STUB/status for
// "status --output-format=shell" and exits with $STUB/<verb>-exit.
var healthStubs = map[string]string{
	"kioskctl": `#!/bin/sh
echo "kioskctl $*" >>"$STUB/calls"
n=$(wc -l <"$STUB/calls")
code=$(sed -n "${n}p" "$STUB/selftest")
[ -n "$code" ] || code=$(tail -n 1 "$STUB/selftest")
if [ -s "$STUB/selftest-bytes" ]; then
	head -c "$(cat "$STUB/selftest-bytes")" /dev/zero | tr '\0' 'x' || exit $?
else
	printf '{"ok":%s}\n' "$([ "$code" = 0 ] && echo true || echo false)"
fi
exit "$code"
`,
	"rauc": `#!/bin/sh
echo "rauc $*" >>"$STUB/calls"
case "$*" in
"status --output-format=shell") cat "$STUB/status"; exit "$(cat "$STUB/status-exit" 2>/dev/null || echo 0)" ;;
"status mark-good booted") exit "$(cat "$STUB/mark-good-exit" 2>/dev/null || echo 0)" ;;
"status mark-bad booted") exit "$(cat "$STUB/mark-bad-exit" 2>/dev/null || echo 0)" ;;
esac
echo "rauc stub: unexpected arguments $*" >&2
exit 99
`,
	"systemctl": `#!/bin/sh
echo "systemctl $*" >>"$STUB/calls"
`,
}

// raucStatus is "rauc status --output-format=shell" for two root slots as
// RAUC prints it (every value single-quoted).
func raucStatus(booted string, otherGood bool) string {
	other := map[string]string{"A": "B", "B": "A"}[booted]
	otherStatus := "bad"
	if otherGood {
		otherStatus = "good"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "RAUC_SYSTEM_COMPATIBLE='venuekiosk-rpi4_64'\nRAUC_SYSTEM_VARIANT=''\n")
	fmt.Fprintf(&b, "RAUC_SYSTEM_BOOTED_BOOTNAME='%s'\nRAUC_BOOT_PRIMARY='rootfs.0'\n", booted)
	fmt.Fprintf(&b, "RAUC_SYSTEM_SLOTS='rootfs.1 rootfs.0'\nRAUC_SLOTS='1 2'\n")
	for i, s := range []struct{ name, state, status string }{
		{booted, "booted", "good"},
		{other, "inactive", otherStatus},
	} {
		n := i + 1
		fmt.Fprintf(&b, "RAUC_SLOT_STATE_%d='%s'\nRAUC_SLOT_CLASS_%d='rootfs'\n", n, s.state, n)
		fmt.Fprintf(&b, "RAUC_SLOT_DEVICE_%d='/dev/mmcblk0p%d'\nRAUC_SLOT_TYPE_%d='ext4'\n", n, map[string]int{"A": 2, "B": 3}[s.name], n)
		fmt.Fprintf(&b, "RAUC_SLOT_BOOTNAME_%d='%s'\nRAUC_SLOT_PARENT_%d=''\n", n, s.name, n)
		fmt.Fprintf(&b, "RAUC_SLOT_MOUNTPOINT_%d=''\nRAUC_SLOT_BOOT_STATUS_%d='%s'\n", n, n, s.status)
	}
	return b.String()
}

// healthStubDir makes a directory with the stand-in commands in bin/ and
// the given control files, and returns it.
func healthStubDir(t *testing.T, files map[string]string) string {
	t.Helper()
	stub := t.TempDir()
	bin := filepath.Join(stub, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range healthStubs {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(stub, name), []byte(body+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(stub, "calls"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return stub
}

// healthEnv runs the script with the stubs first on PATH.
func healthEnv(stub string) []string {
	return []string{
		"STUB=" + stub,
		"PATH=" + filepath.Join(stub, "bin") + string(os.PathListSeparator) + os.Getenv("PATH"),
		"RUNTIME_DIRECTORY=" + filepath.Join(stub, "run"),
		"VENUEKIOSK_HEALTH_DELAY=0",
	}
}

func TestHealthScript(t *testing.T) {
	needTool(t, "sh", "dash")
	script := filepath.Join(repoRoot(t), healthScript)
	failed := []string{"SERVICE_RESULT=exit-code", "EXIT_CODE=exited", "EXIT_STATUS=1"}
	statusCmd := "rauc status --output-format=shell"
	for _, tt := range []struct {
		name     string
		args     []string
		env      []string
		files    map[string]string // stub control files
		wantCode int
		want     []string // calls, in order
		wantLog  string   // in stderr
	}{
		{name: "check-passes", args: []string{"check"}, files: map[string]string{"selftest": "0"},
			want: []string{"kioskctl selftest --json"}, wantLog: "passed (attempt 1 of 3)"},
		{name: "check-passes-on-third-try", args: []string{"check"}, files: map[string]string{"selftest": "1\n1\n0"},
			want:    []string{"kioskctl selftest --json", "kioskctl selftest --json", "kioskctl selftest --json"},
			wantLog: "passed (attempt 3 of 3)"},
		{name: "check-fails", args: []string{"check"}, files: map[string]string{"selftest": "1"}, wantCode: 1,
			want:    []string{"kioskctl selftest --json", "kioskctl selftest --json", "kioskctl selftest --json"},
			wantLog: "failed 3 times"},
		{name: "check-one-attempt", args: []string{"check"}, env: []string{"VENUEKIOSK_HEALTH_ATTEMPTS=1"},
			files: map[string]string{"selftest": "1"}, wantCode: 1, want: []string{"kioskctl selftest --json"}},
		{name: "check-runaway-output-fails", args: []string{"check"},
			files: map[string]string{"selftest": "0", "selftest-bytes": "3000000"}, wantCode: 1,
			want: []string{"kioskctl selftest --json", "kioskctl selftest --json", "kioskctl selftest --json"}},
		{name: "check-zero-attempts", args: []string{"check"}, env: []string{"VENUEKIOSK_HEALTH_ATTEMPTS=0"},
			files: map[string]string{"selftest": "0"}, wantCode: 2, wantLog: "not in 1..10"},
		{name: "check-too-many-attempts", args: []string{"check"}, env: []string{"VENUEKIOSK_HEALTH_ATTEMPTS=11"},
			files: map[string]string{"selftest": "0"}, wantCode: 2, wantLog: "not in 1..10"},
		{name: "check-attempts-not-a-number", args: []string{"check"}, env: []string{"VENUEKIOSK_HEALTH_ATTEMPTS=3;reboot"},
			files: map[string]string{"selftest": "0"}, wantCode: 2, wantLog: "not in 1..10"},
		{name: "check-bad-delay", args: []string{"check"}, env: []string{"VENUEKIOSK_HEALTH_DELAY=-1"},
			files: map[string]string{"selftest": "0"}, wantCode: 2, wantLog: "not in 0..300"},
		{name: "mark-good", args: []string{"mark-good"},
			want: []string{"rauc status mark-good booted"}, wantLog: "marked good"},
		{name: "mark-good-fails", args: []string{"mark-good"}, files: map[string]string{"mark-good-exit": "1"},
			wantCode: 1, want: []string{"rauc status mark-good booted"}},
		{name: "stopped-after-success", args: []string{"stopped"},
			env: []string{"SERVICE_RESULT=success", "EXIT_CODE=exited", "EXIT_STATUS=0"}},
		{name: "stopped-mark-good-failed", args: []string{"stopped"},
			env:     []string{"SERVICE_RESULT=exit-code", "EXIT_CODE=exited", "EXIT_STATUS=0"},
			wantLog: "not falling back"},
		{name: "stopped-falls-back", args: []string{"stopped"}, env: failed,
			files:   map[string]string{"status": raucStatus("B", true)},
			want:    []string{statusCmd, "rauc status mark-bad booted", "systemctl --no-block reboot"},
			wantLog: "rebooting into slot A"},
		{name: "stopped-timeout-falls-back", args: []string{"stopped"},
			env:   []string{"SERVICE_RESULT=timeout", "EXIT_CODE=killed", "EXIT_STATUS=TERM"},
			files: map[string]string{"status": raucStatus("A", true)},
			want:  []string{statusCmd, "rauc status mark-bad booted", "systemctl --no-block reboot"}},
		{name: "stopped-other-slot-bad", args: []string{"stopped"}, env: failed,
			files: map[string]string{"status": raucStatus("B", false)}, wantCode: 1,
			want: []string{statusCmd}, wantLog: "staying on B"},
		{name: "stopped-status-unreadable", args: []string{"stopped"}, env: failed,
			files: map[string]string{"status": raucStatus("B", true), "status-exit": "1"}, wantCode: 1,
			want: []string{statusCmd}, wantLog: "cannot read the RAUC status"},
		{name: "stopped-no-booted-slot", args: []string{"stopped"}, env: failed,
			files: map[string]string{"status": strings.ReplaceAll(raucStatus("B", true), "'booted'", "'inactive'")}, wantCode: 1,
			want: []string{statusCmd}, wantLog: "cannot tell"},
		{name: "stopped-bad-slot-index", args: []string{"stopped"}, env: failed,
			files: map[string]string{"status": strings.Replace(raucStatus("B", true), "RAUC_SLOTS='1 2'", "RAUC_SLOTS='1 $(reboot)'", 1)}, wantCode: 1,
			want: []string{statusCmd}, wantLog: "unexpected slot index"},
		{name: "stopped-mark-bad-fails", args: []string{"stopped"}, env: failed,
			files: map[string]string{"status": raucStatus("B", true), "mark-bad-exit": "1"}, wantCode: 1,
			want: []string{statusCmd, "rauc status mark-bad booted"}, wantLog: "not rebooting"},
		{name: "stopped-by-hand", args: []string{"stopped"}, wantCode: 2, wantLog: "SERVICE_RESULT is not set"},
		{name: "fallback", args: []string{"fallback"}, files: map[string]string{"status": raucStatus("A", true)},
			want: []string{statusCmd, "rauc status mark-bad booted", "systemctl --no-block reboot"}},
		{name: "no-command", wantCode: 2, wantLog: "usage"},
		{name: "unknown-command", args: []string{"reboot"}, wantCode: 2, wantLog: "usage"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stub := healthStubDir(t, tt.files)
			env := append(healthEnv(stub), tt.env...)
			r := runCmd(t, stub, env, "sh", append([]string{script}, tt.args...)...)
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstderr:\n%s", r.code, tt.wantCode, r.stderr)
			}
			calls, err := os.ReadFile(filepath.Join(stub, "calls"))
			if err != nil {
				t.Fatal(err)
			}
			got := strings.FieldsFunc(string(calls), func(r rune) bool { return r == '\n' })
			if !slices.Equal(got, tt.want) {
				t.Errorf("calls %q, want %q", got, tt.want)
			}
			if !strings.Contains(r.stderr, tt.wantLog) {
				t.Errorf("stderr %q, want it to mention %q", r.stderr, tt.wantLog)
			}
		})
	}
}

// TestHealthReport: the self-test's JSON is kept, bounded, for a technician.
func TestHealthReport(t *testing.T) {
	needTool(t, "sh", "dash")
	script := filepath.Join(repoRoot(t), healthScript)
	for _, tt := range []struct {
		name     string
		bytes    string
		wantSize int64
	}{
		{"small", "", int64(len(`{"ok":true}` + "\n"))},
		{"large-is-truncated", "100000", 65536},
	} {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"selftest": "0"}
			if tt.bytes != "" {
				files["selftest-bytes"] = tt.bytes
			}
			stub := healthStubDir(t, files)
			r := runCmd(t, stub, healthEnv(stub), "sh", script, "check")
			if r.code != 0 {
				t.Fatalf("check: exit %d: %s", r.code, r.stderr)
			}
			run := filepath.Join(stub, "run")
			st, err := os.Stat(filepath.Join(run, "selftest.json"))
			if err != nil {
				t.Fatal(err)
			}
			if st.Size() != tt.wantSize {
				t.Errorf("report is %d bytes, want %d", st.Size(), tt.wantSize)
			}
			if _, err := os.Stat(filepath.Join(run, "selftest.json.full")); err == nil {
				t.Errorf("the untruncated output was left behind")
			}
		})
	}
}
