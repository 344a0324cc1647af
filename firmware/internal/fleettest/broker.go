// Package fleettest runs a real Mosquitto broker (Debian's mosquitto
// package, https://mosquitto.org/man/mosquitto-conf-5.html) on loopback
// for tests, and gives plain MQTT 5 clients to talk to it. Tests skip, with
// a message naming the package, where mosquitto is not installed.
package fleettest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Opts configures a broker.
type Opts struct {
	// Conf, when set, is a whole mosquitto.conf (such as the shipped
	// example): its listener lines are pointed at the test's loopback
	// port, its password_file and acl_file at Users' and ACL's files, and
	// every other "key path" line named in Paths is rewritten. When empty,
	// a plain loopback broker is configured.
	Conf  string
	Paths map[string]string
	// Anonymous allows clients without a username (generated Conf only).
	Anonymous bool
	// Users become the password file (hashed with mosquitto_passwd -U).
	Users map[string]string
	// ACL is the acl_file's text.
	ACL string
	// Persist keeps retained messages and sessions across Restart.
	Persist bool
	// Extra lines appended to the configuration.
	Extra []string
}

// Broker is a running mosquitto.
type Broker struct {
	t    testing.TB
	Dir  string // its configuration, password, ACL, log and database
	Port int
	Addr string // 127.0.0.1:port
	conf string

	mu sync.Mutex
	p  *proc // nil while stopped
}

// proc is one run of mosquitto.
type proc struct {
	cmd    *exec.Cmd
	exited chan struct{}
}

// Binary returns mosquitto's path, or "" when it is not installed.
func Binary() string {
	if p, err := exec.LookPath("mosquitto"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/mosquitto"); err == nil {
		return "/usr/sbin/mosquitto"
	}
	return ""
}

// Skip skips t when mosquitto is missing.
func Skip(t testing.TB) {
	t.Helper()
	if Binary() == "" {
		t.Skip("mosquitto is not installed (Debian package mosquitto; make test installs it)")
	}
}

