# venuekiosk — see README.md. `make run` starts a simulated kiosk; `make test`
# installs what the tests need and runs every test.

# The firmware image targets (image, bundle, …) live with the Buildroot tree.
include buildroot/targets.mk
# The system test (a QEMU virtual machine under Debian's systemd).
include firmware/systemtest/systemtest.mk
# The Debian-based SD card image (make image-rootfs, image, bundle).
include firmware/image/image.mk
# The included files define targets first: `make` alone means `make all`.
.DEFAULT_GOAL := all

SHELL     := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO        ?= go
GOFLAGS   ?=
BIN       := bin
BUILD     := build
CMDS      := kioskctl kioskd
VERSION   ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X github.com/venuekiosk/venuekiosk/firmware/version.Version=$(VERSION)

# Debian packages the tests use. Each is installed only when missing.
TEST_DEBS := zbar-tools \
             gcc-aarch64-linux-gnu libc6-dev-arm64-cross \
             gcc-arm-linux-gnueabihf libc6-dev-armhf-cross \
             qemu-user-static chromium unifont mosquitto nginx \
             rauc squashfs-tools genimage fdisk dosfstools mtools e2fsprogs \
             python3-magic python3-flake8 shellcheck openssl xz-utils systemd \
             qemu-system-x86 qemu-system-arm qemu-utils mmdebstrap arch-test u-boot-tools bmap-tools kmod

# Packages whose tests also run on arm64 under qemu-user.
CROSS_TEST_PKGS := ./firmware/pass/... ./firmware/policy/... ./firmware/trust/... ./firmware/verify/...

ARM64_CC  := aarch64-linux-gnu-gcc
ARMV7_CC  := arm-linux-gnueabihf-gcc
QEMU_ARM64 := qemu-aarch64-static -L /usr/aarch64-linux-gnu

.PHONY: all build test deps vet unit cross cross-test cross-run bench bench-fleet run clean help fmt install

all: build

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

build: ## build host binaries into bin/
	@mkdir -p $(BIN)
	$(GO) build $(GOFLAGS) -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/ $(addprefix ./firmware/cmd/,$(CMDS)) ./sync/cmd/vkpublish

