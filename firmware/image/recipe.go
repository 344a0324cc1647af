package image

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Recipe is everything that decides the content of the cached Debian root
// tree. Its hash covers mmdebstrap's whole command line: any change to the
// recipe, or to how it is built, changes the cache's name.
type Recipe struct {
	Suite      string
	Arch       string
	Variant    string
	Components []string
	Packages   []string
	// Excludes are dpkg path-exclude patterns (documentation, locales,
	// kernel drivers a kiosk never loads, device trees of other SoCs);
	// Includes are path-include patterns that take files back from them.
	// dpkg applies both in order, Excludes first.
	Excludes, Includes []string
	// InitrdModules are all the initramfs holds (MODULES=list) besides
	// their dependencies: what mounts the root file system on a Raspberry
	// Pi's SD card and in a virtio virtual machine. Names the kernel does
	// not have are skipped by mkinitramfs. Debian's MODULES=most takes
	// over half an hour under qemu-user; this list takes seconds.
	InitrdModules []string
	// InitrdCompress is initramfs-tools' COMPRESS.
	InitrdCompress string
	// HookDirs are mmdebstrap hook directories.
	HookDirs []string
}

// RootfsRecipe is the kiosk's base system: Debian bookworm for arm64 with
// systemd, udev, the kernel and its initramfs, the Raspberry Pi firmware
// and U-Boot (their files go to the boot partition), RAUC with its D-Bus
// service (rauc status mark-good talks to it) and fw_printenv/fw_setenv
// for its U-Boot backend, e2fsprogs (the data
// partition), mount (the provisioning stick) and sqlite3 (the virtual
// machine test reads the store with it). The kiosk's own files come from
// `make install` when the image is assembled.
var RootfsRecipe = Recipe{
	Suite:      "bookworm",
	Arch:       "arm64",
	Variant:    "essential",
	Components: []string{"main", "non-free-firmware"},
	Packages: []string{
		"systemd", "systemd-sysv", "systemd-resolved", "systemd-timesyncd", "udev", "kmod",
		"mount", "e2fsprogs", "rauc", "rauc-service", "libubootenv-tool", "sqlite3",
		"linux-image-arm64", "raspi-firmware", "u-boot-rpi",
	},
	Excludes: []string{
		"/usr/share/man/*", "/usr/share/doc/*", "/usr/share/info/*",
		"/usr/share/locale/*", "/usr/share/i18n/*", "/usr/share/lintian/*",
		"/usr/share/bug/*", "/usr/share/bash-completion/*", "/usr/share/zsh/*",
		"/usr/share/fish/*",
		// glibc's character set converters (Go programs do not use
		// iconv) and udev's hardware database sources.
		"/usr/lib/*/gconv/*", "/lib/udev/hwdb.d/*", "/usr/lib/udev/hwdb.d/*",
		// Kernel modules: only the driver, file system and network
		// directories a kiosk (or its virtual machine) uses are taken
		// back (Includes); the rest of net/ loses what a kiosk never
		// speaks.
		"/lib/modules/*/kernel/drivers/*", "/lib/modules/*/kernel/fs/*",
		"/lib/modules/*/kernel/sound/*", "/lib/modules/*/kernel/lib/test_*",
		"/lib/modules/*/kernel/net/bluetooth/*", "/lib/modules/*/kernel/net/wireless/*",
		"/lib/modules/*/kernel/net/mac80211/*", "/lib/modules/*/kernel/net/netfilter/*",
		"/lib/modules/*/kernel/net/ipv4/netfilter/*", "/lib/modules/*/kernel/net/ipv6/netfilter/*",
		"/lib/modules/*/kernel/net/bridge/*", "/lib/modules/*/kernel/net/sched/*",
		"/lib/modules/*/kernel/net/sunrpc/*", "/lib/modules/*/kernel/net/ceph/*",
		"/lib/modules/*/kernel/net/rds/*", "/lib/modules/*/kernel/net/sctp/*",
		"/lib/modules/*/kernel/net/tipc/*", "/lib/modules/*/kernel/net/rxrpc/*",
		"/lib/modules/*/kernel/net/batman-adv/*", "/lib/modules/*/kernel/net/nfc/*",
		"/lib/modules/*/kernel/net/atm/*", "/lib/modules/*/kernel/net/smc/*",
		"/lib/modules/*/kernel/net/openvswitch/*", "/lib/modules/*/kernel/net/can/*",
		"/lib/modules/*/kernel/net/dccp/*", "/lib/modules/*/kernel/net/9p/*",
		"/lib/modules/*/kernel/net/mpls/*", "/lib/modules/*/kernel/net/ieee802154/*",
		"/lib/modules/*/kernel/net/mac802154/*", "/lib/modules/*/kernel/net/l2tp/*",
		"/lib/modules/*/kernel/net/ax25/*", "/lib/modules/*/kernel/net/rose/*",
		"/lib/modules/*/kernel/net/netrom/*", "/lib/modules/*/kernel/net/vmw_vsock/*",
		// Device trees: only the Raspberry Pis' (Broadcom).
		"/usr/lib/linux-image-*/*",
	},
	Includes: []string{
		"/usr/share/doc/*/copyright",
		// The SD card and virtio disks, USB (sticks, scanners: serial,
		// HID), Ethernet (Pi 4's genet, Pi 3's USB chips), SPI, GPIO,
		// I2C, the UART, the watchdog, device-mapper (RAUC's verity
		// bundles), and the SoC's clocks, regulators, DMA and power.
		"/lib/modules/*/kernel/drivers/mmc/*", "/lib/modules/*/kernel/drivers/virtio/*",
		"/lib/modules/*/kernel/drivers/block/*", "/lib/modules/*/kernel/drivers/md/dm-*",
		// What device-mapper links against (without it dm_mod does not
		// load, and RAUC cannot mount a verity bundle).
		"/lib/modules/*/kernel/drivers/dax/*",
		"/lib/modules/*/kernel/drivers/usb/core/*", "/lib/modules/*/kernel/drivers/usb/common/*",
		"/lib/modules/*/kernel/drivers/usb/host/*", "/lib/modules/*/kernel/drivers/usb/dwc2/*",
		"/lib/modules/*/kernel/drivers/usb/serial/*", "/lib/modules/*/kernel/drivers/usb/class/*",
		"/lib/modules/*/kernel/drivers/usb/storage/*", "/lib/modules/*/kernel/drivers/usb/phy/*",
		"/lib/modules/*/kernel/drivers/usb/roles/*",
		// dwc2 (the Zero 2 W's USB controller) links against the gadget core.
		"/lib/modules/*/kernel/drivers/usb/gadget/udc/udc-core.ko*",
		"/lib/modules/*/kernel/drivers/hid/*", "/lib/modules/*/kernel/drivers/input/*",
		"/lib/modules/*/kernel/drivers/net/usb/*", "/lib/modules/*/kernel/drivers/net/ethernet/broadcom/*",
		"/lib/modules/*/kernel/drivers/net/phy/*", "/lib/modules/*/kernel/drivers/net/mdio/*",
		"/lib/modules/*/kernel/drivers/net/mii.ko*", "/lib/modules/*/kernel/drivers/net/virtio_net.ko*",
		"/lib/modules/*/kernel/drivers/net/net_failover.ko*",
		"/lib/modules/*/kernel/drivers/scsi/scsi_mod.ko*", "/lib/modules/*/kernel/drivers/scsi/sd_mod.ko*",
		"/lib/modules/*/kernel/drivers/scsi/scsi_common.ko*",
		"/lib/modules/*/kernel/drivers/spi/*", "/lib/modules/*/kernel/drivers/gpio/*",
		"/lib/modules/*/kernel/drivers/i2c/*", "/lib/modules/*/kernel/drivers/tty/*",
		"/lib/modules/*/kernel/drivers/watchdog/*", "/lib/modules/*/kernel/drivers/char/*",
		"/lib/modules/*/kernel/drivers/regulator/*", "/lib/modules/*/kernel/drivers/reset/*",
		"/lib/modules/*/kernel/drivers/clk/*", "/lib/modules/*/kernel/drivers/dma/*",
		"/lib/modules/*/kernel/drivers/soc/*", "/lib/modules/*/kernel/drivers/pinctrl/*",
		"/lib/modules/*/kernel/drivers/mailbox/*", "/lib/modules/*/kernel/drivers/firmware/*",
		"/lib/modules/*/kernel/drivers/thermal/*", "/lib/modules/*/kernel/drivers/cpufreq/*",
		"/lib/modules/*/kernel/drivers/pwm/*", "/lib/modules/*/kernel/drivers/leds/*",
		"/lib/modules/*/kernel/drivers/rtc/*", "/lib/modules/*/kernel/drivers/nvmem/*",
		"/lib/modules/*/kernel/drivers/phy/broadcom/*", "/lib/modules/*/kernel/drivers/power/*",
		"/lib/modules/*/kernel/drivers/mfd/*", "/lib/modules/*/kernel/drivers/base/*",
		"/lib/modules/*/kernel/drivers/bus/*", "/lib/modules/*/kernel/drivers/pci/*",
		"/lib/modules/*/kernel/drivers/hwmon/raspberrypi-hwmon.ko*",
		// File systems: the root and data partitions, the boot
		// partition and sticks, RAUC bundles.
		"/lib/modules/*/kernel/fs/ext4/*", "/lib/modules/*/kernel/fs/jbd2/*",
		"/lib/modules/*/kernel/fs/mbcache.ko*", "/lib/modules/*/kernel/fs/fat/*",
		"/lib/modules/*/kernel/fs/nls/*", "/lib/modules/*/kernel/fs/squashfs/*",
		"/lib/modules/*/kernel/fs/overlayfs/*", "/lib/modules/*/kernel/fs/autofs/*",
		"/lib/modules/*/kernel/fs/exfat/*",
		// systemd mounts /sys/kernel/config at boot.
		"/lib/modules/*/kernel/fs/configfs/*",
		"/usr/lib/linux-image-*/broadcom/*",
	},
	InitrdModules: []string{
		// Virtual machine: virtio disks on PCI or MMIO.
		"virtio_pci", "virtio_mmio", "virtio_blk",
		// Root file system.
		"ext4",
		// Raspberry Pi SD card: the Arasan/iProc SDHCI (Pi 4's SD card,
		// Pi 3's second controller) and the BCM2835 SDHOST (Pi 3 and
		// Zero 2 W's SD card), with what they wait for: the firmware's
		// clocks, GPIO expander and resets, DMA, power domains and the
		// GPIO-switched I/O voltage regulator.
		"mmc_block", "sdhci_iproc", "bcm2835", "bcm2835_dma",
		"clk_raspberrypi", "gpio_raspberrypi_exp", "reset_raspberrypi",
		"raspberrypi_power", "bcm2835_power", "gpio_regulator",
	},
	InitrdCompress: "gzip",
	// Merged /usr the way debootstrap makes it (symlinks and the
	// usr-is-merged package), not with the usrmerge package that
	// init-system-helpers would otherwise pull in, and perl with it
	// (60 MB).
	HookDirs: []string{"/usr/share/mmdebstrap/hooks/merged-usr"},
}

