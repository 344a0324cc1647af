package systemtest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Timeouts, generous for TCG on a loaded two-core machine.
const (
	bootAttempts    = 2               // a boot whose kernel locks up is tried again, once
	connectTimeout  = time.Minute     // QEMU connects its sockets at start
	agentTimeout    = 5 * time.Minute // kernel, initrd and systemd up to the agent
	shutdownTimeout = 3 * time.Minute // a clean reboot, until QEMU exits
)

// machine is the virtual kiosk across its boots: the disks, the guest's
// clock and a directory for the sockets and console logs.
type machine struct {
	top   *testing.T // the whole test: a boot outlives the check that made it
	rec   *record    // the run's summary, which repeats failures
	arch  *arch
	img   *image
	dir   string
	clock guestClock
	boots int
	// The next boot's root, on a machine with slots: chosen by
	// chooseSlot before each boot.
	slot           string
	kernel, initrd string
}

// vm is one boot of the machine: a QEMU process and the host's ends of
// the guest's serial ports.
type vm struct {
	m       *machine
	n       int    // boot number, from 1
	slot    string // the root slot booted (A or B), on a machine with slots
	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error
	started time.Time
	console string // the guest's console (ttyS0) log

	agent   *agent
	qmp     *qmp
	scanner net.Conn // the host end of the guest's /dev/ttyS1
	// usbScanner is the host end of the USB serial scanner that check 8
	// plugs in (usb-serial on the xHCI bus, the guest's /dev/ttyUSB0).
	usbScanner net.Conn
	bootID     string
}

// qemuArgs is the machine: x86-64 (or arm64: arch.go) under TCG, no
// network, the root disk and the read-only stick on virtio, the console on
// ttyS0 (ttyAMA0 on arm64; a file), the agent on a virtio-serial port, QMP,
// and the scanner as a hot-pluggable PCI 16550. With 8250.nr_uarts=2 the
// kernel keeps two serial slots; on x86-64 ttyS0 is the ISA console and
// the PCI port takes ttyS1: the scanner is /dev/ttyS1 (on arm64 it is the
// first 8250, ttyS0, behind a PCIe root port whose native hot-plug takes
// it), and device_del/device_add unplug and replug it. An xHCI
// controller takes check 8's hot-plugged USB devices: a USB serial
// scanner (its chardev is connected from the start) and a USB keyboard,
// polled every millisecond (usbhid.kbpoll=1) as a scanner's keyboard
// interface is, rather than every 8 ms as QEMU's keyboard asks: QEMU
// hands the guest one key event per poll and drops events beyond 16.
func (m *machine) qemuArgs(n int) []string {
	sock := func(name string) string { return filepath.Join(m.dir, name) }
	kernel, initrd, root := m.img.Kernel, m.img.Initrd, "root=/dev/vda rw"
	if m.arch.Slots {
		kernel, initrd = m.kernel, m.initrd
		root = fmt.Sprintf("root=/dev/vda%d rw rauc.slot=%s", slotPartition[m.slot], m.slot)
	}
	scanner := []string{"-device", "pci-serial,chardev=scan,id=scanner"}
	if m.arch.ScannerBus != "" {
		scanner = []string{"-device", "pcie-root-port,id=" + m.arch.ScannerBus + ",chassis=1",
			"-device", "pci-serial,chardev=scan,id=scanner,bus=" + m.arch.ScannerBus}
	}
	a := append([]string{}, m.arch.Board...)
	a = append(a, "-accel", "tcg", "-smp", "2", "-m", "1024",
		"-display", "none", "-monitor", "none", "-nic", "none", "-no-reboot",
		"-rtc", "base="+m.clock.Now().UTC().Format("2006-01-02T15:04:05")+",clock=host",
		"-kernel", kernel, "-initrd", initrd,
		"-append", root+" console="+m.arch.Console+" 8250.nr_uarts=2 usbhid.kbpoll=1 quiet panic=1",
		"-drive", "file="+m.img.Root+",if=virtio,format=raw",
		"-drive", "file="+m.img.Stick+",if=virtio,format=raw,readonly=on",
		"-chardev", "file,id=con,path="+m.consolePath(n), "-serial", "chardev:con",
		"-chardev", "socket,id=qmp,path="+sock("qmp.sock"), "-mon", "chardev=qmp,mode=control",
		"-device", "virtio-serial-pci",
		"-chardev", "socket,id=agent,path="+sock("agent.sock"),
		"-device", "virtserialport,chardev=agent,name=vk.agent",
		"-chardev", "socket,id=scan,path="+sock("scan.sock"))
	a = append(a, scanner...)
	return append(a,
		"-device", "qemu-xhci,id=xhci",
		// QEMU's USB keyboard says when its queue drops a key (check 8).
		"-trace", "hid_kbd_queue_full",
		"-chardev", "socket,id=usbscan,path="+sock("usbscan.sock"),
	)
}

