# The system test: the real kioskd under Debian's systemd in a QEMU virtual
# machine (firmware/systemtest). Included by the top-level Makefile.
#
# Needs root and the Debian packages qemu-system-x86 and mmdebstrap (and
# e2fsprogs, systemd, make, gcc — already test tools); the Go test skips
# with a message when qemu-system-x86_64 or mmdebstrap is missing. The
# root filesystem is built once (about 4 minutes, network for the Debian
# mirror) and cached in $(SYSTEMTEST_CACHE), under a name that hashes its
# recipe; a run with the cache takes about 6 minutes on two cores.

GO                ?= go
SYSTEMTEST_CACHE  ?= $(CURDIR)/build/systemtest
SYSTEMTEST_ROUNDS ?= 4
SYSTEMTEST_FLAGS  ?=
# SYSTEMTEST_CHECKS picks the amd64 machine's checks by number ("1|8");
# empty runs them all.
SYSTEMTEST_CHECKS ?=

.PHONY: test-system test-system-amd64-extra test-system-arm64 test-system-clean

test-system: ## boot the kiosk in a QEMU VM (Debian, systemd): READY, scans, watchdog, unplug, power cuts, reboot, update fallback
	VENUEKIOSK_SYSTEM_TEST=1 \
	VENUEKIOSK_SYSTEM_TEST_CACHE=$(SYSTEMTEST_CACHE) \
	VENUEKIOSK_SYSTEM_TEST_ROUNDS=$(SYSTEMTEST_ROUNDS) \
	  $(GO) test -count=1 -v -timeout 30m -run '^TestSystem$$$(if $(SYSTEMTEST_CHECKS),/^($(SYSTEMTEST_CHECKS))-)' $(SYSTEMTEST_FLAGS) ./firmware/systemtest/

# make test boots the image's architecture, arm64, for every check that
# fits its time, and the amd64 machine after check 1 only for what arm64
# leaves out: check 8 (keyboard-mode and hot-plugged USB scanners typed
# through QMP, which under arm64 TCG would take minutes of retyping) and
# check 7b (a kioskd that hangs before READY, beside one that fails; arm64's
# check 10 has the failing one with the real rauc). make test-system runs
# all of amd64's checks.
test-system-amd64-extra: ## the amd64 VM's checks the arm64 one leaves out: boot (1), keyboard mode and hot-plug (8), never-ready slots (7b)
	@$(MAKE) --no-print-directory test-system SYSTEMTEST_CHECKS='1|8|7b'

# The arm64 variant boots the image's base Debian arm64 tree (make
# image-rootfs, cached in $(IMAGE_CACHE)) with the kiosk cross-built into
# it, as slot A of a disk laid out as the SD card, under
# qemu-system-aarch64 (package qemu-system-arm), and updates it with RAUC
# bundles made by make bundle; the host plays U-Boot.
SYSTEMTEST_ARM64_ROUNDS ?= 1
test-system-arm64: image-rootfs ## boot the arm64 image's root slot in QEMU (virt, Cortex-A72): READY, scans, reboot, A/B update and fallback
	VENUEKIOSK_SYSTEM_TEST=1 \
	VENUEKIOSK_SYSTEM_TEST_CACHE=$(SYSTEMTEST_CACHE) \
	VENUEKIOSK_SYSTEM_TEST_ROUNDS=$(SYSTEMTEST_ARM64_ROUNDS) \
	VENUEKIOSK_SYSTEM_TEST_ARM64_ROOT="$$(cat $(IMAGE_CACHE)/rootfs.path)" \
	  $(GO) test -count=1 -v -timeout 40m -run '^TestSystemArm64$$' $(SYSTEMTEST_FLAGS) ./firmware/systemtest/

test-system-clean: ## remove the system test's cached root filesystem
	rm -rf $(SYSTEMTEST_CACHE)