// Args are mmdebstrap's arguments to build the recipe into dir. The
// initramfs configuration is written once the essential packages are in,
// before the kernel's package builds the initramfs; /boot/firmware exists
// so that raspi-firmware's kernel hook has its directory.
func (r Recipe) Args(dir string) []string {
	a := []string{"--mode=root", "--format=directory", "--variant=" + r.Variant,
		"--architectures=" + r.Arch, "--components=" + strings.Join(r.Components, ","),
		"--include=" + strings.Join(r.Packages, ","), "--dpkgopt=force-unsafe-io"}
	for _, e := range r.Excludes {
		a = append(a, "--dpkgopt=path-exclude="+e)
	}
	for _, e := range r.Includes {
		a = append(a, "--dpkgopt=path-include="+e)
	}
	for _, h := range r.HookDirs {
		a = append(a, "--hook-dir="+h)
	}
	hook := `mkdir -p "$1/boot/firmware" "$1/etc/initramfs-tools/conf.d" "$1/usr/share/initramfs-tools/modules.d"`
	if len(r.InitrdModules) > 0 {
		hook += ` && printf '%s\n' MODULES=list COMPRESS=` + r.InitrdCompress +
			` >"$1/etc/initramfs-tools/conf.d/venuekiosk.conf" && ` +
			`printf '%s\n' ` + strings.Join(r.InitrdModules, " ") +
			` >"$1/usr/share/initramfs-tools/modules.d/venuekiosk"`
	}
	a = append(a, "--essential-hook="+hook)
	return append(a, r.Suite, dir)
}

// Text is the recipe as built: mmdebstrap's arguments, one a line.
func (r Recipe) Text() string { return strings.Join(r.Args("ROOT"), "\n") + "\n" }

// Hash names the recipe: 16 hex digits of its text's SHA-256.
func (r Recipe) Hash() string {
	h := sha256.Sum256([]byte(r.Text()))
	return hex.EncodeToString(h[:8])
}
