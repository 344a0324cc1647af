// Package image builds the venuekiosk Raspberry Pi SD card image from
// Debian packages (no Buildroot, no network beyond the Debian mirror).
//
// The base root tree (RootfsRecipe: Debian bookworm arm64 with systemd,
// the kernel and a small initramfs, raspi-firmware, u-boot-rpi, RAUC) is
// built once with mmdebstrap under qemu-user and cached under a name that
// hashes mmdebstrap's command line (make image-rootfs). The SD card image
// is assembled from it and from the Buildroot tree's board files
// (buildroot/board/venuekiosk) with genimage (make image).
package image
