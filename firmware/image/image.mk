# The Debian-based Raspberry Pi SD card image (firmware/image): Debian
# bookworm arm64 packages, the project's `make install`, the Buildroot
# tree's board files. Offline apart from the Debian mirror. Needs root and
# the Debian packages mmdebstrap, arch-test, qemu-user-static, genimage,
# dosfstools, mtools, e2fsprogs, u-boot-tools, bmap-tools, rauc,
# squashfs-tools, gcc-aarch64-linux-gnu. Included by the top-level
# Makefile, after buildroot/targets.mk (RAUC_* keys, VERSION).
#
#   make image-rootfs   the cached Debian arm64 root tree

GO            ?= go
IMAGE_CACHE   ?= build/image-cache
IMAGE_DIR     := firmware/image
VKIMAGE       := $(GO) run ./$(IMAGE_DIR)/cmd/vkimage
# Every file's time in the image: the last commit's, so a rebuild of the
# same tree gives the same bytes.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
# The operator's provisioning key (kioskctl provision keygen) for
# /usr/share/venuekiosk/operator.pub; without it the image skips USB stick
# provisioning (venuekiosk-provision.service's condition).
OPERATOR_PUB  ?=
IMAGE_BUNDLE  ?= build/venuekiosk-debian_arm64-$(VERSION).raucb

.PHONY: image-rootfs image-binfmt

image-binfmt: ## register qemu-aarch64 with binfmt_misc when arm64 programs do not run (root)
	@$(IMAGE_DIR)/binfmt.sh

image-rootfs: image-binfmt ## Debian arm64 base root tree (cached in IMAGE_CACHE by recipe hash); its path goes to IMAGE_CACHE/rootfs.path
	$(VKIMAGE) rootfs -cache $(IMAGE_CACHE)