deps: ## install the Debian packages the tests need, when missing
	@missing=""; for p in $(TEST_DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "test packages present"; fi

vet: ## gofmt and go vet
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

unit: ## go test ./... on the host
	$(GO) test $(GOFLAGS) -count=1 ./...

cross: ## cross-compile with cgo for linux/arm64 and linux/arm (GOARM=7) into build/
	@mkdir -p $(BUILD)/linux_arm64 $(BUILD)/linux_armv7
	CGO_ENABLED=1 GOOS=linux GOARCH=arm64 CC=$(ARM64_CC) \
	  $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BUILD)/linux_arm64/ $(addprefix ./firmware/cmd/,$(CMDS))
	CGO_ENABLED=1 GOOS=linux GOARCH=arm GOARM=7 CC=$(ARMV7_CC) \
	  $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BUILD)/linux_armv7/ $(addprefix ./firmware/cmd/,$(CMDS))
	@file $(BUILD)/linux_arm64/* $(BUILD)/linux_armv7/* 2>/dev/null || ls -l $(BUILD)/linux_arm64 $(BUILD)/linux_armv7

cross-test: cross ## run the verification tests of the arm64 build under qemu-user
	CGO_ENABLED=1 GOOS=linux GOARCH=arm64 CC=$(ARM64_CC) \
	  $(GO) test -count=1 -exec '$(QEMU_ARM64)' $(CROSS_TEST_PKGS)

cross-run: cross ## run the cross-built kioskd (arm64) and kioskctl (armv7, arm64) under qemu-user: selftest against a simulated kiosk
	sh firmware/cmd/kioskd/qemu-run.sh $(BUILD)

test: deps vet unit cross-test cross-run image-test test-system-amd64-extra test-system-arm64 ## install test tools when missing, then run every test

bench: ## run the benchmarks and print a table (also saved to build/bench.txt)
	@mkdir -p $(BUILD)
	$(GO) test -run '^$$' -bench . -benchmem ./... | tee $(BUILD)/bench.txt

# The fleet sync benchmark (not part of make test or make bench): N kiosks
# against Debian's nginx (package nginx) with the example site; writes
# build/bench-fleet.txt. FLEET_REVOCATIONS (a day), FLEET_BASE and
# FLEET_HOUR (real time of a simulated hour) pass through when set.
FLEET_KIOSKS ?= 1000
bench-fleet: ## fleet sync benchmark: FLEET_KIOSKS kiosks (1000) against nginx; table in build/bench-fleet.txt
	@mkdir -p $(BUILD)
	VENUEKIOSK_BENCH_FLEET=1 FLEET_KIOSKS=$(FLEET_KIOSKS) FLEET_OUT=$(abspath $(BUILD))/bench-fleet.txt \
	  $(GO) test -run '^$$' -bench '^BenchmarkFleetSync$$' -benchtime 1x -timeout 3h ./sync/client
	@cat $(BUILD)/bench-fleet.txt

# make run's state directory, page address and extra kioskd flags; kioskd
# prints the address it really listens on once it is ready.
SIM_STATE ?= $(BUILD)/sim
SIM_LISTEN ?= 127.0.0.1:8080
run: build ## start the simulated kiosk (SIM_STATE=build/sim, SIM_LISTEN=127.0.0.1:8080, RUN_FLAGS=…); it prints its page's address
	@mkdir -p $(SIM_STATE)
	$(BIN)/kioskd -simulate -state-dir $(SIM_STATE) -listen $(SIM_LISTEN) $(RUN_FLAGS)

# Installation layout, shared by the Buildroot package (buildroot/package/
# venuekiosk) and the system test's image: one install step, so the image
# and the tests cannot drift apart. Binaries come from $(BIN) (make build,
# or the Buildroot build directory).
PREFIX  ?= /usr
DESTDIR ?=
UNITDIR := $(PREFIX)/lib/systemd/system
install: ## install binaries from $(BIN), units, udev rules, users and config into $(DESTDIR)
	@for b in kioskd kioskctl; do test -x $(BIN)/$$b || { echo "make install: $(BIN)/$$b missing (run make build)"; exit 1; }; done
	install -D -m 0755 $(BIN)/kioskd $(DESTDIR)$(PREFIX)/bin/kioskd
	install -D -m 0755 $(BIN)/kioskctl $(DESTDIR)$(PREFIX)/bin/kioskctl
	install -d $(DESTDIR)$(UNITDIR)
	install -m 0644 systemd/*.service $(DESTDIR)$(UNITDIR)/
	@if ls systemd/*.timer >/dev/null 2>&1; then install -m 0644 systemd/*.timer $(DESTDIR)$(UNITDIR)/; fi
	install -D -m 0644 systemd/venuekiosk.sysusers $(DESTDIR)$(PREFIX)/lib/sysusers.d/venuekiosk.conf
	install -D -m 0644 systemd/venuekiosk.tmpfiles $(DESTDIR)$(PREFIX)/lib/tmpfiles.d/venuekiosk.conf
	install -D -m 0644 systemd/99-venuekiosk.rules $(DESTDIR)$(PREFIX)/lib/udev/rules.d/99-venuekiosk.rules
	install -D -m 0644 systemd/venuekiosk-modules.conf $(DESTDIR)$(PREFIX)/lib/modules-load.d/venuekiosk.conf
	install -D -m 0644 firmware/config/kioskd.toml $(DESTDIR)/etc/venuekiosk/kioskd.toml
	install -D -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/venuekiosk/README.md

fmt: ## gofmt every file
	gofmt -w $$(git ls-files '*.go')

clean: ## remove build output
	rm -rf $(BIN) $(BUILD)
