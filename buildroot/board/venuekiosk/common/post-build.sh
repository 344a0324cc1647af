#!/bin/sh
# venuekiosk post-build: install the RAUC keyring and check the board's
# system.conf. Argument: the board name (BR2_ROOTFS_POST_SCRIPT_ARGS).
#
# The keyring is the CA certificate every update bundle must chain to. With
# VENUEKIOSK_RAUC_KEYRING set (make image RAUC_KEYRING=…) that file is used:
# the production CA certificate, whose key never touches a build host.
# Otherwise a DEVELOPMENT CA is made (once) in build/rauc-dev/ of the
# repository and a warning printed: such an image accepts bundles signed on
# any build host that has that directory.

set -eu

board="${1:?usage: post-build.sh BOARD}"
common="$(dirname "$0")"

fail() {
	echo "post-build: $*" >&2
	exit 1
}

conf="${TARGET_DIR:?}/etc/rauc/system.conf"
[ -f "$conf" ] || fail "no $conf (the board's rootfs overlay is missing)"
grep -qx "compatible=venuekiosk-$board" "$conf" ||
	fail "$conf is not for board $board (compatible=venuekiosk-$board)"

keyring="${VENUEKIOSK_RAUC_KEYRING:-}"
if [ -z "$keyring" ]; then
	dev="${BR2_EXTERNAL_VENUEKIOSK_PATH:?}/../build/rauc-dev"
	"$common/rauc-devkeys.sh" "$dev"
	keyring="$dev/ca.cert.pem"
	echo "post-build: WARNING: this image trusts the DEVELOPMENT update CA $keyring" >&2
fi
[ -s "$keyring" ] || fail "RAUC keyring $keyring is missing or empty"
grep -q 'BEGIN CERTIFICATE' "$keyring" || fail "$keyring holds no PEM certificate"
if grep -q 'PRIVATE KEY' "$keyring"; then
	fail "$keyring holds a private key; the keyring takes certificates only"
fi
install -D -m 0644 "$keyring" "$TARGET_DIR/etc/rauc/keyring.pem"
