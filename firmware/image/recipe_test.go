package image

import (
	"strings"
	"testing"
)

func TestRecipeHashChangesWithEveryField(t *testing.T) {
	base := RootfsRecipe
	tests := []struct {
		name   string
		change func(r *Recipe)
	}{
		{"suite", func(r *Recipe) { r.Suite = "trixie" }},
		{"arch", func(r *Recipe) { r.Arch = "armhf" }},
		{"variant", func(r *Recipe) { r.Variant = "minbase" }},
		{"components", func(r *Recipe) { r.Components = []string{"main"} }},
		{"packages", func(r *Recipe) { r.Packages = append(append([]string{}, r.Packages...), "vim") }},
		{"excludes", func(r *Recipe) { r.Excludes = r.Excludes[1:] }},
		{"includes", func(r *Recipe) { r.Includes = r.Includes[1:] }},
		{"initrd modules", func(r *Recipe) { r.InitrdModules = r.InitrdModules[1:] }},
		{"initrd compression", func(r *Recipe) { r.InitrdCompress = "zstd" }},
		{"hook directories", func(r *Recipe) { r.HookDirs = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base
			tt.change(&r)
			if got, base := r.Hash(), base.Hash(); got == base {
				t.Errorf("hash %s did not change", got)
			}
		})
	}
	if got, want := base.Hash(), RootfsRecipe.Hash(); got != want {
		t.Errorf("hash of the same recipe: got %s, want %s", got, want)
	}
	if got := len(base.Hash()); got != 16 {
		t.Errorf("hash length: got %d, want 16", got)
	}
}

func TestRecipeArgs(t *testing.T) {
	args := RootfsRecipe.Args("/tmp/x")
	if got, want := args[len(args)-2:], []string{"bookworm", "/tmp/x"}; got[0] != want[0] || got[1] != want[1] {
		t.Errorf("last arguments: got %q, want %q", got, want)
	}
	joined := strings.Join(args, "\n")
	for _, want := range []string{
		"--architectures=arm64",
		"--variant=essential",
		"--dpkgopt=path-exclude=/usr/share/doc/*",
		"--dpkgopt=path-exclude=/usr/share/locale/*",
		"--dpkgopt=path-exclude=/usr/share/man/*",
		"--dpkgopt=path-exclude=/lib/modules/*/kernel/drivers/*",
		"--dpkgopt=path-include=/usr/lib/linux-image-*/broadcom/*",
		"MODULES=list",
		"COMPRESS=gzip",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("mmdebstrap arguments lack %q", want)
		}
	}
	// dpkg applies path filters in order: an include must follow the
	// excludes it takes files back from.
	lastExclude, firstInclude := -1, len(args)
	for i, a := range args {
		if strings.HasPrefix(a, "--dpkgopt=path-exclude=") {
			lastExclude = i
		}
		if strings.HasPrefix(a, "--dpkgopt=path-include=") && i < firstInclude {
			firstInclude = i
		}
	}
	if firstInclude < lastExclude {
		t.Errorf("path-include at %d comes before path-exclude at %d", firstInclude, lastExclude)
	}
	for _, p := range []string{"systemd", "systemd-sysv", "udev", "kmod", "mount", "rauc",
		"linux-image-arm64", "raspi-firmware", "u-boot-rpi", "sqlite3", "e2fsprogs", "libubootenv-tool"} {
		if !strings.Contains(joined, p) {
			t.Errorf("package %s missing from --include", p)
		}
	}
	for _, m := range []string{"virtio_pci", "virtio_mmio", "virtio_blk", "ext4", "mmc_block", "sdhci_iproc", "bcm2835"} {
		found := false
		for _, x := range RootfsRecipe.InitrdModules {
			found = found || x == m
		}
		if !found {
			t.Errorf("initramfs module %s missing", m)
		}
	}
}
