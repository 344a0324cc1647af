package systemtest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	goimage "image"
	"image/png"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/internal/epd"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// system is one run: the machine, its current boot, the stick's data and
// the timings for the closing report.
type system struct {
	m     *machine
	v     *vm
	stick *stick
	*record
	ready  []time.Duration // per boot: kioskd READY, guest monotonic time
	rounds int             // power-cut rounds
	seed   uint64          // of the power-cut points
}

// boot boots the machine and waits for kioskd's READY.
func (s *system) boot(t *testing.T) {
	t.Helper()
	s.v = s.m.boot(t)
	r := s.v.waitReady(t)
	s.ready = append(s.ready, r)
	t.Logf("boot %d: kioskd READY %.1fs after the kernel started (seen %.1fs after QEMU started)", s.v.n, r.Seconds(), time.Since(s.v.started).Seconds())
}

// reboot reboots cleanly and waits for READY.
func (s *system) reboot(t *testing.T) {
	t.Helper()
	s.v.reboot(t)
	s.boot(t)
}

// dumpOnFailure prints the guest's journal when t failed.
func (s *system) dumpOnFailure(t *testing.T) {
	if t.Failed() && s.v != nil {
		s.v.dump(t)
	}
}

// checkBoot is check 1: kioskd.service reached READY under its full
// hardening, runs as the kiosk user without privileges, holds the scanner
// tty, and its device policy opens the scanner and nothing else.
func (s *system) checkBoot(t *testing.T) {
	defer s.dumpOnFailure(t)
	v := s.v
	p := v.show(t, "kioskd.service", "ActiveState", "SubState", "NRestarts", "Result", "Type", "MainPID",
		"FragmentPath", "DropInPaths", "DevicePolicy", "User", "NoNewPrivileges", "ProtectSystem")
	for k, want := range map[string]string{
		"ActiveState": "active", "SubState": "running", "NRestarts": "0", "Result": "success", "Type": "notify",
		"DropInPaths":  s.m.img.DropIns, // the unit exactly as make install put it (and the image's data drop-in, on arm64)
		"DevicePolicy": "closed", "User": "kiosk", "NoNewPrivileges": "yes", "ProtectSystem": "strict",
	} {
		if p[k] != want {
			s.errorf(t, "kioskd.service %s=%q; want %q", k, p[k], want)
		}
	}
	if !strings.HasSuffix(p["FragmentPath"], "/lib/systemd/system/kioskd.service") {
		s.errorf(t, "kioskd.service comes from %q; want the installed /usr/lib/systemd/system/kioskd.service", p["FragmentPath"])
	}
	s.logf(t, "check 1: kioskd READY %.1fs after the kernel started", s.ready[0].Seconds())

	// The process as the kernel sees it.
	pid := p["MainPID"]
	proc := parseShow(strings.ReplaceAll(v.sh(t, "cat /proc/"+pid+"/status"), ":\t", "="))
	uid := strings.TrimSpace(v.sh(t, "id -u kiosk"))
	if f := strings.Fields(proc["Uid"]); len(f) != 4 || f[0] != uid || f[1] != uid {
		s.errorf(t, "kioskd runs with Uid %q; want the kiosk user's %s", proc["Uid"], uid)
	}
	for k, want := range map[string]string{"CapEff": "0000000000000000", "CapPrm": "0000000000000000", "CapBnd": "0000000000000000", "NoNewPrivs": "1", "Seccomp": "2"} {
		if got := strings.TrimSpace(proc[k]); got != want {
			s.errorf(t, "kioskd's /proc status %s=%q; want %q", k, got, want)
		}
	}

	// The scanner: kioskd holds its tty (/dev/ttyS1; ttyS0 on arm64) open
	// and says it is connected.
	scanner := s.m.arch.Scanner
	v.waitFor(t, "kioskd to report the scanner connected", time.Minute, func() (bool, string) {
		st := v.status(t)
		return st.Scanner.Connected, st.Scanner.State
	})
	if fds := v.sh(t, "ls -l /proc/"+pid+"/fd"); !strings.Contains(fds, scanner) {
		s.errorf(t, "kioskd does not hold %s open:\n%s", scanner, fds)
	}

	// The device policy, tried from inside kioskd's cgroup: root opening
	// each device (non-blocking, reading nothing). Outside the cgroup
	// every one opens, so a refusal inside is the policy's.
	devices := append([]string{scanner}, probeDevices...)
	outside := parseProbe(v.sh(t, probeScript("", devices)))
	inside := parseProbe(v.sh(t, probeScript(pid, devices)))
	for _, d := range devices {
		want := "denied"
		if d == scanner {
			want = "open"
		}
		if outside[d] != "open" {
			s.errorf(t, "%s outside kioskd's cgroup: %q; want open (the probe is broken)", d, outside[d])
		}
		if inside[d] != want {
			s.errorf(t, "%s inside kioskd's cgroup: %q; want %s", d, inside[d], want)
		}
	}
	s.logf(t, "check 1: in kioskd's cgroup %s opens; /dev/vda, /dev/kmsg, /dev/mem are refused", scanner)
}

