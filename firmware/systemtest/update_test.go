package systemtest

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// The A/B checks of the arm64 machine: real RAUC with the custom backend
// (guest/vk-bootstate), bundles made by make bundle, the host playing
// U-Boot (bootloader.go).

const (
	installTimeout = 10 * time.Minute // rauc install of a 512 MiB slot under TCG
	// badBootLimit bounds the boots of a slot that never becomes ready:
	// boot.cmd gives it slotAttempts.
	badBootLimit = slotAttempts + 1
)

// envBreak deliberately breaks the A/B checks' setting, to show that they
// fail: "slot-choice" makes the host's bootloader always boot slot A (as a
// boot script that ignores BOOT_ORDER would); "data" has each boot of the
// broken slot append to a file on the data partition.
const envBreak = "VENUEKIOSK_SYSTEM_TEST_BREAK"

// slotFacts are what the guest says about the booted root.
type slotFacts struct {
	cmdline, root, build string
}

func (s *system) slotFacts(t *testing.T) slotFacts {
	t.Helper()
	out := s.v.sh(t, "cat /proc/cmdline; findmnt -n -o SOURCE /; cat "+buildMark)
	f := strings.Split(strings.TrimSpace(out), "\n")
	if len(f) != 3 {
		s.fatalf(t, "boot %d: the booted slot's facts: %q", s.v.n, out)
	}
	return slotFacts{cmdline: f[0], root: f[1], build: f[2]}
}

// expectSlot checks that this boot runs slot want with root filesystem
// build: the host's bootloader chose it, the kernel was told so, the root
// mounted is its partition and holds that build.
func (s *system) expectSlot(t *testing.T, want, build string) {
	t.Helper()
	f := s.slotFacts(t)
	dev := fmt.Sprintf("/dev/vda%d", slotPartition[want])
	if s.v.slot != want || !strings.Contains(" "+f.cmdline+" ", " rauc.slot="+want+" ") || f.root != dev || f.build != build {
		s.fatalf(t, "boot %d: slot %s (the bootloader's choice), command line %q, root %s, build %q; want slot %s, root %s, build %q",
			s.v.n, s.v.slot, f.cmdline, f.root, f.build, want, dev, build)
	}
}

// raucStatus is `rauc status --output-format=shell` as KEY → value.
func (s *system) raucStatus(t *testing.T) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, line := range strings.Split(s.v.sh(t, "rauc status --detailed --output-format=shell"), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			m[k] = strings.Trim(v, "'")
		}
	}
	return m
}

// slotStatus returns the boot status RAUC reports for the slot with
// bootname slot ("good" or "bad"), and whether it is the booted one.
func (s *system) slotStatus(t *testing.T, slot string) (string, bool) {
	t.Helper()
	st := s.raucStatus(t)
	for _, i := range strings.Fields(st["RAUC_SLOTS"]) {
		if st["RAUC_SLOT_BOOTNAME_"+i] == slot {
			return st["RAUC_SLOT_BOOT_STATUS_"+i], st["RAUC_SLOT_STATE_"+i] == "booted"
		}
	}
	s.fatalf(t, "rauc status names no slot %s: %v", slot, st)
	return "", false
}

// markedGood checks that this boot's health check passed and marked the
// booted slot good through RAUC: the backend was told so and RAUC
// reports it good.
func (s *system) markedGood(t *testing.T) {
	t.Helper()
	h, _ := s.healthFinished(t)
	if h["ActiveState"] != "active" || h["Result"] != "success" {
		s.fatalf(t, "boot %d: venuekiosk-health.service: %v; want active, success", s.v.n, h)
	}
	log := s.v.sh(t, "cat /var/log/vk-bootstate.log")
	if !strings.Contains(log, "set-state "+s.v.slot+" good\n") {
		s.fatalf(t, "boot %d: the bootloader backend was called %q; want set-state %s good", s.v.n, log, s.v.slot)
	}
	if st, booted := s.slotStatus(t, s.v.slot); st != "good" || !booted {
		s.fatalf(t, "boot %d: rauc status: slot %s %s, booted %v; want good, booted", s.v.n, s.v.slot, st, booted)
	}
}

