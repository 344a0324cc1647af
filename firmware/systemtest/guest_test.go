package systemtest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/samples"
)

// Polling in the guest.
const (
	pollEvery    = 500 * time.Millisecond
	readyTimeout = 3 * time.Minute
	scanTimeout  = time.Minute
	cmdTimeout   = 2 * time.Minute
)

// sh runs script with sh -c in the guest as root and returns its
// standard output; a non-zero exit fails the test.
func (v *vm) sh(t *testing.T, script string) string {
	t.Helper()
	out, code, err := v.try(script)
	if err != nil {
		v.m.rec.fatalf(t, "boot %d: %s: %v", v.n, script, err)
	}
	if code != 0 {
		v.m.rec.fatalf(t, "boot %d: %s: exit %d: %s", v.n, script, code, out)
	}
	return out
}

// try runs script and returns its standard output (its standard error
// too when it fails) and exit status.
func (v *vm) try(script string) (string, int, error) {
	res, err := v.agent.run([]string{"sh", "-c", script}, cmdTimeout)
	if err != nil {
		return "", -1, err
	}
	if res.Exit != 0 {
		return res.Stdout + res.Stderr, res.Exit, nil
	}
	return res.Stdout, 0, nil
}

// show returns properties of a unit (systemctl show).
func (v *vm) show(t *testing.T, unit string, props ...string) map[string]string {
	t.Helper()
	return parseShow(v.sh(t, "systemctl show --property="+strings.Join(props, ",")+" "+unit))
}

// parseShow parses systemctl show's KEY=VALUE lines.
func parseShow(out string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, val, ok := strings.Cut(line, "="); ok {
			m[k] = val
		}
	}
	return m
}

// usec parses a systemd time property: microseconds ("20000000", as
// the *Monotonic ones print) or a time span ("20s", "1min 30s", "100ms").
func usec(t *testing.T, s string) time.Duration {
	t.Helper()
	d, err := parseUsec(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func parseUsec(s string) (time.Duration, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Duration(n) * time.Microsecond, nil
	}
	units := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second, "min": time.Minute, "h": time.Hour}
	var total time.Duration
	f := strings.Fields(s)
	if len(f) == 0 {
		return 0, fmt.Errorf("time span %q: empty", s)
	}
	for _, part := range f {
		i := strings.IndexFunc(part, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
		if i <= 0 {
			return 0, fmt.Errorf("time span %q: bad part %q", s, part)
		}
		n, err := strconv.ParseFloat(part[:i], 64)
		unit, ok := units[part[i:]]
		if err != nil || !ok {
			return 0, fmt.Errorf("time span %q: bad part %q", s, part)
		}
		total += time.Duration(n * float64(unit))
	}
	return total, nil
}

// kioskStatus is the part of `kioskctl status --json` the checks read.
type kioskStatus struct {
	Daemon struct {
		Running bool   `json:"running"`
		Summary string `json:"summary"`
	} `json:"daemon"`
	Clock struct {
		Trusted bool      `json:"trusted"`
		Now     time.Time `json:"now"`
		Floor   time.Time `json:"floor"`
	} `json:"clock"`
	Data []struct {
		Name    string    `json:"name"`
		Version int64     `json:"version"`
		Signed  time.Time `json:"signed"`
		Source  string    `json:"source"`
	} `json:"data"`
	Store *struct {
		Revocations int64 `json:"revocations"`
		Codes       int64 `json:"codes"`
		TrustKeys   int64 `json:"trust_keys"`
	} `json:"store"`
	Today   counts `json:"today"`
	Scanner struct {
		Connected bool   `json:"connected"`
		State     string `json:"state"`
	} `json:"scanner"`
	Problems []string `json:"problems"`
}

type counts struct{ Green, Amber, Red, Entries int64 }

func (c counts) String() string {
	return fmt.Sprintf("green %d, amber %d, red %d, entries %d", c.Green, c.Amber, c.Red, c.Entries)
}

func (s *kioskStatus) version(name string) int64 {
	for _, d := range s.Data {
		if d.Name == name {
			return d.Version
		}
	}
	return 0
}

// status runs `kioskctl status --json` as the kiosk user.
func (v *vm) status(t *testing.T) *kioskStatus {
	t.Helper()
	out := v.sh(t, "runuser -u kiosk -- kioskctl status --json")
	var s kioskStatus
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		v.m.rec.fatalf(t, "boot %d: kioskctl status --json: %v\n%s", v.n, err, out)
	}
	return &s
}

