package image

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestImageBundle: make bundle makes a RAUC bundle of the image's root
// slot that verifies against the image's keyring, is for the Debian
// image's compatible, and carries root.ext4 unchanged.
func TestImageBundle(t *testing.T) {
	dir := needImage(t)
	needTool(t, "rauc", "rauc")
	needTool(t, "mksquashfs", "squashfs-tools")
	root := repoRoot(t)
	out := filepath.Join(t.TempDir(), "update.raucb")
	cache := filepath.Dir(dir)
	cmd := exec.Command("make", "-s", "--no-print-directory", "bundle", "IMAGE_CACHE="+cache, "IMAGE_BUNDLE="+out)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make bundle: %v\n%s", err, b)
	}
	args := strings.Split(strings.TrimSpace(string(mustRead(t, filepath.Join(dir, "mkimage.args")))), "\n")
	var keyring string
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "keyring="); ok {
			keyring = v
		}
	}
	info, err := runErr("rauc", "info", "--keyring="+keyring, "--output-format=shell", out)
	if err != nil {
		t.Fatalf("rauc info: %v\n%s", err, info)
	}
	for _, want := range []string{
		"RAUC_MF_COMPATIBLE='venuekiosk-debian_arm64'",
		"RAUC_IMAGE_DIGEST_0='" + sha256File(t, filepath.Join(dir, "root.ext4")) + "'",
		"RAUC_IMAGE_CLASS_0='rootfs'",
	} {
		if !strings.Contains(info, want) {
			t.Errorf("rauc info lacks %s:\n%s", want, info)
		}
	}
	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bundle: %d MB", st.Size()/1000000)
}
