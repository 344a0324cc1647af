package image

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// settings are a file's lines that are not comments or blank.
func settings(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// TestSystemConfFollowsBuildroot: the Debian image's system.conf is the
// Buildroot boards' but for the compatible (its bundles are not theirs).
func TestSystemConfFollowsBuildroot(t *testing.T) {
	deb := settings(readFile(t, "buildroot/board/venuekiosk/debian_arm64/rootfs-overlay/etc/rauc/system.conf"))
	br := settings(readFile(t, "buildroot/board/venuekiosk/rpi4_64/rootfs-overlay/etc/rauc/system.conf"))
	if got, want := len(deb), len(br); got != want {
		t.Fatalf("settings: got %d, want %d", got, want)
	}
	for i := range deb {
		if strings.HasPrefix(br[i], "compatible=") {
			if got, want := deb[i], "compatible=venuekiosk-debian_arm64"; got != want {
				t.Errorf("got %q, want %q", got, want)
			}
			continue
		}
		if deb[i] != br[i] {
			t.Errorf("line %d: got %q, want %q (rpi4_64's)", i, deb[i], br[i])
		}
	}
}

// TestFstabFollowsBuildroot: the Debian fstab keeps the Buildroot fstab's
// lines and adds what Debian lacks (Buildroot's var factory's tmpfs, the
// boot partition for U-Boot's environment file).
func TestFstabFollowsBuildroot(t *testing.T) {
	deb := settings(readFile(t, "buildroot/board/venuekiosk/debian_arm64/rootfs-overlay/etc/fstab"))
	for _, l := range settings(readFile(t, "buildroot/board/venuekiosk/common/rootfs-overlay/etc/fstab")) {
		if !slices.Contains(deb, l) {
			t.Errorf("the Debian fstab lacks Buildroot's line %q", l)
		}
	}
	env := settings(readFile(t, "buildroot/board/venuekiosk/debian_arm64/rootfs-overlay/etc/fw_env.config"))
	if len(env) != 1 {
		t.Fatalf("fw_env.config: got %d environments, want 1 (a FAT file has no redundant copy)", len(env))
	}
	f := strings.Fields(env[0])
	if len(f) != 3 {
		t.Fatalf("fw_env.config line %q: want device, offset, size", env[0])
	}
	mnt := regexp.MustCompile(`(?m)^\S+\s+(/boot/firmware)\s+vfat\s+rw`)
	if m := mnt.FindStringSubmatch(strings.Join(deb, "\n")); m == nil || !strings.HasPrefix(f[0], m[1]+"/") {
		t.Errorf("fw_env.config's %s is not on a read-write vfat mount in fstab", f[0])
	}
	size, err := strconv.ParseInt(f[2], 0, 64)
	if err != nil {
		t.Fatal(err)
	}
	if size != EnvSize {
		t.Errorf("fw_env.config size: got %#x, want %#x (EnvSize)", size, EnvSize)
	}
}

// TestConfigTxtFollowsBuildroot: the Debian config.txt's [all] section has
// every setting of the Buildroot arm64 boards' config.txt but the
// per-model firmware files, and each model its own.
func TestConfigTxtFollowsBuildroot(t *testing.T) {
	secs := configSections(readFile(t, "buildroot/board/venuekiosk/debian_arm64/config.txt"))
	for _, b := range []string{"rpi4_64", "rpizero2w_64"} {
		for _, l := range settings(readFile(t, "buildroot/board/venuekiosk/"+b+"/config.txt")) {
			k, v, _ := strings.Cut(l, "=")
			if k == "start_file" || k == "fixup_file" {
				continue
			}
			if got := secs["all"][k]; got != v {
				t.Errorf("%s: [all] %s: got %q, want %q", b, k, got, v)
			}
		}
	}
	for _, m := range []string{"pi4", "pi3", "pi02"} {
		if secs[m]["device_tree"] == "" || secs[m]["start_file"] == "" {
			t.Errorf("[%s] names no device tree or start file", m)
		}
	}
}