// checkSlotMarkedGood is check 7a on the machine with slots: the real
// rauc, through the custom backend, marks the booted slot good.
func (s *system) checkSlotMarkedGood(t *testing.T) {
	defer s.dumpOnFailure(t)
	s.expectSlot(t, "A", "base")
	s.markedGood(t)
	s.logf(t, "check 7a: slot A booted (root /dev/vda2), kioskd ready, self-test passed, rauc status mark-good → the backend's set-state A good; rauc: A good, booted")
}

// install runs rauc install of the bundle on the stick and returns the
// slot it went into (the other one) and how long it took.
func (s *system) install(t *testing.T, bundle string) (string, time.Duration) {
	t.Helper()
	other := map[string]string{"A": "B", "B": "A"}[s.v.slot]
	start := time.Now()
	res, err := s.v.agent.run([]string{"rauc", "install", s.m.img.Bundles[bundle]}, installTimeout)
	if err != nil || res.Exit != 0 {
		out := ""
		if res != nil {
			out = res.Stdout + res.Stderr
		}
		s.fatalf(t, "boot %d: rauc install %s: %v\n%s", s.v.n, bundle, err, out)
	}
	took := time.Since(start)
	if st, _ := s.slotStatus(t, other); st != "good" {
		s.errorf(t, "after rauc install into slot %s: its boot status %q; want good (primary, 3 attempts)", other, st)
	}
	state := s.v.sh(t, "dd if=/dev/vda1 bs=4096 count=1 status=none | tr -d '\\000'")
	if want := "BOOT_ORDER=" + other + " " + s.v.slot + "\n"; !strings.Contains(state, want) {
		s.fatalf(t, "after rauc install into slot %s the bootloader's state is %q; want %q first", other, state, want)
	}
	return other, took
}

// checkUpdate is check 9: rauc install of a bundle made by make bundle
// goes into slot B; after a reboot the bootloader boots B, kioskd is
// ready, the health check marks B good, and the data partition's
// counters and data came along.
func (s *system) checkUpdate(t *testing.T) {
	defer s.dumpOnFailure(t)
	if s.v.slot != "A" {
		s.fatalf(t, "boot %d runs slot %s; the update check starts on A", s.v.n, s.v.slot)
	}
	s.healthFinished(t)
	before := s.v.status(t)
	into, took := s.install(t, "good")
	if into != "B" {
		s.fatalf(t, "rauc install went into %s; want B", into)
	}
	s.reboot(t)
	s.expectSlot(t, "B", "update")
	s.markedGood(t)
	after := s.v.status(t)
	if after.Today != before.Today || len(after.Data) != len(before.Data) || after.Store == nil || before.Store == nil || *after.Store != *before.Store {
		s.errorf(t, "the data partition across the update: counters %v, store %+v before; %v, %+v after", before.Today, before.Store, after.Today, after.Store)
	}
	if st, _ := s.slotStatus(t, "A"); st != "good" {
		s.errorf(t, "slot A, the one updated from, is %q; want good (the fallback)", st)
	}
	s.logf(t, "check 9: rauc install of make bundle's bundle into slot B took %.0fs; rebooted: the bootloader chose B (root /dev/vda3, build \"update\"), kioskd READY %.1fs after the kernel started, B marked good; counters (%v) and data kept",
		took.Seconds(), s.ready[len(s.ready)-1].Seconds(), after.Today)
}

