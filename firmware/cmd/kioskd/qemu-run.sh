#!/bin/sh
# Runs the cross-built binaries under qemu-user: the arm64 kioskd as a
# simulated kiosk, then the armv7 and arm64 kioskctl selftest --json
# against it (store, trust, clock, and through the running daemon the
# panel probe, the lights and the scanner). Called by `make cross-run`.
set -eu
build=$(cd "${1:?usage: qemu-run.sh BUILD_DIR}" && pwd)
state=$build/qemu-state
log=$build/qemu-kioskd.log
rm -rf "$state"
mkdir -p "$state"
qemu-aarch64-static -L /usr/aarch64-linux-gnu "$build/linux_arm64/kioskd" \
	-simulate -state-dir "$state" -listen 127.0.0.1:0 >"$log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
i=0
until grep -q "kiosk ready" "$log"; do
	i=$((i + 1))
	if [ $i -gt 600 ] || ! kill -0 $pid 2>/dev/null; then
		echo "qemu-run: the arm64 kioskd did not become ready:" >&2
		cat "$log" >&2
		exit 1
	fi
	sleep 0.1
done
url=$(sed -n 's/.*url=http:\/\/\(127\.0\.0\.1:[0-9]*\)\/.*/\1/p' "$log" | head -n 1)
printf '[kiosk]\nlisten = "%s"\n[scanner]\ndevice = ""\n' "$url" >"$build/qemu-kioskctl.toml"
echo "arm64 kioskd ready at $url under qemu-aarch64"
for arch in armv7 arm64; do
	case $arch in
	armv7) run="qemu-arm-static -L /usr/arm-linux-gnueabihf" ;;
	arm64) run="qemu-aarch64-static -L /usr/aarch64-linux-gnu" ;;
	esac
	out=$($run "$build/linux_$arch/kioskctl" selftest --json --config "$build/qemu-kioskctl.toml" --state-dir "$state") || {
		echo "qemu-run: $arch kioskctl selftest failed:" >&2
		echo "$out" >&2
		exit 1
	}
	for check in store trust clock panel lights scanner; do
		echo "$out" | grep -q "\"name\": \"$check\"" || { echo "qemu-run: $arch selftest lacks the $check check:" >&2; echo "$out" >&2; exit 1; }
	done
	echo "$arch kioskctl selftest --json: ok ($(echo "$out" | grep -c '"ok": true') checks passed)"
done
