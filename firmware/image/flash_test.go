package image

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// flash runs flash.sh with args and env; it returns the exit status and
// the output.
func flash(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(repoRoot(t), "firmware/image/flash.sh"), args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err == nil {
		return 0, string(out)
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out)
	}
	t.Fatalf("flash.sh: %v", err)
	return -1, ""
}

// TestFlashRefuses: flash.sh writes nothing when its checks fail.
func TestFlashRefuses(t *testing.T) {
	needTool(t, "bmaptool", "bmap-tools")
	needTool(t, "sfdisk", "fdisk")
	dir := t.TempDir()
	img := filepath.Join(dir, "sdcard.img")
	if err := os.WriteFile(img, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	noBmap := filepath.Join(dir, "other.img")
	if err := os.WriteFile(noBmap, make([]byte, 4096), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(img+".bmap", []byte("<bmap/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"no arguments", nil, nil, "usage"},
		{"no image", nil, []string{filepath.Join(dir, "missing.img"), "/dev/sdz"}, "no image"},
		{"no bmap", nil, []string{noBmap, "/dev/sdz"}, "no block map"},
		{"character device", nil, []string{img, "/dev/null"}, "not a block device"},
		{"directory", []string{"FLASH_ALLOW_FILE=1"}, []string{img, dir}, "not a block device"},
		{"file without FLASH_ALLOW_FILE", nil, []string{img, filepath.Join(dir, "card.img")}, "not a block device"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := flash(t, tt.env, tt.args...)
			if code == 0 {
				t.Fatalf("flash.sh succeeded, want a refusal mentioning %q\n%s", tt.want, out)
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("flash.sh said %q, want it to mention %q", out, tt.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "card.img")); err == nil {
		t.Errorf("a refused flash.sh wrote card.img")
	}
}

// TestFlash: flash.sh writes the built image to a card (here a file) that
// reads back identical, partition table and all.
func TestFlash(t *testing.T) {
	dir := needImage(t)
	needTool(t, "bmaptool", "bmap-tools")
	img := filepath.Join(dir, "sdcard.img")
	card := filepath.Join(t.TempDir(), "card.img")
	code, out := flash(t, []string{"FLASH_ALLOW_FILE=1"}, img, card)
	if code != 0 {
		t.Fatalf("flash.sh: exit %d\n%s", code, out)
	}
	if got, want := sha256File(t, card), sha256File(t, img); got != want {
		t.Errorf("the flashed card's sha256 is %s, want the image's %s", got, want)
	}
}