// probeDevices are opened by the device-policy probe, after the scanner:
// a disk, the kernel log and physical memory. (Not /dev/rtc0:
// ProtectClock= allows reading the clock.)
var probeDevices = []string{"/dev/vda", "/dev/kmsg", "/dev/mem"}

// probeScript opens each device as root, from inside the cgroup of
// process pid ("" for the caller's own), and prints "DEVICE open" or
// "DEVICE denied".
func probeScript(pid string, devices []string) string {
	join := ""
	if pid != "" {
		join = `echo $$ >"/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/` + pid + `/cgroup)/cgroup.procs" && `
	}
	return `for d in ` + strings.Join(devices, " ") + `; do
	if sh -c '` + join + `exec dd if="$1" of=/dev/null bs=1 count=0 iflag=nonblock status=none' probe "$d" 2>/dev/null; then
		echo "$d open"
	else
		echo "$d denied"
	fi
done`
}

func parseProbe(out string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if d, r, ok := strings.Cut(line, " "); ok {
			m[d] = r
		}
	}
	return m
}

// scanSamples are check 2's scans: every colour, every format.
var scanSamples = []string{
	"EU certificate, vaccinated",
	"EU certificate, revoked",
	"EU certificate, amber code",
	"EU certificate, expired",
	"SMART Health Card, vaccinated",
	"SMART Health Card, unknown issuer",
	"HK Vaccine Pass, 3 doses",
	"HK medical exemption",
}

// checkScans is check 2: payloads written to the host end of the serial
// line come back as the sample's verdict in kioskctl status --json.
func (s *system) checkScans(t *testing.T) {
	defer s.dumpOnFailure(t)
	var worst time.Duration
	for _, name := range scanSamples {
		smp := sampleByName(t, s.stick.Set, name)
		d := s.v.expectVerdict(t, smp)
		t.Logf("%-34s %-5s seen in kioskctl status after %v", name, smp.Expect, d.Round(10*time.Millisecond))
		worst = max(worst, d)
	}
	s.logf(t, "check 2: %d scans through %s judged green/amber/red as expected (slowest seen after %v)", len(scanSamples), s.m.arch.Scanner, worst.Round(100*time.Millisecond))

	// The panel (the emulator, panel.spi = "emulator") read from the
	// guest with kioskctl: the 2.13" panel with its layout drawn, not the
	// emulator's power-on noise.
	out := s.v.sh(t, "kioskctl panel --png /run/panel.png && base64 -w0 /run/panel.png")
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(out))
	if err != nil {
		s.fatalf(t, "kioskctl panel's PNG through base64: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		s.fatalf(t, "kioskctl panel wrote no PNG: %v", err)
	}
	black := blackShare(img)
	if img.Bounds().Size() != goimage.Pt(122, 250) || black > 0.35 || black < 0.01 {
		s.errorf(t, "the panel read in the guest: %v, %.0f %% black; want the 2.13\" panel's 122×250 with its layout drawn", img.Bounds(), 100*black)
	}
	s.logf(t, "check 2: the emulated panel read in the guest with kioskctl panel: %v, %.0f %% black", img.Bounds().Size(), 100*black)
}

