# The Debian-based Raspberry Pi SD card image (firmware/image): Debian
# bookworm arm64 packages, the project's `make install`, the Buildroot
# tree's board files. Offline apart from the Debian mirror. Needs root and
# the Debian packages mmdebstrap, arch-test, qemu-user-static, genimage,
# dosfstools, mtools, e2fsprogs, u-boot-tools, bmap-tools, rauc,
# squashfs-tools, gcc-aarch64-linux-gnu. Included by the top-level
# Makefile, after buildroot/targets.mk (RAUC_* keys, VERSION).
#
#   make image-rootfs   the cached Debian arm64 root tree
#   make image          the SD card image (cached by the hash of its inputs)
#   make bundle         the RAUC bundle of the image's root file system
#   make image-test     build the image (cached), then check it from outside

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

.PHONY: image-rootfs image-binfmt image image-test bundle

image-binfmt: ## register qemu-aarch64 with binfmt_misc when arm64 programs do not run (root)
	@$(IMAGE_DIR)/binfmt.sh

image-rootfs: image-binfmt ## Debian arm64 base root tree (cached in IMAGE_CACHE by recipe hash); its path goes to IMAGE_CACHE/rootfs.path
	$(VKIMAGE) rootfs -cache $(IMAGE_CACHE)

image: image-binfmt cross ## Raspberry Pi 3/Zero 2 W/4 SD card image from Debian packages (cached); path in IMAGE_CACHE/image.path
	$(if $(vk-dev-keyring),$(VK_BOARD_DIR)/common/rauc-devkeys.sh $(RAUC_DEV_DIR))
	$(VKIMAGE) image -cache $(IMAGE_CACHE) -bin $(BUILD)/linux_arm64 -keyring $(RAUC_KEYRING) \
	  -epoch $(SOURCE_DATE_EPOCH) $(if $(OPERATOR_PUB),-operator-pub $(OPERATOR_PUB))

bundle: image ## signed RAUC bundle of the image's root file system (development key unless RAUC_CERT/RAUC_KEY)
	RAUC="$(RAUC)" $(VK_BOARD_DIR)/common/mkbundle.sh -b debian_arm64 \
	  -r "$$(cat $(IMAGE_CACHE)/image.path)/root.ext4" -o "$(IMAGE_BUNDLE)" \
	  -c "$(RAUC_CERT)" -k "$(RAUC_KEY)" -K "$(RAUC_KEYRING)" -v "$(VERSION)"
	@echo "bundle: $(IMAGE_BUNDLE)"

image-test: image-binfmt ## build the image (cached), then check it from outside (partitions, boot files, root slot, sizes, bmap) and boot it through U-Boot under QEMU raspi3b
	VENUEKIOSK_IMAGE_TEST=1 VENUEKIOSK_IMAGE_CACHE=$(abspath $(IMAGE_CACHE)) \
	  $(GO) test -count=1 -v -timeout 40m ./$(IMAGE_DIR)/
