#!/bin/sh
# venuekiosk post-image: assemble sdcard.img (genimage.cfg.in) from the
# build's images directory: boot partition files, rootfs.ext4 (written into
# both slots), an empty data partition and a zeroed U-Boot environment.
# Buildroot passes BINARIES_DIR and BUILD_DIR; genimage, mkdosfs, mcopy and
# mke2fs come from PATH (Buildroot's host directory).

set -eu

board_dir="$(dirname "$0")"
tmp="${BUILD_DIR:?}/genimage.tmp"
cfg="${BINARIES_DIR:?}/genimage.cfg"
env_size=262144 # 256 KiB: both environment copies (2 MiB, 2 MiB + 128 KiB)

fail() {
	echo "post-image: $*" >&2
	exit 1
}

cd "$BINARIES_DIR"

# Everything the card needs must be there: no half-made cards.
for f in rootfs.ext4 u-boot.bin boot.scr rpi-firmware/config.txt; do
	[ -s "$f" ] || fail "missing $BINARIES_DIR/$f"
done
grep -qx 'kernel=u-boot.bin' rpi-firmware/config.txt ||
	fail "rpi-firmware/config.txt does not load U-Boot (kernel=u-boot.bin)"
root_size=$(wc -c <rootfs.ext4)
[ "$root_size" -le 536870912 ] ||
	fail "rootfs.ext4 is $root_size bytes; a root slot holds 512 MiB"

# Boot partition: the firmware files, the DTBs, U-Boot and its script.
boot_files=$(for f in rpi-firmware/* *.dtb u-boot.bin boot.scr; do
	if [ -e "$f" ]; then printf '\t\t\t"%s",\n' "$f"; fi
done)
case "$boot_files" in
*.dtb\"*) ;;
*) fail "no device tree (*.dtb) in $BINARIES_DIR" ;;
esac

rm -f uboot-env.img
dd if=/dev/zero of=uboot-env.img bs="$env_size" count=1 2>/dev/null

awk -v files="$boot_files" '$0 == "#BOOT_FILES#" { print files; next } { print }' \
	"$board_dir/genimage.cfg.in" >"$cfg"

rootpath=$(mktemp -d)
trap 'rm -rf "$rootpath"' EXIT
rm -rf "$tmp"

genimage \
	--rootpath "$rootpath" \
	--tmppath "$tmp" \
	--inputpath "$BINARIES_DIR" \
	--outputpath "$BINARIES_DIR" \
	--config "$cfg"

echo "post-image: $BINARIES_DIR/sdcard.img"