// blackShare is the share of img's pixels that are dark.
func blackShare(img goimage.Image) float64 {
	r := img.Bounds()
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if !epd.IsWhite(img.At(x, y)) {
				n++
			}
		}
	}
	return float64(n) / float64(max(r.Dx()*r.Dy(), 1))
}

// watchdogMargin is added to WatchdogSec for a restart under TCG on a
// loaded machine (it holds RestartSec and kioskd's start).
const watchdogMargin = 30 * time.Second

// checkWatchdog is check 3: a stopped kioskd is restarted by systemd's
// watchdog, and the next scan works.
func (s *system) checkWatchdog(t *testing.T) {
	defer s.dumpOnFailure(t)
	v := s.v
	p := v.show(t, "kioskd.service", "MainPID", "NRestarts", "WatchdogUSec")
	wd := usec(t, p["WatchdogUSec"])
	if wd <= 0 {
		s.fatalf(t, "kioskd.service has no watchdog: %v", p)
	}
	// systemd follows the watchdog signal (SIGABRT) with SIGCONT, so the
	// stopped Go process takes it, prints its goroutines and exits.
	bound := wd + watchdogMargin
	pid, nr := p["MainPID"], atoi(t, p["NRestarts"])
	stopped := guestSeconds(t, v.sh(t, "cut -d' ' -f1 /proc/uptime; kill -STOP "+pid))
	d := v.waitFor(t, "systemd to restart the stopped kioskd", bound+time.Minute, func() (bool, string) {
		q := v.show(t, "kioskd.service", "MainPID", "NRestarts", "ActiveState", "SubState")
		return q["MainPID"] != pid && q["MainPID"] != "0" && atoi(t, q["NRestarts"]) == nr+1 &&
			q["ActiveState"] == "active" && q["SubState"] == "running", fmt.Sprint(q)
	})
	fired, ok := journalTime(v.sh(t, "journalctl --no-pager -b -u kioskd.service -o json --output-fields=MESSAGE"), "Watchdog timeout")
	if !ok {
		s.fatalf(t, "the journal does not show kioskd.service's watchdog timeout")
	}
	// The last keep-alive came before the STOP: the timeout must follow
	// the STOP within WatchdogSec (and a little scheduling slack).
	if after := fired - stopped; after < 0 || after > wd+5*time.Second {
		s.errorf(t, "the watchdog fired %v after kill -STOP; want within WatchdogSec %v", after, wd)
	}
	if d > bound {
		s.errorf(t, "kioskd restarted and READY %v after kill -STOP; want within %v (WatchdogSec %v + %v)", d, bound, wd, watchdogMargin)
	}
	s.logf(t, "check 3: watchdog: kill -STOP; timeout fired after %.1fs (WatchdogSec %v); new kioskd READY %.1fs after the STOP (bound %v)",
		(fired - stopped).Seconds(), wd, d.Seconds(), bound)
	s.v.expectVerdict(t, sampleByName(t, s.stick.Set, "EU certificate, negative test"))
}

// guestSeconds parses the first line of out, /proc/uptime's seconds.
func guestSeconds(t *testing.T, out string) time.Duration {
	t.Helper()
	line, _, _ := strings.Cut(strings.TrimSpace(out), "\n")
	f, err := strconv.ParseFloat(line, 64)
	if err != nil {
		t.Fatalf("uptime %q: %v", line, err)
	}
	return time.Duration(f * float64(time.Second))
}

// journalTime returns the monotonic time of the last entry of journalctl
// -o json output whose message contains text.
func journalTime(journal, text string) (time.Duration, bool) {
	var at time.Duration
	found := false
	for _, line := range strings.Split(journal, "\n") {
		var e struct {
			Message   string `json:"MESSAGE"`
			Monotonic string `json:"__MONOTONIC_TIMESTAMP"`
		}
		if json.Unmarshal([]byte(line), &e) != nil || !strings.Contains(e.Message, text) {
			continue
		}
		if us, err := strconv.ParseInt(e.Monotonic, 10, 64); err == nil {
			at, found = time.Duration(us)*time.Microsecond, true
		}
	}
	return at, found
}

