package systemtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
)

// These tests run everywhere: the harness's own pieces, without a
// virtual machine.

func TestParseShow(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want map[string]string
	}{
		{"ActiveState=active\nSubState=running\n", map[string]string{"ActiveState": "active", "SubState": "running"}},
		{"DropInPaths=\nNRestarts=0", map[string]string{"DropInPaths": "", "NRestarts": "0"}},
		{"ExecStart={ path=/usr/bin/kioskd ; argv[]=/usr/bin/kioskd -config x=y }", map[string]string{"ExecStart": "{ path=/usr/bin/kioskd ; argv[]=/usr/bin/kioskd -config x=y }"}},
		{"no equals sign\n\n", map[string]string{}},
	} {
		got := parseShow(tt.in)
		if len(got) != len(tt.want) {
			t.Errorf("parseShow(%q): got %v, want %v", tt.in, got, tt.want)
			continue
		}
		for k, v := range tt.want {
			if got[k] != v {
				t.Errorf("parseShow(%q)[%s]: got %q, want %q", tt.in, k, got[k], v)
			}
		}
	}
}

func TestParseProbe(t *testing.T) {
	got := parseProbe("/dev/ttyS1 open\n/dev/vda denied\n\n")
	if got["/dev/ttyS1"] != "open" || got["/dev/vda"] != "denied" || len(got) != 2 {
		t.Errorf("parseProbe: got %v, want ttyS1 open, vda denied", got)
	}
}

func TestProbeScript(t *testing.T) {
	outside := probeScript("", []string{"/dev/a"})
	inside := probeScript("42", []string{"/dev/a"})
	if strings.Contains(outside, "cgroup.procs") {
		t.Errorf("the outside probe joins a cgroup:\n%s", outside)
	}
	if !strings.Contains(inside, "/proc/42/cgroup") || !strings.Contains(inside, "cgroup.procs") {
		t.Errorf("the inside probe does not join process 42's cgroup:\n%s", inside)
	}
}

func TestRecipeHash(t *testing.T) {
	base := rootfsRecipe
	if got, want := base.hash(), rootfsRecipe.hash(); got != want {
		t.Fatalf("hash not stable: got %s, want %s", got, want)
	}
	if len(base.hash()) != 16 {
		t.Errorf("hash %q: want 16 hex digits", base.hash())
	}
	changes := []func(r *recipe){
		func(r *recipe) { r.Suite = "trixie" },
		func(r *recipe) { r.Variant = "apt" },
		func(r *recipe) { r.Packages = append(r.Packages[:len(r.Packages):len(r.Packages)], "curl") },
		func(r *recipe) { r.Packages = r.Packages[1:] },
		func(r *recipe) { r.Excludes = nil },
		func(r *recipe) {
			r.InitrdModules = append(r.InitrdModules[:len(r.InitrdModules):len(r.InitrdModules)], "virtio_net")
		},
	}
	for i, change := range changes {
		r := base
		change(&r)
		if r.hash() == base.hash() {
			t.Errorf("change %d: the hash did not change: the cache would not be rebuilt", i)
		}
	}
	args := strings.Join(base.args("/x"), " ")
	for _, want := range []string{"--include=systemd,", "--variant=essential", "bookworm /x", "MODULES=list", "virtio_blk ext4"} {
		if !strings.Contains(args, want) {
			t.Errorf("mmdebstrap args %q lack %q", args, want)
		}
	}
}

func TestFillerIDs(t *testing.T) {
	a, b := fillerIDs(3, 100), fillerIDs(4, 100)
	if len(a) != 103 || len(b) != 104 {
		t.Fatalf("got %d and %d IDs, want 103 and 104", len(a), len(b))
	}
	seen := map[pass.ID]bool{}
	for _, id := range append(a, b...) {
		if seen[id] || id.IsZero() {
			t.Fatalf("ID %x repeated or zero: versions must not share entries", id)
		}
		seen[id] = true
	}
}

func TestPrivateTerms(t *testing.T) {
	set, err := samples.Make(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	terms := privateTerms(set)
	for _, want := range []string{"MUSTER, Erika", "MUSTER", "1964-08-12"} {
		found := false
		for _, term := range terms {
			found = found || term == want
		}
		if !found {
			t.Errorf("privateTerms lacks %q", want)
		}
	}
	for _, term := range terms {
		if len(term) < 5 {
			t.Errorf("term %q is short enough to match by chance", term)
		}
	}
	payloads := 0
	for _, smp := range set.Samples {
		for _, term := range terms {
			if len(term) == 32 && strings.Contains(smp.Payload, term) {
				payloads++
				break
			}
		}
	}
	if payloads != len(set.Samples) {
		t.Errorf("payload fragments for %d of %d samples", payloads, len(set.Samples))
	}
}

func TestGuestClock(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2026, 3, 1, 0, 0, 1, 0, time.UTC),
		time.Date(2026, 3, 1, 23, 59, 59, 0, time.UTC),
		time.Date(2026, 3, 1, 10, 0, 0, 0, time.FixedZone("HKT", 8*3600)),
	} {
		c := newGuestClock(now)
		got := now.Add(c.offset).UTC()
		y, m, d := now.UTC().Date()
		if want := time.Date(y, m, d, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("guest time at %v: got %v, want %v", now, got, want)
		}
	}
}

