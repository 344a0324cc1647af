// Package buildroot holds the offline checks of the venuekiosk firmware
// image; it has no code of its own besides tests.
//
// The directory is a Buildroot BR2_EXTERNAL tree (external.desc, Config.in,
// external.mk, configs/, package/venuekiosk/, board/venuekiosk/) plus
// targets.mk, the make targets image-buildroot, bundle-buildroot,
// rauc-dev-keys and buildroot-src (board/venuekiosk/debian_arm64 and the
// common board files also serve the Debian image, firmware/image). The
// tests check, without network access, that:
//
//   - every defconfig resolves against Buildroot 2026.02.3 (unpacked under
//     build/ from ../shared/tools), keeps every option it sets, and has the
//     options the image needs (systemd, read-only root, RAUC, U-Boot, the
//     venuekiosk package with cgo); make show-info lists the package;
//   - utils/check-package -b reports nothing on the tree;
//   - make bundle-buildroot builds a RAUC bundle that verifies against the development
//     CA, carries the board's compatible, and is refused when signed by
//     another key or altered;
//   - post-image.sh and genimage build the SD card layout (boot, root A,
//     root B, data) at the offsets, sizes and types the U-Boot environment,
//     fstab and system.conf rely on;
//   - the update health check (venuekiosk-health) marks a slot good, or
//     falls back, as documented.
//
// Tests that need a Debian tool skip with the package name. The Buildroot
// checks take a while; go test -short skips them. See README.md.
package buildroot