// checkUnplug is check 4: the scanner is unplugged and plugged back
// through QEMU's monitor; kioskd keeps running and reads the next scan.
func (s *system) checkUnplug(t *testing.T) {
	defer s.dumpOnFailure(t)
	v := s.v
	p := v.show(t, "kioskd.service", "MainPID", "NRestarts")
	if err := v.qmp.do("device_del", map[string]any{"id": "scanner"}); err != nil {
		s.fatalf(t, "%v", err)
	}
	if err := v.qmp.waitDeviceDeleted("scanner", 2*time.Minute); err != nil {
		s.fatalf(t, "%v", err)
	}
	down := v.waitFor(t, "kioskd to see the scanner gone", time.Minute, func() (bool, string) {
		st := v.status(t)
		return !st.Scanner.Connected, st.Scanner.State
	})
	if err := v.qmp.do("device_add", s.m.arch.scannerDevice()); err != nil {
		s.fatalf(t, "%v", err)
	}
	up := v.waitFor(t, "kioskd to see the scanner back", 2*time.Minute, func() (bool, string) {
		st := v.status(t)
		return st.Scanner.Connected, st.Scanner.State
	})
	q := v.show(t, "kioskd.service", "MainPID", "NRestarts", "ActiveState")
	if q["MainPID"] != p["MainPID"] || q["NRestarts"] != p["NRestarts"] || q["ActiveState"] != "active" {
		s.errorf(t, "kioskd across the unplug: before %v, after %v; want the same process, still active", p, q)
	}
	v.expectVerdict(t, sampleByName(t, s.stick.Set, "EU certificate, red code"))
	s.logf(t, "check 4: scanner unplugged (device_del): seen gone after %.1fs; replugged: seen back after %.1fs; same kioskd, next scan judged",
		down.Seconds(), up.Seconds())
}

// checkHealthy is check 7, first half: on a slot whose kioskd becomes
// ready, venuekiosk-health.service passes the self-test and marks the
// slot good (the stand-in rauc records the call). This is what makes the
// second half's "not marked good" mean something.
func (s *system) checkHealthy(t *testing.T) {
	defer s.dumpOnFailure(t)
	v := s.v
	h, _ := s.healthFinished(t)
	if h["ActiveState"] != "active" || h["Result"] != "success" {
		s.fatalf(t, "venuekiosk-health.service: %v; want active, success", h)
	}
	calls := v.sh(t, "cat /var/log/rauc-standin.log")
	if !strings.Contains(calls, "status mark-good booted\n") {
		s.fatalf(t, "rauc was called %q; want status mark-good booted", calls)
	}
	s.logf(t, "check 7: a slot whose kioskd is ready: self-test passed, rauc status mark-good booted called")
}

// checkPowerCut is check 5: the technician brings a stick with a large
// update (a new revocation list) and kioskd, restarted, syncs from it; the
// machine is killed at points spread over that sync. Every following boot
// has a sound store holding exactly the old or the new revocation data,
// and judges passes.
func (s *system) checkPowerCut(t *testing.T) {
	defer s.dumpOnFailure(t)
	prev := s.v.status(t).version(store.DataRevocations)
	if prev != 1 {
		s.fatalf(t, "revocations version %d before the first update from the stick; want 1 (from the first boot's sync)", prev)
	}
	// A complete update to version 2, timed: the span the cuts spread on.
	s.v.sh(t, updateFrom(2))
	span := s.v.waitFor(t, "kioskd to sync version 2", 5*time.Minute, func() (bool, string) {
		v := s.v.status(t).version(store.DataRevocations)
		return v == 2, fmt.Sprintf("revocations version %d", v)
	})
	s.v.waitReady(t)
	t.Logf("%s", strings.TrimSpace(s.v.sh(t, "journalctl --no-pager -b -u kioskd.service -o cat | grep 'sync applied' | tail -n 1")))
	s.checkStore(t, 2, 2)
	s.v.expectVerdict(t, sampleByName(t, s.stick.Set, "EU certificate, revoked"))
	s.logf(t, "check 5: kioskd restarted with a stick holding %d new revocations had them applied after %.1fs", s.stick.Count[2], span.Seconds())
	prev = 2

	rng := rand.New(rand.NewPCG(s.seed, 0x5eed))
	span = span * 5 / 4 // and a little after its end
	var outcomes []string
	for i := range s.rounds {
		target := int64(3 + i)
		if target > s.stick.Last {
			s.fatalf(t, "the stick has repositories up to %d; round %d needs %d", s.stick.Last, i+1, target)
		}
		// Round i cuts in the i-th of s.rounds equal slices of the span.
		slice := span / time.Duration(s.rounds)
		at := slice*time.Duration(i) + time.Duration(rng.Int64N(int64(slice)))
		s.v.sh(t, updateFrom(target))
		time.Sleep(at)
		s.v.kill()
		s.boot(t) // without the stick: /run/vkstick went with the power
		got := s.checkStore(t, prev, target)
		outcome := "old"
		if got == target {
			outcome = "new"
		}
		s.v.expectVerdict(t, sampleByName(t, s.stick.Set, scanSamples[i%len(scanSamples)]))
		outcomes = append(outcomes, fmt.Sprintf("cut at %.1fs: %s (v%d)", at.Seconds(), outcome, got))
		t.Logf("round %d: update v%d→v%d cut %.2fs after kioskd's restart: the store holds v%d (%s), integrity ok, the scan judged", i+1, prev, target, at.Seconds(), got, outcome)
		prev = got
		if t.Failed() {
			break
		}
	}
	s.logf(t, "check 5: %d of %d power-cut rounds survived (seed %d): %s", len(outcomes), s.rounds, s.seed, strings.Join(outcomes, "; "))
}

