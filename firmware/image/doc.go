// Package image builds the venuekiosk Raspberry Pi SD card image (Pi 3,
// Zero 2 W, Pi 4; arm64) from Debian packages: no Buildroot, no network
// beyond the Debian mirror.
//
//   - make image-rootfs: the base root tree (RootfsRecipe: Debian bookworm
//     arm64 with systemd, the kernel and a small initramfs, raspi-firmware,
//     u-boot-rpi, RAUC) is built once with mmdebstrap under qemu-user and
//     cached under a name that hashes mmdebstrap's command line
//     (BuildRootfs; build/image-cache/rootfs-<hash>, its path in
//     build/image-cache/rootfs.path).
//   - make image: mkimage.sh assembles the card from that tree, the
//     project's `make install` (cross-built arm64 kioskd and kioskctl) and
//     the Buildroot tree's board files (buildroot/board/venuekiosk/common
//     and debian_arm64): genimage.cfg.in's layout, boot.cmd, the overlays,
//     post-build.sh's keyring. The result is cached under the hash of all
//     its inputs (BuildImage; build/image-cache/image-<hash>, its path in
//     build/image-cache/image.path) and is reproducible: every time is
//     SOURCE_DATE_EPOCH, every UUID and hash seed fixed.
//   - make bundle: the RAUC bundle of the image's root slot (mkbundle.sh).
//   - flash.sh: the technician's step, bmaptool copy to a card, checked.
//
// The tests of the built image (make image-test, VENUEKIOSK_IMAGE_TEST=1)
// read it the way the outside world does: the partition table with sfdisk,
// the boot partition with mtools and dumpimage, the root slot with debugfs,
// the modules with the host's modprobe, /var's factory with the host's
// systemd-tmpfiles, the bundle with rauc info; bmaptool copy and flash.sh
// must give back the image byte for byte, and mkimage.sh run again the
// same card.
package image
