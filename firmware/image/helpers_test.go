package image

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

const mib = 1 << 20

// repoRoot is the repository's top directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

func readFile(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// run runs name with args and returns its standard output; it fails the
// test when the command fails.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := runErr(name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func runErr(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		return stdout.String() + stderr.String(), err
	}
	return stdout.String(), nil
}

func needTool(t *testing.T, name, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not found (Debian package %s)", name, pkg)
	}
}

// layoutPart is one partition of genimage.cfg.in, in bytes.
type layoutPart struct {
	name     string
	typ      string // MBR type as sfdisk prints it: "c", "83"
	bootable bool
	offset   int64 // 0: right after the previous partition
	size     int64
}

// parseSize reads a genimage size: 64M, 512M, 2M, 4096.
func parseSize(t *testing.T, s string) int64 {
	t.Helper()
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "M"):
		mult, s = mib, strings.TrimSuffix(s, "M")
	case strings.HasSuffix(s, "K"):
		mult, s = 1024, strings.TrimSuffix(s, "K")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("size %q: %v", s, err)
	}
	return n * mult
}

// block returns the body of the "kind name {" block of a genimage config:
// the lines up to the brace that closes it.
func block(t *testing.T, cfg, kind, name string) string {
	t.Helper()
	lines := strings.Split(cfg, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != kind+" "+name+" {" {
			continue
		}
		depth := 1
		for j := i + 1; j < len(lines); j++ {
			depth += strings.Count(lines[j], "{") - strings.Count(lines[j], "}")
			if depth == 0 {
				return strings.Join(lines[i+1:j], "\n") + "\n"
			}
		}
		t.Fatalf("genimage.cfg.in: %s %s is not closed", kind, name)
	}
	t.Fatalf("genimage.cfg.in: no %s %s block", kind, name)
	return ""
}

// value returns key's value in a genimage block ("key = value").
func value(body, key string) string {
	re := regexp.MustCompile(`(?m)^\s*` + key + `\s*=\s*"?([^"\n]*)"?\s*$`)
	if m := re.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// wantLayout reads the card's partitions from the Buildroot tree's
// genimage.cfg.in: the layout both images share. Partitions without a
// size take their image's.
func wantLayout(t *testing.T) []layoutPart {
	t.Helper()
	cfg := readFile(t, "buildroot/board/venuekiosk/common/genimage.cfg.in")
	card := block(t, cfg, "image", "sdcard.img")
	var parts []layoutPart
	for _, name := range []string{"boot", "rootfs-a", "rootfs-b", "data"} {
		body := block(t, card, "partition", name)
		p := layoutPart{name: name, bootable: value(body, "bootable") == "true"}
		typ := strings.ToLower(strings.TrimPrefix(value(body, "partition-type"), "0x"))
		p.typ = typ
		if o := value(body, "offset"); o != "" {
			p.offset = parseSize(t, o)
		}
		if s := value(body, "size"); s != "" {
			p.size = parseSize(t, s)
		} else {
			p.size = parseSize(t, value(block(t, cfg, "image", value(body, "image")), "size"))
		}
		parts = append(parts, p)
	}
	return parts
}

// builtImage is the SD card image, built (or found in the cache) once per
// test run with make image.
var (
	imageOnce sync.Once
	imageDir  string
	imageErr  string
)

// needImage returns the built image's directory; it skips the test unless
// VENUEKIOSK_IMAGE_TEST=1.
func needImage(t *testing.T) string {
	t.Helper()
	if os.Getenv("VENUEKIOSK_IMAGE_TEST") != "1" {
		t.Skip("the Debian SD card image is built and checked only with VENUEKIOSK_IMAGE_TEST=1 (make image-test; root, the Debian mirror, about 15 minutes the first time)")
	}
	imageOnce.Do(func() {
		if d := os.Getenv("VENUEKIOSK_IMAGE_DIR"); d != "" {
			imageDir = d // an image built before (mkimage.sh's output)
			return
		}
		root := repoRoot(t)
		cache := os.Getenv("VENUEKIOSK_IMAGE_CACHE")
		if cache == "" {
			cache = filepath.Join(root, "build", "image-cache")
		}
		cmd := exec.Command("make", "-s", "--no-print-directory", "image", "IMAGE_CACHE="+cache)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			imageErr = "make image: " + err.Error() + "\n" + string(out)
			return
		}
		b, err := os.ReadFile(filepath.Join(cache, "image.path"))
		if err != nil {
			imageErr = err.Error()
			return
		}
		imageDir = strings.TrimSpace(string(b))
	})
	if imageErr != "" {
		t.Fatal(imageErr)
	}
	return imageDir
}