// qemuLog is the boot's QEMU output: errors, and the trace events
// qemuArgs enables.
func (v *vm) qemuLog() string { return filepath.Join(v.m.dir, fmt.Sprintf("qemu-%d.log", v.n)) }

func (m *machine) consolePath(n int) string {
	return filepath.Join(m.dir, fmt.Sprintf("console-%d.log", n))
}

// boot starts the machine and returns once the agent answers. A boot
// whose guest kernel locks up before that (see lockup) is powered off and
// started again, once.
func (m *machine) boot(t *testing.T) *vm {
	t.Helper()
	for attempt := 1; ; attempt++ {
		v, lockup := m.start(t, attempt < bootAttempts)
		if v != nil {
			return v
		}
		m.rec.logf(t, "boot %d: the guest kernel locked up before the agent started (%s): an emulator stall, not the kiosk's; powered off and booted again", m.boots, lockup)
	}
}

// start starts the machine and returns once the agent answers. When
// retry is set and the guest kernel locks up first, it kills QEMU and
// returns nil and the console line that showed the lockup.
func (m *machine) start(t *testing.T, retry bool) (*vm, string) {
	t.Helper()
	m.boots++
	v := &vm{m: m, n: m.boots, exited: make(chan struct{}), console: m.consolePath(m.boots)}
	if m.arch.Slots {
		v.slot = m.chooseSlot(t)
	}
	listen := func(name string) *net.UnixListener {
		p := filepath.Join(m.dir, name)
		os.Remove(p)
		l, err := net.ListenUnix("unix", &net.UnixAddr{Name: p, Net: "unix"})
		if err != nil {
			v.m.rec.fatalf(t, "%v", err)
		}
		return l
	}
	lq, la, ls, lu := listen("qmp.sock"), listen("agent.sock"), listen("scan.sock"), listen("usbscan.sock")
	defer lq.Close()
	defer la.Close()
	defer ls.Close()
	defer lu.Close()

	qlog, err := os.Create(v.qemuLog())
	if err != nil {
		v.m.rec.fatalf(t, "%v", err)
	}
	v.cmd = exec.Command(m.arch.QEMU, m.qemuArgs(v.n)...)
	v.cmd.Stdout, v.cmd.Stderr = qlog, qlog
	v.started = time.Now()
	if err := v.cmd.Start(); err != nil {
		qlog.Close()
		v.m.rec.fatalf(t, "%v", err)
	}
	go func() {
		v.waitErr = v.cmd.Wait()
		qlog.Close()
		close(v.exited)
	}()
	m.top.Cleanup(v.kill)

	accept := func(l *net.UnixListener) net.Conn {
		l.SetDeadline(time.Now().Add(connectTimeout))
		c, err := l.Accept()
		if err != nil {
			v.kill()
			b, _ := os.ReadFile(qlog.Name())
			v.m.rec.fatalf(t, "boot %d: QEMU did not connect %s: %v\n%s", v.n, l.Addr(), err, b)
		}
		return c
	}
	v.qmp = newQMP(accept(lq))
	v.agent = newAgent(accept(la))
	v.scanner = accept(ls)
	v.usbScanner = accept(lu)
	if err := v.qmp.handshake(); err != nil {
		v.m.rec.fatalf(t, "boot %d: QMP: %v", v.n, err)
	}
	lockedUp := make(chan string, 1)
	watched := make(chan struct{})
	go v.watchLockup(lockedUp, watched)
	id, err := v.agent.hello(agentTimeout, v.exited)
	close(watched)
	if err != nil {
		v.kill()
		select {
		case line := <-lockedUp:
			if retry {
				v.closeConns()
				return nil, line
			}
		default:
		}
		v.m.rec.fatalf(t, "boot %d: the guest agent did not start: %v\nconsole:\n%s", v.n, err, v.consoleTail(3000))
	}
	v.bootID = id
	t.Logf("boot %d: guest agent up %.1fs after QEMU started (boot id %s%s)", v.n, time.Since(v.started).Seconds(), id, v.slotNote())
	return v, ""
}

// lockupLine is the kernel's soft-lockup report; lockupStuck is how long a
// CPU must be stuck for the boot to count as hung. Under TCG a guest's
// vCPUs can livelock early in boot (seen once in CI: modprobe and systemd
// stuck for minutes, RCU starved); a guest that is merely slow on a
// loaded host reports shorter lockups and recovers.
var lockupLine = regexp.MustCompile(`soft lockup - CPU#\d+ stuck for (\d+)s`)

