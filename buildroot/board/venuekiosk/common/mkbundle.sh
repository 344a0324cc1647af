#!/bin/sh
# mkbundle.sh: build a signed RAUC bundle (.raucb) for one board from a root
# filesystem image. Used by "make bundle" (buildroot/targets.mk).
#
#   mkbundle.sh -b BOARD -r ROOTFS -o OUT -c CERT -k KEY -K KEYRING -v VERSION
#
# The bundle's compatible is read from the board's system.conf, so a bundle
# only installs on the board it was built for. The bundle is verified
# against KEYRING right after signing (rauc bundle --keyring).
# RAUC (default: rauc) names the rauc binary.

set -eu

ext_dir="$(cd "$(dirname "$0")/../../.." && pwd)"
rauc="${RAUC:-rauc}"
slot_size=536870912 # 512 MiB: a root slot (genimage.cfg.in)

fail() {
	echo "mkbundle: $*" >&2
	exit 1
}
# shellcheck source=/dev/null # need-tools.sh, beside this script: need_tools
. "$ext_dir/board/venuekiosk/common/need-tools.sh"

board="" rootfs="" out="" cert="" key="" keyring="" version=""
while getopts b:r:o:c:k:K:v: opt; do
	case "$opt" in
	b) board="$OPTARG" ;;
	r) rootfs="$OPTARG" ;;
	o) out="$OPTARG" ;;
	c) cert="$OPTARG" ;;
	k) key="$OPTARG" ;;
	K) keyring="$OPTARG" ;;
	v) version="$OPTARG" ;;
	*) fail "usage: mkbundle.sh -b BOARD -r ROOTFS -o OUT -c CERT -k KEY -K KEYRING -v VERSION" ;;
	esac
done
[ -n "$board" ] || fail "missing -b BOARD"
[ -n "$rootfs" ] || fail "missing -r ROOTFS"
[ -n "$out" ] || fail "missing -o OUT"
[ -n "$cert" ] || fail "missing -c CERT"
[ -n "$key" ] || fail "missing -k KEY"
[ -n "$keyring" ] || fail "missing -K KEYRING"
[ -n "$version" ] || fail "missing -v VERSION"

case "$board" in
*[!a-z0-9_]*) fail "bad board name '$board'" ;;
esac
conf="$ext_dir/board/venuekiosk/$board/rootfs-overlay/etc/rauc/system.conf"
[ -f "$conf" ] || fail "unknown board '$board' (no $conf)"

# Exactly one compatible= line, in [system].
compatible=$(sed -n 's/^compatible=//p' "$conf")
if [ -z "$compatible" ] || [ "$(printf '%s\n' "$compatible" | wc -l)" -ne 1 ]; then
	fail "$conf needs exactly one compatible= line"
fi

case "$version" in
*[!A-Za-z0-9._+~-]* | '') fail "bad version '$version'" ;;
esac

case "$keyring" in
*[\|\&\\]*) fail "keyring path '$keyring' has a character sed would take" ;;
esac
for f in "$cert" "$key" "$keyring"; do
	[ -s "$f" ] || fail "missing $f"
done

# The image must be an ext4 file system (superblock magic 0xEF53 at byte
# 1080) that fits a slot.
[ -f "$rootfs" ] || fail "no root filesystem image $rootfs (run make image first?)"
size=$(wc -c <"$rootfs")
[ "$size" -ge 2048 ] || fail "$rootfs is too small ($size bytes) to be ext4"
[ "$size" -le "$slot_size" ] || fail "$rootfs is $size bytes; a root slot holds $slot_size"
magic=$(od -An -tx1 -j1080 -N2 "$rootfs" | tr -d ' \n')
[ "$magic" = 53ef ] || fail "$rootfs is not an ext4 image (magic '$magic')"

need_tools rauc "$rauc"
need_tools squashfs-tools mksquashfs

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/content"
# A hard link when possible: the image can be large. Not a symlink, which
# the bundle would keep as a link.
ln "$rootfs" "$work/content/rootfs.ext4" 2>/dev/null || cp "$rootfs" "$work/content/rootfs.ext4"

build="${SOURCE_DATE_EPOCH:-$(date +%s)}"
cat >"$work/content/manifest.raucm" <<MANIFEST
[update]
compatible=$compatible
version=$version
description=venuekiosk root filesystem for $board
build=$build

[bundle]
format=verity

[image.rootfs]
filename=rootfs.ext4
MANIFEST

# Sign with the board's own system.conf (its keyring path pointed at
# KEYRING), so the host rauc checks the signature the way the kiosk will
# (check-purpose) and parses the system.conf that goes into the image.
sed "s|^path=.*|path=$keyring|" "$conf" >"$work/system.conf"
grep -qx "path=$keyring" "$work/system.conf" || fail "$conf has no [keyring] path="

mkdir -p "$(dirname "$out")"
rm -f "$out"
"$rauc" --conf="$work/system.conf" bundle --cert="$cert" --key="$key" \
	--signing-keyring="$keyring" "$work/content" "$out" >&2 ||
	fail "rauc bundle failed"
echo "mkbundle: $out ($compatible, version $version)" >&2