// Start configures and starts a broker on a free loopback port; it is
// stopped when the test ends.
func Start(t testing.TB, o Opts) *Broker {
	t.Helper()
	Skip(t)
	b := &Broker{t: t, Dir: t.TempDir()}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b.Port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	b.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(b.Port))

	var lines []string
	if o.Conf != "" {
		paths := map[string]string{}
		if len(o.Users) > 0 {
			paths["password_file"] = filepath.Join(b.Dir, "passwd")
		}
		if o.ACL != "" {
			paths["acl_file"] = filepath.Join(b.Dir, "acl")
		}
		for k, v := range o.Paths {
			paths[k] = v
		}
		lines = b.rewrite(o.Conf, paths)
	} else {
		lines = append(lines, "per_listener_settings false", "listener "+strconv.Itoa(b.Port)+" 127.0.0.1",
			"allow_anonymous "+strconv.FormatBool(o.Anonymous))
		if len(o.Users) > 0 {
			lines = append(lines, "password_file "+filepath.Join(b.Dir, "passwd"))
		}
		if o.ACL != "" {
			lines = append(lines, "acl_file "+filepath.Join(b.Dir, "acl"))
		}
		lines = append(lines, "persistence "+strconv.FormatBool(o.Persist), "persistence_location "+b.Dir+"/")
	}
	lines = append(lines, "log_dest file "+filepath.Join(b.Dir, "mosquitto.log"),
		"log_type error", "log_type warning", "log_type notice", "log_type information", "connection_messages true")
	if os.Geteuid() == 0 {
		lines = append(lines, "user root") // mosquitto would drop to a user that cannot read t.TempDir
	}
	lines = append(lines, o.Extra...)
	if len(o.Users) > 0 {
		var pw strings.Builder
		for u, p := range o.Users {
			fmt.Fprintf(&pw, "%s:%s\n", u, p)
		}
		path := filepath.Join(b.Dir, "passwd")
		if err := os.WriteFile(path, []byte(pw.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("mosquitto_passwd", "-U", path).CombinedOutput(); err != nil {
			t.Fatalf("mosquitto_passwd -U: %v: %s", err, out)
		}
	}
	if o.ACL != "" {
		if err := os.WriteFile(filepath.Join(b.Dir, "acl"), []byte(o.ACL), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	b.conf = filepath.Join(b.Dir, "mosquitto.conf")
	if err := os.WriteFile(b.conf, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b.start()
	t.Cleanup(b.Stop)
	return b
}

var keyLine = regexp.MustCompile(`^(\s*)([a-z_]+)(\s+)(.*)$`)

// rewrite points a full configuration at the test's port and paths.
func (b *Broker) rewrite(conf string, paths map[string]string) []string {
	var out []string
	for _, l := range strings.Split(conf, "\n") {
		m := keyLine.FindStringSubmatch(l)
		switch {
		case m == nil:
		case m[2] == "listener":
			l = "listener " + strconv.Itoa(b.Port) + " 127.0.0.1"
		case m[2] == "persistence_location":
			l = "persistence_location " + b.Dir + "/"
		case m[2] == "log_dest" || m[2] == "user":
			l = "" // the harness sets these
		default:
			if p, ok := paths[m[2]]; ok {
				l = m[2] + " " + p
			}
		}
		out = append(out, l)
	}
	return out
}

func (b *Broker) start() {
	b.t.Helper()
	cmd := exec.Command(Binary(), "-c", b.conf)
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &errOut, &errOut
	if err := cmd.Start(); err != nil {
		b.t.Fatalf("starting mosquitto: %v", err)
	}
	p := &proc{cmd: cmd, exited: make(chan struct{})}
	go func() { cmd.Wait(); close(p.exited) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", b.Addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-p.exited:
			b.t.Fatalf("mosquitto exited: %v\n%s\n%s", cmd.ProcessState, errOut.String(), b.Log())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-p.exited
			b.t.Fatalf("mosquitto did not listen on %s within 10s\n%s", b.Addr, b.Log())
		}
	}
	b.mu.Lock()
	b.p = p
	b.mu.Unlock()
}

// Stop ends the broker (SIGTERM: it saves its database when persistent)
// and waits until it has exited.
func (b *Broker) Stop() {
	b.mu.Lock()
	p := b.p
	b.p = nil
	b.mu.Unlock()
	if p == nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.exited
	}
}

// Restart starts the broker again on the same port with the same files.
func (b *Broker) Restart() {
	b.t.Helper()
	b.Stop()
	b.start()
}

// URL is the broker's mqtt:// URL.
func (b *Broker) URL() string { return "mqtt://" + b.Addr }

// Pid is the running broker's process ID (0 when stopped).
func (b *Broker) Pid() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.p == nil {
		return 0
	}
	return b.p.cmd.Process.Pid
}

// Log returns the broker's log so far.
func (b *Broker) Log() string {
	out, _ := os.ReadFile(filepath.Join(b.Dir, "mosquitto.log"))
	return string(out)
}

// CPU returns the CPU time (user + system) the broker has used, from
// /proc/<pid>/stat.
func (b *Broker) CPU() (time.Duration, error) {
	return ProcessCPU(b.Pid())
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

// ProcessCPU returns utime + stime of process pid.
func ProcessCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; fields count from the
	// closing parenthesis.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	// f[0] is field 3 (state); utime is field 14, stime field 15.
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: utime %q, stime %q", pid, f[11], f[12])
	}
	return time.Duration(ut+st) * time.Second / clockTicks, nil
}

// RSS returns the broker's resident memory in bytes, from
// /proc/<pid>/status.
func (b *Broker) RSS() (int64, error) {
	s, err := os.ReadFile("/proc/" + strconv.Itoa(b.Pid()) + "/status")
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(s), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS")
}
