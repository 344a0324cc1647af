package systemtest

import (
	"strings"
	"testing"
	"time"
)

// TestQemuArgs: each machine's command line has its board, console,
// scanner port and root (no VM needed).
func TestQemuArgs(t *testing.T) {
	img := &image{Root: "/r.img", Stick: "/s.img", Kernel: "/vmlinuz", Initrd: "/initrd"}
	for _, tt := range []struct {
		m    *machine
		want []string
		not  []string
	}{
		{&machine{arch: amd64, img: img, dir: "/d", clock: newGuestClock(time.Now())},
			[]string{"qemu:-machine pc -accel tcg", "-kernel /vmlinuz -initrd /initrd",
				"-append root=/dev/vda rw console=ttyS0 8250.nr_uarts=2", "-device pci-serial,chardev=scan,id=scanner -device qemu-xhci"},
			[]string{"rauc.slot", "pcie-root-port", "cortex"}},
		{&machine{arch: arm64, img: img, dir: "/d", clock: newGuestClock(time.Now()), slot: "B", kernel: "/k-B", initrd: "/i-B"},
			[]string{"qemu:-machine virt -cpu cortex-a72 -accel tcg", "-kernel /k-B -initrd /i-B",
				"-append root=/dev/vda3 rw rauc.slot=B console=ttyAMA0",
				"-device pcie-root-port,id=scanport,chassis=1 -device pci-serial,chardev=scan,id=scanner,bus=scanport"},
			[]string{"/vmlinuz", "-machine pc"}},
	} {
		got := "qemu:" + strings.Join(tt.m.qemuArgs(1), " ")
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", tt.m.arch.Name, got, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(got, n) {
				t.Errorf("%s: %q has %q", tt.m.arch.Name, got, n)
			}
		}
	}
	if d := arm64.scannerDevice(); d["bus"] != "scanport" || d["driver"] != "pci-serial" {
		t.Errorf("arm64 scanner device_add: %v", d)
	}
	if _, ok := amd64.scannerDevice()["bus"]; ok {
		t.Errorf("amd64 scanner device_add names a bus: %v", amd64.scannerDevice())
	}
}