// waitReady waits for kioskd.service to be active (READY=1) and returns
// the guest's monotonic time of it (since the kernel started).
func (v *vm) waitReady(t *testing.T) time.Duration {
	t.Helper()
	deadline := time.Now().Add(readyTimeout)
	for {
		p := v.show(t, "kioskd.service", "ActiveState", "SubState", "ActiveEnterTimestampMonotonic")
		if p["ActiveState"] == "active" && p["SubState"] == "running" {
			return usec(t, p["ActiveEnterTimestampMonotonic"])
		}
		if time.Now().After(deadline) {
			v.m.rec.fatalf(t, "boot %d: kioskd.service not ready after %v: %v", v.n, readyTimeout, p)
		}
		time.Sleep(pollEvery)
	}
}

// waitFor polls cond (which reports whether it holds, and what it saw)
// until it holds or timeout passes.
func (v *vm) waitFor(t *testing.T, what string, timeout time.Duration, cond func() (bool, string)) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		ok, saw := cond()
		if ok {
			return time.Since(start)
		}
		if time.Since(start) > timeout {
			v.m.rec.fatalf(t, "boot %d: %s: not within %v (last: %s)", v.n, what, timeout, saw)
		}
		time.Sleep(pollEvery)
	}
}

// scan writes payload to the scanner's serial line, ended by CR as a
// scanner module sends it.
func (v *vm) scan(t *testing.T, payload string) {
	t.Helper()
	v.scanner.SetWriteDeadline(time.Now().Add(30 * time.Second))
	if _, err := v.scanner.Write([]byte(payload + "\r")); err != nil {
		v.m.rec.fatalf(t, "boot %d: scanner: %v", v.n, err)
	}
}

// expectVerdict scans s and waits until today's counters show exactly one
// more verdict, of the sample's colour; it returns how long that took.
func (v *vm) expectVerdict(t *testing.T, s samples.Sample) time.Duration {
	t.Helper()
	return v.expectVerdictBy(t, s, func() { v.scan(t, s.Payload) })
}

// expectVerdictBy is expectVerdict with the scan sent by send.
func (v *vm) expectVerdictBy(t *testing.T, s samples.Sample, send func()) time.Duration {
	t.Helper()
	before := v.status(t).Today
	send()
	after, d := v.waitVerdict(t, s, before)
	want := v.afterVerdict(t, s, before)
	if after != want {
		v.m.rec.fatalf(t, "boot %d: %s (want %s): counters went from %v to %v; want %v", v.n, s.Name, s.Expect, before, after, want)
	}
	return d
}

// waitVerdict waits until today's counters show a verdict more than
// before, and returns them and how long that took.
func (v *vm) waitVerdict(t *testing.T, s samples.Sample, before counts) (counts, time.Duration) {
	t.Helper()
	var after counts
	d := v.waitFor(t, "a verdict for "+s.Name, scanTimeout, func() (bool, string) {
		after = v.status(t).Today
		return after.Green+after.Amber+after.Red > before.Green+before.Amber+before.Red, after.String()
	})
	return after, d
}

// afterVerdict is what today's counters become when s gets its verdict.
func (v *vm) afterVerdict(t *testing.T, s samples.Sample, before counts) counts {
	t.Helper()
	want := before
	switch s.Expect {
	case "green":
		want.Green++
		want.Entries++
	case "amber":
		want.Amber++
	case "red":
		want.Red++
	default:
		v.m.rec.fatalf(t, "sample %s expects %q", s.Name, s.Expect)
	}
	return want
}

// dump prints what a failure needs: the guest's journal for this boot
// (or, when the agent does not answer, the console).
func (v *vm) dump(t *testing.T) {
	t.Helper()
	out, _, err := v.try("systemctl --no-pager --failed; systemctl --no-pager status kioskd.service venuekiosk-health.service; " +
		"journalctl --no-pager -b -o short-monotonic -n 400")
	if err != nil {
		t.Logf("boot %d: the agent does not answer (%v); console:\n%s", v.n, err, v.consoleTail(6000))
		return
	}
	t.Logf("boot %d: guest state and journal:\n%s", v.n, tail(out, 60000))
}