// checkFallback is check 10: a bundle whose kioskd never becomes ready
// goes into slot A; the bootloader boots it; kioskd fails, the health
// check never runs, the slot is never marked good, and nothing but a
// power cycle restarts the kiosk. Each boot spends one of A's attempts;
// once they are spent, the bootloader boots B again — and the data
// partition is byte for byte as it was before the first boot of A.
func (s *system) checkFallback(t *testing.T) {
	defer s.dumpOnFailure(t)
	if s.v.slot != "B" {
		s.fatalf(t, "boot %d runs slot %s; the fallback check starts on B", s.v.n, s.v.slot)
	}
	before := s.v.status(t)
	into, took := s.install(t, "broken")
	if into != "A" {
		s.fatalf(t, "rauc install went into %s; want A", into)
	}
	s.v.reboot(t)
	data, err := snapshotData(s.m.img.Root, s.m.dir)
	if err != nil || len(data) == 0 {
		s.fatalf(t, "the data partition before the broken slot's boots: %v (%d files)", err, len(data))
	}
	var boots []string
	for {
		st, err := readBootState(s.m.img.Root)
		if err != nil {
			s.fatalf(t, "%v", err)
		}
		if next, _ := st.choose(); next != "A" || len(boots) == badBootLimit {
			break
		}
		s.v = s.m.boot(t)
		s.expectSlot(t, "A", "broken update")
		if os.Getenv(envBreak) == "data" {
			s.v.sh(t, "echo broken >>/var/lib/venuekiosk/systemtest-break")
		}
		var k map[string]string
		s.v.waitFor(t, "systemd to give up on the broken slot's kioskd", 5*time.Minute, func() (bool, string) {
			k = s.v.show(t, "kioskd.service", "ActiveState", "Result", "NRestarts")
			jobs := s.v.sh(t, "systemctl list-jobs --no-legend")
			return k["ActiveState"] == "failed" && !strings.Contains(jobs, "venuekiosk-health"), fmt.Sprint(k, " jobs: ", jobs)
		})
		h := s.v.show(t, "venuekiosk-health.service", "ExecMainStartTimestampMonotonic")
		if h["ExecMainStartTimestampMonotonic"] != "0" {
			s.errorf(t, "boot %d: venuekiosk-health.service ran on the broken slot: %v", s.v.n, h)
		}
		if log := s.v.sh(t, "cat /var/log/vk-bootstate.log 2>/dev/null || true"); strings.Contains(log, "set-state A good") {
			s.errorf(t, "boot %d: the broken slot was marked good: %q", s.v.n, log)
		}
		boots = append(boots, fmt.Sprintf("boot %d: slot A, kioskd failed after %s restarts (%s)", s.v.n, k["NRestarts"], k["Result"]))
		t.Logf("%s; power cut", boots[len(boots)-1])
		s.v.kill() // nothing else restarts a kiosk whose kioskd never starts
	}
	if len(boots) != slotAttempts {
		s.errorf(t, "the broken slot A was booted %d times; want %d (boot.cmd's attempts), then slot B", len(boots), slotAttempts)
	}
	// The data partition as the old slot finds it, before it runs.
	now, err := snapshotData(s.m.img.Root, s.m.dir)
	if err != nil {
		s.fatalf(t, "%v", err)
	}
	if diff := diffSnapshots(data, now); len(diff) > 0 {
		s.errorf(t, "the data partition changed across the broken slot's boots:\n%s", strings.Join(diff, "\n"))
	}
	if len(boots) == badBootLimit {
		s.fatalf(t, "the broken slot keeps being booted")
	}
	s.boot(t)
	s.expectSlot(t, "B", "update")
	s.markedGood(t)
	after := s.v.status(t)
	if after.Today != before.Today || after.Store == nil || before.Store == nil || *after.Store != *before.Store {
		s.errorf(t, "back on slot B: counters %v, store %+v; before the update %v, %+v", after.Today, after.Store, before.Today, before.Store)
	}
	if st, _ := s.slotStatus(t, "A"); st != "bad" {
		s.errorf(t, "slot A after its attempts ran out: %q; want bad", st)
	}
	if t.Failed() {
		return // the summary below would claim what failed
	}
	var files []string
	for p := range data {
		files = append(files, p)
	}
	s.logf(t, "check 10: the broken bundle into slot A (%.0fs); %d boots of A, each: kioskd failed, no health check, not marked good, power cut; then the bootloader chose B again: kioskd READY, B good, A bad; the data partition byte-identical (%d files: %s); counters %v kept",
		took.Seconds(), len(boots), len(data), strings.Join(files, ", "), after.Today)
}
