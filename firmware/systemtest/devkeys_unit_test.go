package systemtest

import (
	"crypto/rand"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestDevKeysSignABundle: the test's development keys sign a bundle with
// mkbundle.sh (which verifies it against the CA, with the image's
// check-purpose=codesign), and are valid before the guest's clock.
func TestDevKeysSignABundle(t *testing.T) {
	for _, tool := range []string{"rauc", "mksquashfs", "mke2fs"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found", tool)
		}
	}
	dir := t.TempDir()
	keys := filepath.Join(dir, "keys")
	if err := makeDevKeys(keys, time.Now()); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("openssl", "x509", "-in", filepath.Join(keys, "signing.cert.pem"), "-noout", "-checkend", "0").CombinedOutput(); err != nil {
		t.Fatalf("openssl x509 -checkend: %v: %s", err, out)
	}
	// Some incompressible content: a bundle's squashfs must exceed 4 KiB.
	content := filepath.Join(dir, "content")
	noise := make([]byte, 64<<10)
	rand.Read(noise)
	put(t, content, "/noise", noise, 0o644)
	root := filepath.Join(dir, "root.ext4")
	mustRun(t, "", "mke2fs", "-q", "-t", "ext4", "-d", content, root, "4M")
	repoRoot := findRepoRoot(t)
	mustRun(t, repoRoot, "buildroot/board/venuekiosk/common/mkbundle.sh", "-b", bundleBoard, "-r", root, "-o", filepath.Join(dir, "b.raucb"),
		"-c", filepath.Join(keys, "signing.cert.pem"), "-k", filepath.Join(keys, "signing.key.pem"),
		"-K", filepath.Join(keys, "ca.cert.pem"), "-v", "systemtest")
	// Valid since a day ago: a guest whose clock is hours behind accepts it.
	if out, err := exec.Command("openssl", "verify", "-attime", itoa(time.Now().Add(-12*time.Hour).Unix()), "-purpose", "smimesign",
		"-CAfile", filepath.Join(keys, "ca.cert.pem"), filepath.Join(keys, "signing.cert.pem")).CombinedOutput(); err != nil {
		t.Errorf("openssl verify 12 hours ago: %v: %s", err, out)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
