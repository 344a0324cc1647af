#!/bin/sh
# binfmt.sh: make sure this machine runs arm64 programs through qemu-user
# (mmdebstrap's package scripts in the arm64 tree need it). On a fresh
# machine binfmt_misc may be unmounted and qemu-aarch64 unregistered;
# this mounts and registers it from qemu-user-static's binfmt.d file.
# Needs root for that; does nothing when arm64 already runs.

set -eu

fail() {
	echo "binfmt: $*" >&2
	exit 1
}

command -v arch-test >/dev/null || fail "arch-test not found (Debian package arch-test)"
if arch-test arm64 >/dev/null 2>&1; then
	exit 0
fi
conf=/usr/lib/binfmt.d/qemu-aarch64.conf
[ -f "$conf" ] || fail "no $conf (Debian package qemu-user-static)"
[ "$(id -u)" = 0 ] || fail "arm64 programs do not run here and registering qemu-aarch64 needs root"
mnt=/proc/sys/fs/binfmt_misc
mountpoint -q "$mnt" || mount -t binfmt_misc binfmt_misc "$mnt"
if [ ! -e "$mnt/qemu-aarch64" ]; then
	grep -v '^#' "$conf" | grep . | head -n 1 >"$mnt/register"
fi
arch-test arm64 >/dev/null 2>&1 || fail "arm64 programs still do not run (arch-test arm64)"
echo "binfmt: registered qemu-aarch64" >&2
