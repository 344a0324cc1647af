package image

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// raspi3bTimeout bounds one boot of the card under QEMU's raspi3b (TCG,
// four emulated Cortex-A53): U-Boot reads the kernel and initramfs from
// the SD card at 1–2 MB/s, and kioskd is ready some two minutes after the
// kernel starts.
const raspi3bTimeout = 12 * time.Minute

// TestRaspi3bBootChain boots the card itself — its partition table, its
// U-Boot (u-boot.bin, as config.txt names it), boot.scr, uboot.env, the
// kernel and initramfs in slot A, the root file system on the SD card —
// under qemu-system-aarch64 -M raspi3b. QEMU stands in for the Raspberry
// Pi firmware only: it loads u-boot.bin and the card's bcm2837-rpi-3-b.dtb
// and puts cmdline.txt's line (plus what the test needs) in the device
// tree, as the firmware does. The real U-Boot then runs boot.scr: spends
// one of slot A's attempts and saves the environment, boots slot A's kernel
// with the firmware's command line and root=/dev/mmcblk0p2, and systemd
// brings kioskd to READY. Afterwards the environment U-Boot saved on the
// boot partition is read back: BOOT_A_LEFT went from 3 to 2.
//
// Two things the test adds to the command line: module_blacklist=
// bcm2835_wdt (QEMU's raspi3b resets the machine when Linux's BCM2835
// watchdog driver probes; seen here, not on hardware) and kioskd's journal
// forwarded to the console, where the test reads READY (there is no other
// way in: no network, no agent).
func TestRaspi3bBootChain(t *testing.T) {
	dir := needImage(t)
	for _, tool := range []struct{ name, pkg string }{{"qemu-system-aarch64", "qemu-system-arm"}, {"qemu-img", "qemu-utils"}, {"mcopy", "mtools"}} {
		needTool(t, tool.name, tool.pkg)
	}
	work := t.TempDir()
	card := filepath.Join(work, "sd.img")
	run(t, "cp", "--sparse=always", filepath.Join(dir, "sdcard.img"), card)
	// QEMU's SD card must be a power of two in size.
	run(t, "qemu-img", "resize", "-q", "-f", "raw", card, "2G")
	_, _, parts := readCard(t, card)
	boot := fmt.Sprintf("%s@@%d", card, parts[0].start)
	files := map[string]string{}
	for _, f := range []string{"u-boot.bin", "bcm2837-rpi-3-b.dtb", "cmdline.txt", "uboot.env"} {
		files[f] = filepath.Join(work, f)
		run(t, "mcopy", "-n", "-i", boot, "::"+f, files[f])
	}
	before := envVars(t, files["uboot.env"])
	if before["BOOT_ORDER"] != "A B" || before["BOOT_A_LEFT"] != "3" {
		t.Fatalf("the card's uboot.env: BOOT_ORDER %q, BOOT_A_LEFT %q; want \"A B\", 3", before["BOOT_ORDER"], before["BOOT_A_LEFT"])
	}
	cmdline := strings.TrimSpace(string(mustRead(t, files["cmdline.txt"])))

	console := filepath.Join(work, "console.log")
	q := exec.Command("qemu-system-aarch64", "-M", "raspi3b", "-display", "none", "-monitor", "none",
		"-kernel", files["u-boot.bin"], "-dtb", files["bcm2837-rpi-3-b.dtb"],
		"-append", cmdline+" console=ttyS1,115200 module_blacklist=bcm2835_wdt systemd.journald.forward_to_console=1",
		"-drive", "file="+card+",if=sd,format=raw",
		// U-Boot and Linux talk on the mini UART (the device tree's
		// stdout-path); the PL011 is the Bluetooth one.
		"-serial", "null", "-serial", "file:"+console)
	q.Stdout, q.Stderr = os.Stderr, os.Stderr
	if err := q.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- q.Wait() }()
	stop := func() {
		q.Process.Kill()
		<-exited
	}
	start := time.Now()
	steps := []struct{ what, text string }{
		{"U-Boot finds boot.scr on the boot partition", "Found U-Boot script /boot.scr"},
		{"boot.scr spends one of slot A's attempts", "venuekiosk: slot A (mmc 0:2); attempts left A=2 B=0"},
		{"the kernel gets the firmware's command line", "Kernel command line: " + cmdline + " console=ttyS1,115200"},
		{"and slot A's root after it", " root=/dev/mmcblk0p2 rootfstype=ext4 ro rootwait rauc.slot=A "},
		{"the root file system is slot A on the SD card", "EXT4-fs (mmcblk0p2): mounted filesystem"},
		{"the data partition is mounted", "systemd[1]: Mounted var-lib-venuekiosk.mount"},
		{"kioskd reaches READY", "systemd[1]: Started kioskd.service"},
	}
	var log string
	seen := map[string]time.Duration{}
	for _, step := range steps {
		for !strings.Contains(log, step.text) {
			select {
			case err := <-exited:
				exited <- err
				t.Fatalf("QEMU ended (%v) before: %s\nconsole:\n%s", err, step.what, lastBytes(log, 4000))
			case <-time.After(2 * time.Second):
			}
			if strings.Contains(log, "did not start; resetting") {
				stop()
				t.Fatalf("boot.scr could not start slot A, before: %s\nconsole:\n%s", step.what, lastBytes(log, 4000))
			}
			if time.Since(start) > raspi3bTimeout {
				stop()
				t.Fatalf("after %s, not yet: %s (want %q)\nconsole:\n%s", raspi3bTimeout, step.what, step.text, lastBytes(log, 4000))
			}
			b, _ := os.ReadFile(console)
			log = strings.ReplaceAll(string(b), "\r", "")
		}
		seen[step.what] = time.Since(start)
		t.Logf("%5.0fs %s", seen[step.what].Seconds(), step.what)
	}
	// U-Boot's banner goes to the PL011, its console from then on to
	// the mini UART: count the boot script's runs.
	if n := strings.Count(log, "Found U-Boot script /boot.scr"); n != 1 {
		t.Errorf("boot.scr ran %d times; want once (a reset on the way)", n)
	}
	stop()

	// What U-Boot's saveenv left on the boot partition.
	after := filepath.Join(work, "uboot.env.after")
	run(t, "mcopy", "-n", "-i", boot, "::uboot.env", after)
	env := envVars(t, after)
	if env["BOOT_ORDER"] != "A B" || env["BOOT_A_LEFT"] != "2" || env["BOOT_B_LEFT"] != before["BOOT_B_LEFT"] {
		t.Errorf("uboot.env after one boot: BOOT_ORDER %q, BOOT_A_LEFT %q, BOOT_B_LEFT %q; want \"A B\", 2, %q",
			env["BOOT_ORDER"], env["BOOT_A_LEFT"], env["BOOT_B_LEFT"], before["BOOT_B_LEFT"])
	}
	t.Logf("raspi3b: U-Boot → boot.scr → slot A's kernel → kioskd READY in %.0fs of wall time; uboot.env as U-Boot saved it: BOOT_A_LEFT %s → %s",
		seen["kioskd reaches READY"].Seconds(), before["BOOT_A_LEFT"], env["BOOT_A_LEFT"])
}

// envVars reads a U-Boot environment file (CRC checked) as name → value.
func envVars(t *testing.T, path string) map[string]string {
	t.Helper()
	vars, err := ParseEnvImage(mustRead(t, path))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	m := map[string]string{}
	for _, v := range vars {
		k, val, _ := strings.Cut(v, "=")
		m[k] = val
	}
	return m
}

// lastBytes is the last n bytes of s.
func lastBytes(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