// updateFrom "plugs in" the stick's repository k (kioskd's sync.source
// links to it) and restarts kioskd, which syncs from a local source first.
func updateFrom(k int64) string {
	return fmt.Sprintf("ln -sfn /media/stick/repo-%d /run/vkstick && systemctl restart --no-block kioskd.service", k)
}

// checkStore checks the store after a boot: integrity, no database moved
// aside, the revocations at version old or new with that version's count,
// the other data sets untouched. It returns the version held.
func (s *system) checkStore(t *testing.T, old, new int64) int64 {
	t.Helper()
	v := s.v
	if out := strings.TrimSpace(v.sh(t, "runuser -u kiosk -- sqlite3 -readonly /var/lib/venuekiosk/kiosk.db 'PRAGMA integrity_check;'")); out != "ok" {
		s.errorf(t, "PRAGMA integrity_check: %q; want ok", out)
	}
	if files := v.sh(t, "ls -a /var/lib/venuekiosk"); strings.Contains(files, ".corrupt-") {
		s.errorf(t, "a damaged database was moved aside:\n%s", files)
	}
	st := v.status(t)
	got := st.version(store.DataRevocations)
	if got != old && got != new {
		s.errorf(t, "revocations version %d; want %d (old) or %d (new)", got, old, new)
	}
	if st.Store == nil {
		s.fatalf(t, "kioskctl status has no store statistics: %v", st.Problems)
	}
	if want := s.stick.Count[got]; st.Store.Revocations != want {
		s.errorf(t, "%d revocations at version %d; that version has %d", st.Store.Revocations, got, want)
	}
	for _, name := range []string{store.DataTrust, store.DataCodes} {
		if ver := st.version(name); ver != 1 {
			s.errorf(t, "%s version %d; want 1 (untouched)", name, ver)
		}
	}
	for _, p := range st.Problems {
		if strings.Contains(p, "damaged") {
			s.errorf(t, "kioskctl status: %s", p)
		}
	}
	return got
}

