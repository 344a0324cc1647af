# Firmware image targets: the Buildroot BR2_EXTERNAL tree in buildroot/, RAUC
# bundles. Included by the top-level Makefile; works alone as well:
#   make -f buildroot/targets.mk bundle-buildroot BOARD=rpi3
# See buildroot/README.md. Nothing here is evaluated at parse time beyond
# plain variables, so including this file costs nothing.

# Included at the top of the Makefile: leave its default goal alone.
vk-saved-default-goal := $(.DEFAULT_GOAL)

VK_BOARDS     := rpi4_64 rpizero2w_64 rpi3
BOARD         ?= rpi4_64

BR_VERSION    := 2026.02.3
BR_SHA256     := bec7bcdaa4f16cb117960ca40451f07a147f38d91318fed99bbd2e15244f161e
BR_URL        := https://buildroot.org/downloads/buildroot-$(BR_VERSION).tar.xz
BR_TARBALL    ?= $(firstword $(wildcard ../shared/tools/buildroot-$(BR_VERSION).tar.xz) build/dl/buildroot-$(BR_VERSION).tar.xz)
BR_SRC        := build/buildroot-$(BR_VERSION)
BR_EXTERNAL_DIR := $(CURDIR)/buildroot
BR_OUT         = build/br-$(BOARD)
BR_MAKE        = $(MAKE) -C $(BR_SRC) BR2_EXTERNAL=$(BR_EXTERNAL_DIR) O=$(CURDIR)/$(BR_OUT)

VERSION       ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)

# Signing. The defaults are a DEVELOPMENT CA and key, made on first use in
# build/rauc-dev/; production bundles are signed off the build host (see
# buildroot/README.md) and production images get RAUC_KEYRING=<CA cert>.
RAUC_DEV_DIR  ?= build/rauc-dev
RAUC_CERT     ?= $(RAUC_DEV_DIR)/signing.cert.pem
RAUC_KEY      ?= $(RAUC_DEV_DIR)/signing.key.pem
RAUC_KEYRING  ?= $(RAUC_DEV_DIR)/ca.cert.pem
RAUC          ?= $(firstword $(wildcard $(CURDIR)/$(BR_OUT)/host/bin/rauc) rauc)
BUNDLE_ROOTFS ?= $(BR_OUT)/images/rootfs.ext4
BUNDLE_OUT    ?= build/venuekiosk-$(BOARD)-$(VERSION).raucb

VK_BOARD_DIR  := buildroot/board/venuekiosk

.PHONY: image-buildroot image-config bundle-buildroot rauc-dev-keys buildroot-src

vk-check-board = $(if $(filter $(BOARD),$(VK_BOARDS)),,$(error BOARD=$(BOARD) is not one of: $(VK_BOARDS)))
vk-dev-keyring = $(filter $(RAUC_DEV_DIR)/%,$(RAUC_KEYRING) $(RAUC_CERT) $(RAUC_KEY))

buildroot-src: $(BR_SRC)/Makefile ## unpack Buildroot $(BR_VERSION) into build/ (checksum verified)

# Unpacked once, atomically (a temporary directory renamed into place), so an
# existing $(BR_SRC)/Makefile means a complete tree.
$(BR_SRC)/Makefile:
	@mkdir -p build
	@if [ ! -f "$(BR_TARBALL)" ]; then \
	  echo "downloading $(BR_URL)"; mkdir -p $(dir $(BR_TARBALL)); \
	  curl -fL --retry 3 -o "$(BR_TARBALL).part" "$(BR_URL)" && mv "$(BR_TARBALL).part" "$(BR_TARBALL)"; \
	fi
	@echo "$(BR_SHA256)  $(BR_TARBALL)" | sha256sum -c --quiet - || \
	  { echo "$(BR_TARBALL): checksum mismatch, expected $(BR_SHA256)"; exit 1; }
	@rm -rf "$(BR_SRC).unpack" && mkdir -p "$(BR_SRC).unpack"
	tar -C "$(BR_SRC).unpack" -xJf "$(BR_TARBALL)"
	@test -f "$(BR_SRC).unpack/buildroot-$(BR_VERSION)/Makefile"
	@rm -rf "$(BR_SRC)" && mv "$(BR_SRC).unpack/buildroot-$(BR_VERSION)" "$(BR_SRC)" && rmdir "$(BR_SRC).unpack"

image-config: $(BR_SRC)/Makefile ## (re)write build/br-BOARD/.config from the board's defconfig
	$(vk-check-board)
	$(BR_MAKE) venuekiosk_$(BOARD)_defconfig

image-buildroot: $(BR_SRC)/Makefile ## full Buildroot build of BOARD's SD card image (needs the internet; see buildroot/README.md)
	$(vk-check-board)
	@if [ ! -f "$(BR_OUT)/.config" ] || [ buildroot/configs/venuekiosk_$(BOARD)_defconfig -nt "$(BR_OUT)/.config" ]; then \
	  $(BR_MAKE) venuekiosk_$(BOARD)_defconfig; fi
	$(if $(vk-dev-keyring),$(VK_BOARD_DIR)/common/rauc-devkeys.sh $(RAUC_DEV_DIR))
	VENUEKIOSK_RAUC_KEYRING="$(abspath $(RAUC_KEYRING))" $(BR_MAKE)
	@echo "SD card image: $(BR_OUT)/images/sdcard.img"

rauc-dev-keys: ## make the DEVELOPMENT RAUC CA and signing key in build/rauc-dev/ (once)
	$(VK_BOARD_DIR)/common/rauc-devkeys.sh $(RAUC_DEV_DIR)

bundle-buildroot: ## signed RAUC bundle for BOARD from BUNDLE_ROOTFS (the Buildroot root; development key unless RAUC_CERT/RAUC_KEY)
	$(vk-check-board)
	$(if $(vk-dev-keyring),$(VK_BOARD_DIR)/common/rauc-devkeys.sh $(RAUC_DEV_DIR))
	RAUC="$(RAUC)" $(VK_BOARD_DIR)/common/mkbundle.sh -b "$(BOARD)" -r "$(BUNDLE_ROOTFS)" \
	  -o "$(BUNDLE_OUT)" -c "$(RAUC_CERT)" -k "$(RAUC_KEY)" -K "$(RAUC_KEYRING)" -v "$(VERSION)"
	@echo "bundle: $(BUNDLE_OUT)"

.DEFAULT_GOAL := $(vk-saved-default-goal)
