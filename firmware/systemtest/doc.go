// Package systemtest boots the real kiosk — kioskd and kioskctl as `make
// install` puts them, under Debian's systemd with the project's units — in
// a QEMU virtual machine (x86-64, TCG, no network) and checks, end to end,
// what unit tests cannot: that the hardened unit reaches READY and reads
// the scanner, that the watchdog restarts a hung daemon, that a scanner
// unplug is survived, that a power cut during a sync leaves a sound store
// holding the old or the new data, that a clean reboot keeps counters, the
// time floor and the data with nothing personal in the journal, and that
// a slot whose kioskd never becomes ready is not marked good.
//
// The test is in the package's _test.go files; it runs only when
// VENUEKIOSK_SYSTEM_TEST=1 (make test-system) and skips when
// qemu-system-x86_64 or mmdebstrap is missing. The root filesystem
// (Debian bookworm, built with mmdebstrap) is cached under
// build/systemtest and rebuilt when its recipe changes.
//
// TestSystemArm64 (make test-system-arm64) boots the Debian image's arm64
// root tree as slot A of a disk laid out as the SD card, under
// qemu-system-aarch64 (virt, Cortex-A72), and updates it end to end with
// the real RAUC: a bundle into slot B and back, and a bundle whose kioskd
// never becomes ready falling back after its boot attempts. The host plays
// U-Boot, applying boot.cmd's rules to the state RAUC's custom backend
// (guest/vk-bootstate) keeps on the disk (bootloader_test.go).
//
// vkagent, the host's hands in the guest (over a virtio-serial port), runs
// inside the virtual machine only.
package systemtest