// checkReboot is check 6: counters, the time floor and the synced data
// survive a clean reboot, and no holder's name, date of birth or payload
// is in the journal of any boot so far.
func (s *system) checkReboot(t *testing.T) {
	defer s.dumpOnFailure(t)
	before := s.v.status(t)
	if before.Today.Green+before.Today.Amber+before.Today.Red == 0 || before.Clock.Floor.IsZero() || len(before.Data) == 0 {
		s.fatalf(t, "nothing to keep before the reboot: today %v, floor %v, %d data sets", before.Today, before.Clock.Floor, len(before.Data))
	}
	s.reboot(t)
	after := s.v.status(t)
	if after.Today != before.Today {
		s.errorf(t, "today's counters: %v before the reboot, %v after", before.Today, after.Today)
	}
	if after.Clock.Floor.Before(before.Clock.Floor) {
		s.errorf(t, "time floor went back across the reboot: %v → %v", before.Clock.Floor, after.Clock.Floor)
	}
	if !after.Clock.Trusted {
		s.errorf(t, "the clock is not trusted after the reboot")
	}
	versions := func(st *kioskStatus) string {
		var b strings.Builder
		for _, d := range st.Data {
			fmt.Fprintf(&b, "%s v%d; ", d.Name, d.Version)
		}
		return b.String()
	}
	if versions(after) != versions(before) || after.Store == nil || before.Store == nil || *after.Store != *before.Store {
		s.errorf(t, "synced data: %s%+v before the reboot, %s%+v after", versions(before), before.Store, versions(after), after.Store)
	}
	s.logf(t, "check 6: across a clean reboot: counters (%v), time floor (%s), data (%s) kept", after.Today, after.Clock.Floor.Format(time.RFC3339), strings.TrimSuffix(versions(after), "; "))

	// The journal of every boot, every field.
	journal := s.v.sh(t, "journalctl --no-pager -o json")
	boots := journalBoots(journal)
	if !strings.Contains(journal, "kiosk ready") || !strings.Contains(journal, "indicator") {
		s.fatalf(t, "the journal holds no kioskd messages: the privacy search would prove nothing")
	}
	if boots < 2 {
		s.errorf(t, "the journal holds %d boot; want the boots so far (%d; a power cut may lose a boot's last seconds)", boots, s.m.boots)
	}
	for _, term := range privateTerms(s.stick.Set) {
		if strings.Contains(journal, term) {
			s.errorf(t, "the journal holds %q (a sample holder's name, date of birth or payload)", term)
		}
	}
	s.logf(t, "check 6: journal of %d of %d boots (%d KiB, every field): none of %d names, dates of birth or payload fragments", boots, s.m.boots, len(journal)>>10, len(privateTerms(s.stick.Set)))
}

// journalBoots counts the boots in journalctl -o json output.
func journalBoots(journal string) int {
	ids := map[string]bool{}
	for _, line := range strings.Split(journal, "\n") {
		var e struct {
			Boot string `json:"_BOOT_ID"`
		}
		if json.Unmarshal([]byte(line), &e) == nil && e.Boot != "" {
			ids[e.Boot] = true
		}
	}
	return len(ids)
}

// privateTerms are what must never be logged: each sample holder's name,
// family name, date of birth, and a fragment of each payload.
func privateTerms(set *samples.Set) []string {
	var terms []string
	for _, smp := range set.Samples {
		if n := smp.Holder.Name; n != "" {
			terms = append(terms, n)
			family, _, _ := strings.Cut(n, ",")
			if f := strings.Fields(family); len(f) > 0 && len(f[0]) >= 5 {
				terms = append(terms, f[0])
			}
		}
		if smp.Holder.DOB != "" {
			terms = append(terms, smp.Holder.DOB)
		}
		if p := smp.Payload; len(p) >= 64 {
			terms = append(terms, p[len(p)/2-16:len(p)/2+16])
		}
	}
	return terms
}

// healthFinished waits for this boot's venuekiosk-health.service to have
// run to its end, passed or failed, with its ExecStopPost done, and
// returns its state.
func (s *system) healthFinished(t *testing.T) (map[string]string, time.Duration) {
	t.Helper()
	var h map[string]string
	waited := s.v.waitFor(t, "venuekiosk-health.service to finish", 5*time.Minute, func() (bool, string) {
		h = s.v.show(t, "venuekiosk-health.service", "ActiveState", "SubState", "Result")
		return h["ActiveState"] == "active" && h["SubState"] == "exited" || h["ActiveState"] == "failed", fmt.Sprint(h)
	})
	return h, waited
}

