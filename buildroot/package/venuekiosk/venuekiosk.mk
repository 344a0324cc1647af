################################################################################
#
# venuekiosk
#
################################################################################

# The sources are the repository that holds this BR2_EXTERNAL tree.
VENUEKIOSK_VERSION = $(shell git -C $(BR2_EXTERNAL_VENUEKIOSK_PATH) describe --always --dirty 2>/dev/null || echo dev)
VENUEKIOSK_SITE = $(BR2_EXTERNAL_VENUEKIOSK_PATH)/..
VENUEKIOSK_SITE_METHOD = local
# Keep build output, host binaries and VCS data out of the copy.
VENUEKIOSK_OVERRIDE_SRCDIR_RSYNC_EXCLUSIONS = \
	--exclude=/build --exclude=/bin --exclude=/vendor

VENUEKIOSK_GOMOD = github.com/venuekiosk/venuekiosk
VENUEKIOSK_BUILD_TARGETS = firmware/cmd/kioskd firmware/cmd/kioskctl
VENUEKIOSK_LDFLAGS = \
	-X $(VENUEKIOSK_GOMOD)/firmware/version.Version=$(VENUEKIOSK_VERSION)

# Buildroot's Go environment builds with GOFLAGS=-mod=vendor and
# GOPROXY=off. A download-based Go package is vendored by the download
# post-process (support/download/go-post-process), but a local package
# is rsynced, never downloaded, so nothing vendors it. Vendor here, on
# the (networked) build host, with the proxy from the environment.
# This is a pre-build hook rather than a post-rsync one: the rsync step
# is not ordered after host-go, and with per-package directories the
# host directory is only assembled at the configure step. Running on
# every (re)build also keeps vendor/ in step with a changed go.mod.
VENUEKIOSK_GOPROXY = $(or $(GOPROXY),https://proxy.golang.org$(comma)direct)

define VENUEKIOSK_VENDOR_MODULES
	cd $(@D) && $(HOST_GO_COMMON_ENV) \
		GOFLAGS= GOPROXY="$(VENUEKIOSK_GOPROXY)" \
		$(GO_BIN) mod vendor -modcacherw
endef
VENUEKIOSK_PRE_BUILD_HOOKS += VENUEKIOSK_VENDOR_MODULES

# One install step for the image and the system test: the repository's
# Makefile installs the binaries (from the Go build's bin/), the systemd
# units, sysusers, tmpfiles, udev rules and /etc/venuekiosk/kioskd.toml.
define VENUEKIOSK_INSTALL_TARGET_CMDS
	$(TARGET_MAKE_ENV) $(MAKE) -C $(@D) install \
		DESTDIR=$(TARGET_DIR) BIN=$(@D)/bin
endef

# The root filesystem is read-only, so systemd-sysusers cannot add the
# daemon's user at boot: create it at build time. The IDs are fixed
# because the data partition keeps files owned by kiosk across updates.
define VENUEKIOSK_USERS
	kiosk 960 kiosk 960 * /var/lib/venuekiosk /usr/sbin/nologin dialout,gpio,spi,input venuekiosk daemon
endef

$(eval $(golang-package))