func TestParseUsec(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"20000000", 20 * time.Second, true},
		{"0", 0, true},
		{"20s", 20 * time.Second, true},
		{"1min 30s", 90 * time.Second, true},
		{"100ms", 100 * time.Millisecond, true},
		{"1.5s", 1500 * time.Millisecond, true},
		{"2h", 2 * time.Hour, true},
		{"infinity", 0, false},
		{"", 0, false},
		{"20 s", 0, false},
		{"20fortnights", 0, false},
	} {
		got, err := parseUsec(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseUsec(%q): got %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestJournalBoots(t *testing.T) {
	j := `{"_BOOT_ID":"a","MESSAGE":"x"}
{"_BOOT_ID":"b","MESSAGE":"y"}
{"_BOOT_ID":"a","MESSAGE":"z"}
not json
{"MESSAGE":"no boot"}`
	if got := journalBoots(j); got != 2 {
		t.Errorf("journalBoots: got %d, want 2", got)
	}
}

func TestJournalTime(t *testing.T) {
	j := `{"MESSAGE":"kioskd.service: Watchdog timeout (limit 20s)!","__MONOTONIC_TIMESTAMP":"41000000"}
{"MESSAGE":"other","__MONOTONIC_TIMESTAMP":"42000000"}
{"MESSAGE":"kioskd.service: Watchdog timeout (limit 20s)!","__MONOTONIC_TIMESTAMP":"90500000"}
{"MESSAGE":"kioskd.service: Watchdog timeout","__MONOTONIC_TIMESTAMP":"not a number"}
garbage`
	got, ok := journalTime(j, "Watchdog timeout")
	if !ok || got != 90500*time.Millisecond {
		t.Errorf("journalTime: got %v, %v; want 1m30.5s (the last valid entry), true", got, ok)
	}
	if _, ok := journalTime(j, "absent"); ok {
		t.Errorf("journalTime of absent text: got ok")
	}
}

func TestRecordRepeatsFailures(t *testing.T) {
	var r record
	got := r.failed(t, "boot %d: %s", 7, strings.Repeat("x", 3000))
	if want := "boot 7: " + strings.Repeat("x", 3000); got != want {
		t.Errorf("failed returned %d bytes; want the whole message of %d", len(got), len(want))
	}
	if len(r.failures) != 1 || !strings.HasPrefix(r.failures[0], t.Name()+": boot 7: xxx") || len(r.failures[0]) > 2100 {
		t.Errorf("failures %q…; want one, named after the test, cut to about 2000 bytes", r.failures)
	}
}

func TestLockedUp(t *testing.T) {
	for _, tt := range []struct {
		console, want string
		ok            bool
	}{
		{"[   10.1] systemd[1]: Started foo\n", "", false},
		{"[  30.3] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [modprobe:178]\n", "", false},
		{"[  30.3] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [modprobe:178]\n" +
			"[ 116.3] watchdog: BUG: soft lockup - CPU#0 stuck for 104s! [modprobe:178]\n",
			"soft lockup - CPU#0 stuck for 104s", true},
		{"soft lockup - CPU#3 stuck for 60s!", "soft lockup - CPU#3 stuck for 60s", true},
	} {
		got, ok := lockedUp(tt.console)
		if got != tt.want || ok != tt.ok {
			t.Errorf("lockedUp(%q): got %q, %v; want %q, %v", tt.console, got, ok, tt.want, tt.ok)
		}
	}
}

// TestWatchLockup: a machine whose console shows a long lockup is powered
// off and the line reported; one whose console does not is left running.
func TestWatchLockup(t *testing.T) {
	for _, tt := range []struct {
		console string
		killed  bool
	}{
		{"[ 116.3] watchdog: BUG: soft lockup - CPU#0 stuck for 104s! [modprobe:178]\n", true},
		{"[  30.3] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [modprobe:178]\n", false},
	} {
		console := filepath.Join(t.TempDir(), "console.log")
		if err := os.WriteFile(console, []byte(tt.console), 0o644); err != nil {
			t.Fatal(err)
		}
		v := &vm{cmd: exec.Command("sleep", "30"), exited: make(chan struct{}), console: console}
		if err := v.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { v.waitErr = v.cmd.Wait(); close(v.exited) }()
		found, done := make(chan string, 1), make(chan struct{})
		go v.watchLockup(found, done)
		select {
		case <-v.exited:
			if !tt.killed {
				t.Errorf("console %q: the machine was powered off", tt.console)
			}
			if line := <-found; !strings.Contains(line, "stuck for 104s") {
				t.Errorf("console %q: reported %q", tt.console, line)
			}
		case <-time.After(5 * time.Second):
			if tt.killed {
				t.Errorf("console %q: the machine still runs after 5s", tt.console)
			}
			close(done)
			v.cmd.Process.Kill()
			<-v.exited
		}
	}
}
