package systemtest

// arch is what differs between the test's machines: the QEMU binary and
// board, the console and scanner ports, how the kiosk's binaries and the
// agent are built for the guest, and where the root filesystem lives.
type arch struct {
	Name   string // Debian's name: amd64, arm64
	GOARCH string
	QEMU   string   // the qemu-system binary
	Board  []string // -machine and -cpu
	// Console is the guest's console port (the first -serial); Scanner
	// the PCI 16550 the scanner is, as the guest names it.
	Console, Scanner string
	// ScannerBus is the bus the scanner is plugged into ("" for the
	// machine's own PCI bus, where ACPI hot-plugs it); on virt a PCIe
	// root port, whose native hot-plug (pciehp) takes it.
	ScannerBus string
	// Cross is the make target that builds kioskd and kioskctl for the
	// guest ("" for make build, the host's own); CrossDir the directory,
	// under its BUILD, that holds the guest's binaries.
	Cross, CrossDir string
	// Slots: the root is slot A or B of one partitioned disk, chosen
	// before each boot as the image's U-Boot script would (bootloader.go);
	// otherwise the whole of the first disk is the root.
	Slots bool
}

var (
	amd64 = &arch{
		Name: "amd64", GOARCH: "amd64", QEMU: "qemu-system-x86_64",
		Board:   []string{"-machine", "pc"},
		Console: "ttyS0", Scanner: "/dev/ttyS1",
	}
	// arm64 is QEMU's generic board with the Raspberry Pi 4's cores; the
	// PCI 16550 is the guest's first 8250 port (the console is a PL011).
	arm64 = &arch{
		Name: "arm64", GOARCH: "arm64", QEMU: "qemu-system-aarch64",
		Board:   []string{"-machine", "virt", "-cpu", "cortex-a72"},
		Console: "ttyAMA0", Scanner: "/dev/ttyS0", ScannerBus: "scanport",
		Cross: "cross", CrossDir: "linux_arm64",
		Slots: true,
	}
)

// scannerDevice is QMP device_add's arguments for the scanner.
func (a *arch) scannerDevice() map[string]any {
	d := map[string]any{"driver": "pci-serial", "chardev": "scan", "id": "scanner"}
	if a.ScannerBus != "" {
		d["bus"] = a.ScannerBus
	}
	return d
}