// checkNeverReady is check 7, second half: the slot's kioskd fails before
// READY at boot (a stand-in that exits), then hangs before READY (a
// stand-in that never notifies); venuekiosk-health.service never runs and
// rauc is never asked to mark the slot good.
func (s *system) checkNeverReady(t *testing.T) {
	defer s.dumpOnFailure(t)
	// The boot before (check 6's) ran its own health check, which marks
	// the slot good, or, stopped half-way by the reboot, asks rauc for the
	// slots to fall back: let it finish before the record of rauc's calls
	// is cleared.
	if h, waited := s.healthFinished(t); waited > time.Second {
		t.Logf("boot %d: waited %.1fs for its health check to finish (%v)", s.v.n, waited.Seconds(), h)
	}
	s.v.sh(t, replaceKioskd("kioskd-fails")+" && : >/var/log/rauc-standin.log")
	s.v.reboot(t)
	s.v = s.m.boot(t)
	v := s.v
	var k map[string]string
	v.waitFor(t, "systemd to give up on kioskd and on the health check", 5*time.Minute, func() (bool, string) {
		k = v.show(t, "kioskd.service", "ActiveState", "Result", "NRestarts")
		jobs := v.sh(t, "systemctl list-jobs --no-legend")
		return k["ActiveState"] == "failed" && !strings.Contains(jobs, "venuekiosk-health"), fmt.Sprint(k, " jobs: ", jobs)
	})
	s.notMarkedGood(t)
	s.logf(t, "check 7: a slot whose kioskd fails before READY: systemd gave up after %s restarts (%s, %.0fs after QEMU started); the health check %s; rauc not called",
		k["NRestarts"], k["Result"], time.Since(v.started).Seconds(), s.healthFate(t))

	// The same slot, its kioskd hanging instead: systemd's start timeout
	// (shortened here to 15s) fails it; the health check does not run.
	v.sh(t, replaceKioskd("kioskd-hangs")+" && mkdir -p /run/systemd/system/kioskd.service.d && "+
		"printf '[Service]\\nTimeoutStartSec=15s\\n' >/run/systemd/system/kioskd.service.d/50-systemtest.conf && "+
		"systemctl daemon-reload && systemctl reset-failed kioskd.service venuekiosk-health.service && "+
		"systemctl start --no-block venuekiosk-health.service")
	since := guestSeconds(t, v.sh(t, "cut -d' ' -f1 /proc/uptime"))
	v.waitFor(t, "kioskd's start to time out", 3*time.Minute, func() (bool, string) {
		at, ok := journalTime(v.sh(t, "journalctl --no-pager -b -u kioskd.service -o json --output-fields=MESSAGE"), "Failed with result 'timeout'")
		return ok && at > since, "no timeout yet"
	})
	s.notMarkedGood(t)
	s.logf(t, "check 7: a slot whose kioskd hangs before READY: its start timed out (TimeoutStartSec 15s); the health check %s; rauc not called", s.healthFate(t))
}

// healthFate says what became of venuekiosk-health.service's start.
func (s *system) healthFate(t *testing.T) string {
	t.Helper()
	jobs := s.v.sh(t, "systemctl list-jobs --no-legend")
	log := s.v.sh(t, "journalctl --no-pager -b -o cat _PID=1 | grep -F 'venuekiosk update health check' || true")
	switch {
	case strings.Contains(jobs, "venuekiosk-health"):
		return "is still waiting for kioskd (start job queued)"
	case strings.Contains(log, "Dependency failed"):
		return "never ran (\"Dependency failed\": its start job failed with kioskd's)"
	}
	return "never ran"
}

// replaceKioskd puts the stand-in over /usr/bin/kioskd (by renaming: the
// running one's file stays intact).
func replaceKioskd(standIn string) string {
	return "cp " + guestTools + "/" + standIn + " /usr/bin/kioskd.new && mv -f /usr/bin/kioskd.new /usr/bin/kioskd"
}

// notMarkedGood: venuekiosk-health.service did not run this boot, and rauc
// was not called.
func (s *system) notMarkedGood(t *testing.T) {
	t.Helper()
	h := s.v.show(t, "venuekiosk-health.service", "ActiveState", "ExecMainStartTimestampMonotonic")
	if h["ExecMainStartTimestampMonotonic"] != "0" || h["ActiveState"] == "active" {
		s.errorf(t, "venuekiosk-health.service ran: %v", h)
	}
	if calls := s.v.sh(t, "cat /var/log/rauc-standin.log"); calls != "" {
		s.errorf(t, "rauc was called: %q", calls)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return n
}
