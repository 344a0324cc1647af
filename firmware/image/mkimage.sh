#!/bin/sh
# mkimage.sh: assemble the venuekiosk SD card image for the Raspberry Pi 3,
# Zero 2 W and 4 (arm64) from Debian packages. Used by "make image"
# (firmware/image/image.mk); needs root (file ownership in the root tree).
#
#   mkimage.sh -r TREE -b BIN -o OUT -K KEYRING -e ENV [-p OPERATOR_PUB]
#
# TREE is the cached Debian root tree (make image-rootfs), BIN the
# directory with the arm64 kioskd and kioskctl (make cross), KEYRING the
# RAUC CA certificate the image trusts, OPERATOR_PUB the operator's
# provisioning key (kioskctl provision keygen), ENV the U-Boot environment
# file for the boot partition (vkimage: Debian U-Boot's defaults with
# bootdelay=-2, as the Buildroot U-Boot is configured). OUT receives:
#   root.ext4       a root slot (written into both, A and B)
#   boot.vfat       the boot partition: firmware, config.txt, DTBs, U-Boot,
#                   boot.scr
#   data.ext4       the empty data partition (/var/lib/venuekiosk)
#   sdcard.img      the card (genimage.cfg.in's layout), sdcard.img.bmap
#   root.du         the root slot's biggest directories
#   packages.txt    the Debian packages in the root slot
#   uboot.env, mkimage.args   this run's inputs, to run it again
# The board files come from buildroot/board/venuekiosk: common/ (boot.cmd,
# cmdline.txt, genimage.cfg.in, rootfs-overlay, post-build.sh) and
# debian_arm64/ (config.txt, system.conf, fstab, fw_env.config).
# SOURCE_DATE_EPOCH (default: 0) is every file's time, so the same inputs
# give the same bytes.

set -eu

fail() {
	echo "mkimage: $*" >&2
	exit 1
}

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
boards="$repo/buildroot/board/venuekiosk"
common="$boards/common"
board="$boards/debian_arm64"
# shellcheck source=/dev/null # buildroot/board/venuekiosk/common/need-tools.sh: need_tools
. "$common/need-tools.sh"

tree="" bin="" out="" keyring="" operator_pub="" env=""
while getopts r:b:o:K:p:e: opt; do
	case "$opt" in
	r) tree="$OPTARG" ;;
	b) bin="$OPTARG" ;;
	o) out="$OPTARG" ;;
	K) keyring="$OPTARG" ;;
	p) operator_pub="$OPTARG" ;;
	e) env="$OPTARG" ;;
	*) fail "usage: mkimage.sh -r TREE -b BIN -o OUT -K KEYRING -e ENV [-p OPERATOR_PUB]" ;;
	esac
done
[ -n "$tree" ] || fail "missing -r TREE"
[ -n "$bin" ] || fail "missing -b BIN"
[ -n "$out" ] || fail "missing -o OUT"
[ -n "$keyring" ] || fail "missing -K KEYRING"
[ -s "$env" ] || fail "missing -e ENV"
[ -d "$tree/usr" ] || fail "$tree is not a root tree"
for b in kioskd kioskctl; do
	[ -x "$bin/$b" ] || fail "missing $bin/$b (make cross)"
done
[ -z "$operator_pub" ] || [ -s "$operator_pub" ] || fail "missing $operator_pub"
need_tools e2fsprogs mke2fs e2fsck debugfs dumpe2fs
need_tools dosfstools mkfs.vfat
need_tools mtools mcopy
need_tools u-boot-tools mkimage
need_tools genimage genimage
need_tools bmap-tools bmaptool
need_tools systemd systemctl systemd-sysusers
bin="$(cd "$bin" && pwd)"
keyring="$(cd "$(dirname "$keyring")" && pwd)/$(basename "$keyring")"
tree="$(cd "$tree" && pwd)"

epoch="${SOURCE_DATE_EPOCH:-0}"
export SOURCE_DATE_EPOCH="$epoch" E2FSPROGS_FAKE_TIME="$epoch" TZ=UTC LC_ALL=C

# Fixed identities: the same inputs make the same image.
root_uuid=564b0002-7a1e-4c0b-9d6e-0000000000a1
root_seed=564b0002-7a1e-4c0b-9d6e-0000000000a2
data_uuid=564b0004-7a1e-4c0b-9d6e-0000000000d1
data_seed=564b0004-7a1e-4c0b-9d6e-0000000000d2

slot_size=536870912 # 512 MiB: a root slot (genimage.cfg.in)
boot_size=64M
data_size=256M

mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$out/work"
rm -rf "$work"
mkdir -p "$work/images/rpi-firmware"
root="$work/root"
images="$work/images"

# --- The root tree: the cached Debian tree, copied (not linked: it is
# changed here), then the kiosk's own files.
cp -a "$tree" "$root"
make -s --no-print-directory -C "$repo" install BIN="$bin" DESTDIR="$root"
cp -a "$common/rootfs-overlay/." "$root/"
cp -a "$board/rootfs-overlay/." "$root/"
if [ -n "$operator_pub" ]; then
	install -D -m 0644 "$operator_pub" "$root/usr/share/venuekiosk/operator.pub"
fi
TARGET_DIR="$root" VENUEKIOSK_RAUC_KEYRING="$keyring" "$common/post-build.sh" debian_arm64

# The daemon's user first, with the fixed IDs Buildroot's package gives it
# (the data partition keeps its files across updates), then the rest.
sed 's/^u kiosk - /u kiosk 960 /' "$repo/systemd/venuekiosk.sysusers" >"$work/kiosk.sysusers"
systemd-sysusers --root="$root" "$work/kiosk.sysusers" >/dev/null
systemd-sysusers --root="$root" >/dev/null
grep -q '^kiosk:x:960:960:' "$root/etc/passwd" || fail "kiosk is not user 960:960"
systemctl --root="$root" --quiet enable kioskd.service venuekiosk-health.service \
	venuekiosk-provision.service systemd-networkd.service

# --- The kernel: U-Boot's booti takes an uncompressed Image (Debian's
# arm64 vmlinuz is one; a gzip'd one is unpacked); boot.cmd loads
# /boot/Image and, when there is one, /boot/initrd.img from the slot.
set -- "$root"/boot/vmlinuz-*
if [ "$#" != 1 ] || [ ! -f "$1" ]; then
	fail "want one kernel in $tree/boot, found: $*"
fi
kver="${1##*/vmlinuz-}"
if [ "$(od -An -tx1 -N2 "$1" | tr -d ' \n')" = 1f8b ]; then
	gzip -dc "$1" >"$root/boot/Image"
	rm -f "$1"
else
	mv "$1" "$root/boot/Image"
fi
mv "$root/boot/initrd.img-$kver" "$root/boot/initrd.img"

# --- The boot partition's files, taken from the tree's packages.
fw="$root/usr/lib/raspi-firmware"
for f in bootcode.bin start.elf fixup.dat start4.elf fixup4.dat; do
	[ -s "$fw/$f" ] || fail "raspi-firmware has no $f"
	cp "$fw/$f" "$images/rpi-firmware/"
done
cp "$board/config.txt" "$images/rpi-firmware/config.txt"
cp "$common/cmdline.txt" "$images/rpi-firmware/cmdline.txt"
for dtb in bcm2837-rpi-3-b bcm2837-rpi-3-b-plus bcm2837-rpi-zero-2-w bcm2711-rpi-4-b; do
	f="$root/usr/lib/linux-image-$kver/broadcom/$dtb.dtb"
	[ -s "$f" ] || fail "the kernel has no $dtb.dtb"
	cp "$f" "$images/"
done
# config.txt names each model's device tree: all must be there.
sed -n 's/^device_tree=//p' "$board/config.txt" | while read -r dtb; do
	[ -s "$images/$dtb" ] || fail "config.txt names $dtb, which is not on the boot partition"
done
cp "$root/usr/lib/u-boot/rpi_arm64/u-boot.bin" "$images/u-boot.bin"
mkimage -A arm64 -O linux -T script -C none -n "venuekiosk A/B boot" \
	-d "$common/boot.cmd" "$images/boot.scr" >/dev/null
# Debian's U-Boot keeps its environment in the boot partition's uboot.env
# (fw_env.config), which must be the size fw_env.config says.
env_size=$(awk '!/^#/ && NF >= 3 { print $3; exit }' "$root/etc/fw_env.config")
[ -n "$env_size" ] || fail "no environment size in fw_env.config"
[ "$(wc -c <"$env")" -eq "$((env_size))" ] || fail "$env is not $env_size bytes (fw_env.config)"
cp "$env" "$images/uboot.env"

