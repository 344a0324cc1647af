#!/bin/sh
# flash.sh: write the venuekiosk SD card image to a card, the technician's
# step (README: "Flashing an SD card").
#
#   flash.sh IMAGE DEVICE
#
# IMAGE is sdcard.img from make image, with sdcard.img.bmap beside it;
# DEVICE the whole card (/dev/sdX, /dev/mmcblkN), not a partition. Checks
# first, then writes with bmaptool (only the blocks that hold data; each
# checked against the .bmap's SHA-256), then reads the partition table
# back. Refuses a device that is mounted, is a partition, is not
# removable, or is smaller than the image. Needs root and bmap-tools.
# FLASH_ALLOW_FILE=1 lets DEVICE be a regular file (the tests).

set -eu

fail() {
	echo "flash: $*" >&2
	exit 1
}

[ "$#" = 2 ] || fail "usage: flash.sh IMAGE DEVICE"
img="$1"
dev="$2"
[ -f "$img" ] || fail "no image $img (make image; its path is in build/image-cache/image.path)"
[ -f "$img.bmap" ] || fail "no block map $img.bmap beside the image"
command -v bmaptool >/dev/null || fail "bmaptool not found (Debian package bmap-tools)"
command -v sfdisk >/dev/null || fail "sfdisk not found (Debian package fdisk)"
img_size=$(wc -c <"$img")

if [ -b "$dev" ]; then
	name=$(basename "$(readlink -f "$dev")")
	sys="/sys/class/block/$name"
	[ -e "$sys" ] || fail "$dev: not in /sys/class/block"
	[ ! -e "$sys/partition" ] || fail "$dev is a partition; give the whole card (e.g. /dev/sdX, not /dev/sdX1)"
	if [ "${FLASH_ALLOW_FIXED:-}" != 1 ] && [ "$(cat "$sys/removable" 2>/dev/null || echo 0)" != 1 ]; then
		case "$name" in
		mmcblk*) ;; # built-in SD card readers report 0
		*) fail "$dev is not removable; is it the card? (FLASH_ALLOW_FIXED=1 to write it anyway)" ;;
		esac
	fi
	if grep -q "^$(readlink -f "$dev")" /proc/mounts; then
		fail "$dev or one of its partitions is mounted; unmount it first"
	fi
	dev_size=$(($(cat "$sys/size") * 512))
	[ "$dev_size" -ge "$img_size" ] || fail "$dev holds $dev_size bytes; the image needs $img_size"
elif [ "${FLASH_ALLOW_FILE:-}" = 1 ] && { [ -f "$dev" ] || [ ! -e "$dev" ]; }; then
	:
else
	fail "$dev is not a block device"
fi

echo "flash: writing $img to $dev" >&2
bmaptool copy --bmap "$img.bmap" "$img" "$dev"
sync
# The card's partition table, read back, must be the image's.
want=$(sfdisk --dump "$img" | grep -v -e '^device:' -e '^sector-size:')
got=$(sfdisk --dump "$dev" | grep -v -e '^device:' -e '^sector-size:')
[ "$(printf '%s\n' "$want" | sed 's|^[^ ]*[0-9] :|P :|')" = "$(printf '%s\n' "$got" | sed 's|^[^ ]*[0-9] :|P :|')" ] ||
	fail "the partition table read back from $dev is not the image's"
echo "flash: done; $dev holds $(basename "$img") (boot, root A, root B, data)" >&2