const lockupStuck = 60 // seconds

// lockedUp reports the first console line showing a CPU stuck for at
// least lockupStuck seconds.
func lockedUp(console string) (string, bool) {
	for _, m := range lockupLine.FindAllStringSubmatchIndex(console, -1) {
		if n, _ := strconv.Atoi(console[m[2]:m[3]]); n >= lockupStuck {
			return console[m[0]:m[1]], true
		}
	}
	return "", false
}

// watchLockup reads the console until done; on a lockup it sends the line
// to found and powers the machine off.
func (v *vm) watchLockup(found chan<- string, done <-chan struct{}) {
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-v.exited:
			return
		case <-tick.C:
		}
		b, _ := os.ReadFile(v.console)
		if line, ok := lockedUp(string(b)); ok {
			found <- line
			v.cmd.Process.Kill()
			return
		}
	}
}

// kill ends QEMU at once: the power cut. The guest writes nothing more.
func (v *vm) kill() {
	select {
	case <-v.exited:
		return
	default:
	}
	v.cmd.Process.Kill()
	<-v.exited
	v.closeConns()
}

func (v *vm) closeConns() {
	for _, c := range []interface{ Close() error }{v.agent, v.qmp, v.scanner, v.usbScanner} {
		if c != nil {
			c.Close()
		}
	}
}

// reboot reboots the guest cleanly (systemctl reboot): QEMU, run with
// -no-reboot, exits once the guest has shut down; the caller boots again.
func (v *vm) reboot(t *testing.T) {
	t.Helper()
	// The agent may be stopped before it answers: the reboot's outcome is
	// QEMU's exit and the kernel's last words on the console.
	v.agent.run([]string{"systemctl", "--no-block", "reboot"}, 30*time.Second)
	select {
	case <-v.exited:
	case <-time.After(shutdownTimeout):
		v.kill()
		v.m.rec.fatalf(t, "boot %d: the guest did not shut down within %v\nconsole:\n%s", v.n, shutdownTimeout, v.consoleTail(3000))
	}
	v.closeConns()
	var exit *exec.ExitError
	if v.waitErr != nil && !errors.As(v.waitErr, &exit) {
		v.m.rec.fatalf(t, "boot %d: QEMU: %v", v.n, v.waitErr)
	}
	if v.waitErr != nil {
		v.m.rec.fatalf(t, "boot %d: QEMU exited with %v after the reboot", v.n, v.waitErr)
	}
	if !strings.Contains(v.consoleTail(4000), "reboot: Restarting system") {
		v.m.rec.fatalf(t, "boot %d: the console does not show a clean restart:\n%s", v.n, v.consoleTail(3000))
	}
}

// consoleTail returns the end of the guest's console log.
func (v *vm) consoleTail(n int) string {
	b, err := os.ReadFile(v.console)
	if err != nil {
		return err.Error()
	}
	return tail(string(b), n)
}

// chooseSlot is the bootloader of a machine with slots (bootloader.go): it
// spends an attempt of the slot boot.cmd would choose, saves the state
// and takes that slot's kernel. It returns the slot.
func (m *machine) chooseSlot(t *testing.T) string {
	t.Helper()
	before, err := readBootState(m.img.Root)
	if err != nil {
		m.rec.fatalf(t, "boot %d: the slot choice's state: %v", m.boots, err)
	}
	slot, after := before.choose()
	if os.Getenv(envBreak) == "slot-choice" {
		slot = "A" // deliberately wrong: a boot script that ignores BOOT_ORDER
	}
	if slot == "" {
		m.rec.fatalf(t, "boot %d: no slot to boot: %q", m.boots, before.String())
	}
	if err := writeBootState(m.img.Root, after); err != nil {
		m.rec.fatalf(t, "boot %d: saving the slot choice's state: %v", m.boots, err)
	}
	if m.kernel, m.initrd, err = slotKernel(m.img.Root, slotPartition[slot], m.dir); err != nil {
		m.rec.fatalf(t, "boot %d: slot %s: %v", m.boots, slot, err)
	}
	m.slot = slot
	t.Logf("boot %d: the bootloader (played by the host) chose slot %s: %s → %s",
		m.boots, slot, strings.ReplaceAll(strings.TrimSpace(before.String()), "\n", ", "), strings.ReplaceAll(strings.TrimSpace(after.String()), "\n", ", "))
	return slot
}

// slotNote names the boot's slot, if it has one.
func (v *vm) slotNote() string {
	if v.slot == "" {
		return ""
	}
	return ", slot " + v.slot
}