# --- What a kiosk does not need at run time: the package manager's
# caches and logs, the boot files (on the boot partition now), the kernel's
# symbol map, the links Debian's kernel package makes in /.
rm -rf "$root/var/cache/apt" "$root/var/lib/apt" "$root/var/cache/debconf"/*-old \
	"$root/var/lib/dpkg"/*-old "$root/var/log"/* "$root/usr/lib/raspi-firmware" \
	"$root/usr/lib/u-boot" "$root/usr/lib/linux-image-$kver" "$root/boot/firmware"/* \
	"$root/boot/System.map-$kver" "$root/vmlinuz" "$root/vmlinuz.old" \
	"$root/initrd.img" "$root/initrd.img.old" "$root/etc/initramfs-tools/conf.d/venuekiosk.conf"
mkdir -p "$root/boot/firmware"
# Documentation, manuals and translations that dpkg's path-exclude did not
# keep out (files made by maintainer scripts, the first unpacking of the
# essential packages): only the copyright notices stay.
rm -rf "$root/usr/share/man" "$root/usr/share/info" "$root/usr/share/locale" "$root/usr/share/lintian"
find "$root/usr/share/doc" -mindepth 1 \( -type f -o -type l \) ! -name copyright ! -path '*/venuekiosk/*' -delete
find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
# Every boot makes its own machine ID (the root is read-only).
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"
echo venuekiosk >"$root/etc/hostname"
# The package list, for an audit. No package manager runs on the kiosk:
# of dpkg's database only its status file stays (dpkg -l still answers),
# not the packages' scripts and file lists.
# shellcheck disable=SC2016 # dpkg-query's format, not the shell's
dpkg-query --admindir="$root/var/lib/dpkg" -W -f '${Package} ${Version}\n' >"$out/packages.txt"
install -D -m 0644 "$out/packages.txt" "$root/usr/share/venuekiosk/packages.txt"
rm -rf "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/triggers" "$root/var/lib/dpkg/available"
mkdir -p "$root/var/lib/dpkg/info"

# /var is a tmpfs (fstab): its content moves to /usr/share/factory/var and
# systemd-tmpfiles copies it back at every boot (Buildroot's var factory).
# A "C" line copies only onto a path that does not exist yet, and mounts
# below /var (the data partition at /var/lib/venuekiosk) make their parents
# first: so each directory of /var is made ("d", its mode and owner) and
# what is in it copied ("C"); links are made again ("L").
mkdir -p "$root/usr/share/factory"
mv "$root/var" "$root/usr/share/factory/var"
mkdir -m 0755 "$root/var"
factory="$root/usr/share/factory"
{
	echo "# venuekiosk: /var is a tmpfs; fill it from /usr/share/factory/var at boot."
	echo "# Made by firmware/image/mkimage.sh."
	find "$factory/var" -mindepth 1 -maxdepth 2 | LC_ALL=C sort | while read -r f; do
		p="${f#"$factory"}"
		if [ -L "$f" ]; then
			echo "L $p - - - - $(readlink "$f")"
		elif [ -d "$f" ] && [ "${p%/*}" = /var ]; then
			echo "d $p $(stat -c '0%a %u %g' "$f") -"
		else
			echo "C $p - - - -"
		fi
	done
} >"$root/usr/lib/tmpfiles.d/venuekiosk-var.conf"

# --- The file systems, with every time set to SOURCE_DATE_EPOCH.
find "$root" "$images" -newermt "@$epoch" -print0 | xargs -0r touch -h -d "@$epoch"
du -xh -d 3 "$root" 2>/dev/null | sort -rh | sed "s|$root|/|; s|//|/|" | head -n 25 >"$out/root.du"

# A root slot's file system is only as big as its files (it is read-only;
# the partition is 512 MiB). A first estimate: 4 KiB blocks for every file
# and directory (hard links once, short symlinks live in their inode), 3%
# and 4 MiB more for the file system's own, one inode a file and 10% more.
# No journal: nothing writes it on the kiosk.
inodes=$(find "$root" -xdev | wc -l)
inodes=$((inodes + inodes / 10 + 256))
blocks=$(find "$root" -xdev -printf '%i %s %y\n' |
	awk '!seen[$1]++ && !($3 == "l" && $2 < 60) { b += int(($2 + 4095) / 4096) } END { print b }')
blocks=$((blocks + blocks * 3 / 100 + inodes / 16 + 1024))
[ "$((blocks * 4096))" -le "$slot_size" ] || fail "the root tree needs $((blocks / 256)) MiB; a slot holds 512 MiB"
# mke2fs_root BLOCKS: make root.ext4 of BLOCKS 4 KiB blocks from the tree.
mke2fs_root() {
	rm -f "$out/root.ext4"
	mke2fs -q -t ext4 -b 4096 -N "$inodes" -O ^has_journal,^resize_inode -L vk-root \
		-U "$root_uuid" -E "hash_seed=$root_seed,root_owner=0:0" -m 0 -d "$root" \
		"$out/root.ext4" "$1"
}
mke2fs_root "$blocks"
# Made again at the size it needs: what the first one used and 1% more.
used=$(dumpe2fs -h "$out/root.ext4" 2>/dev/null | awk -F: '/^Block count/ { n = $2 } /^Free blocks/ { f = $2 } END { print n - f }')
mke2fs_root "$((used + used / 100 + 64))"
# mke2fs -d copies each file's ctime and sets its creation time from the
# clock: both go to SOURCE_DATE_EPOCH, with the access time, in every
# inode (unused ones too: the same bytes either way).
inode_count=$(dumpe2fs -h "$out/root.ext4" 2>/dev/null | awk -F: '/^Inode count/ { print $2 + 0 }')
seq 1 "$inode_count" | awk -v t="@$epoch" '{
	printf "sif <%d> atime %s\nsif <%d> ctime %s\nsif <%d> crtime %s\n", $1, t, $1, t, $1, t
}' >"$work/times.debugfs"
debugfs -w -f "$work/times.debugfs" "$out/root.ext4" >/dev/null 2>&1 || fail "debugfs could not set the inode times"
e2fsck -fn "$out/root.ext4" >/dev/null 2>&1 || fail "root.ext4 does not check clean"

rm -f "$out/data.ext4"
mke2fs -q -t ext4 -L vk-data -U "$data_uuid" -E "hash_seed=$data_seed" \
	-m 0 "$out/data.ext4" "$data_size"

rm -f "$out/boot.vfat"
truncate -s "$boot_size" "$out/boot.vfat"
# --invariant fixes the label entry's time, but also the volume ID: the
# ID goes in afterwards (FAT16 boot sector, offset 0x27, little-endian).
mkfs.vfat -F 16 -n VKBOOT --invariant "$out/boot.vfat" >/dev/null
printf '\001\000\113\126' | # 0x564b0001, as the MBR's disk signature
	dd of="$out/boot.vfat" bs=1 seek=39 conv=notrunc status=none
(
	cd "$images"
	mcopy -i "$out/boot.vfat" -m rpi-firmware/* ./*.dtb u-boot.bin boot.scr uboot.env ::
)

# --- The card: genimage.cfg.in's layout, with the partitions' images made
# above (its boot.vfat and data.ext4 sections are left out). Slot B stays
# empty (zeros, not in the .bmap): the first update fills it, and the
# environment gives it no boot attempts until then (BOOT_B_LEFT=0), so
# the card holds one root file system, not two.
awk '
	/^image (boot\.vfat|data\.ext4) \{/ { skip = 1 }
	skip { if ($0 == "}") skip = 0; next }
	$0 == "#BOOT_FILES#" { next }
	/^[ \t]*partition rootfs-b \{/ { slot_b = 1 }
	slot_b && /^[ \t]*image = / { next }
	slot_b && /^[ \t]*\}/ { slot_b = 0 }
	{ print }
' "$common/genimage.cfg.in" >"$work/genimage.cfg"
grep -q 'image = "rootfs.ext4"' "$work/genimage.cfg" || fail "genimage.cfg.in has no rootfs.ext4 partition"
head -c 262144 /dev/zero >"$out/uboot-env.img"
ln -f "$out/root.ext4" "$out/rootfs.ext4"
rm -f "$out/sdcard.img" "$out/sdcard.img.bmap"
gen_root=$(mktemp -d)
genimage --rootpath "$gen_root" --tmppath "$work/genimage.tmp" --inputpath "$out" \
	--outputpath "$out" --config "$work/genimage.cfg" >"$work/genimage.log" 2>&1 ||
	{ rmdir "$gen_root"; cat "$work/genimage.log" >&2; fail "genimage failed"; }
rmdir "$gen_root"
rm "$out/uboot-env.img" "$out/rootfs.ext4"
bmaptool create -o "$out/sdcard.img.bmap" "$out/sdcard.img"
# What made this image, to make it again (the reproducibility test).
cp "$env" "$out/uboot.env"
printf '%s\n' "tree=$tree" "bin=$bin" "keyring=$keyring" "operator_pub=$operator_pub" \
	"epoch=$epoch" >"$out/mkimage.args"
rm -rf "$work"
echo "mkimage: $out/sdcard.img" >&2
