package buildroot

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// systemConf is the board's RAUC system.conf as installed in the image.
func systemConf(t *testing.T, boardName string) string {
	t.Helper()
	return readFile(t, filepath.Join("buildroot", "board", "venuekiosk", boardName, "rootfs-overlay", "etc", "rauc", "system.conf"))
}

// iniSections parses a RAUC/systemd style key file: section → key → values
// (a key may repeat). Comments and blank lines are skipped; a line that is
// neither a section, nor key=value is an error.
func iniSections(text string) (map[string]map[string][]string, error) {
	out := map[string]map[string][]string{}
	section := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = line[1 : len(line)-1]
			if _, dup := out[section]; dup {
				return nil, fmt.Errorf("line %d: section [%s] twice", n, section)
			}
			out[section] = map[string][]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				return nil, fmt.Errorf("line %d: %q is not key=value inside a section", n, line)
			}
			k = strings.TrimSpace(k)
			out[section][k] = append(out[section][k], strings.TrimSpace(v))
		}
	}
	return out, sc.Err()
}

// one is the single value of key in section, failing the test otherwise.
func one(t *testing.T, ini map[string]map[string][]string, section, key string) string {
	t.Helper()
	v := ini[section][key]
	if len(v) != 1 {
		t.Errorf("[%s] %s has %d values %q, want exactly one", section, key, len(v), v)
		return ""
	}
	return v[0]
}

// TestSystemConf: each board's system.conf names the board and describes
// the same two root slots that the SD card layout and boot.cmd use.
func TestSystemConf(t *testing.T) {
	var first string
	for _, b := range boards {
		t.Run(b.name, func(t *testing.T) {
			text := systemConf(t, b.name)
			ini, err := iniSections(text)
			if err != nil {
				t.Fatal(err)
			}
			for _, kv := range []struct{ section, key, want string }{
				{"system", "compatible", "venuekiosk-" + b.name},
				{"system", "bootloader", "uboot"},
				{"system", "bundle-formats", "-plain"},
				{"keyring", "path", "/etc/rauc/keyring.pem"}, // post-build.sh installs it there
				{"keyring", "check-purpose", "codesign"},
				{"slot.rootfs.0", "device", "/dev/mmcblk0p2"},
				{"slot.rootfs.0", "type", "ext4"},
				{"slot.rootfs.0", "bootname", "A"},
				{"slot.rootfs.1", "device", "/dev/mmcblk0p3"},
				{"slot.rootfs.1", "type", "ext4"},
				{"slot.rootfs.1", "bootname", "B"},
			} {
				if got := one(t, ini, kv.section, kv.key); got != kv.want {
					t.Errorf("[%s] %s = %q, want %q", kv.section, kv.key, got, kv.want)
				}
			}
			var slots []string
			for s := range ini {
				if strings.HasPrefix(s, "slot.") {
					slots = append(slots, s)
				}
			}
			if len(slots) != 2 {
				t.Errorf("slots %v, want exactly rootfs.0 and rootfs.1: the data partition is no slot", slots)
			}
			// Apart from the compatible line the boards share one file.
			rest := strings.ReplaceAll(text, b.name, "BOARD")
			if first == "" {
				first = rest
			} else if rest != first {
				t.Errorf("system.conf of %s differs from %s's in more than the board name", b.name, boards[0].name)
			}
		})
	}
}

// devKeys makes a development key set with rauc-devkeys.sh in a new
// directory and returns it.
func devKeys(t *testing.T) string {
	t.Helper()
	needTool(t, "openssl", "openssl")
	dir := filepath.Join(t.TempDir(), "keys")
	mustRun(t, repoRoot(t), nil, "buildroot/board/venuekiosk/common/rauc-devkeys.sh", dir)
	return dir
}

// standInRootfs writes n random bytes with the ext4 superblock magic, which
// is all mkbundle.sh checks of a root filesystem image.
func standInRootfs(t *testing.T, dir string, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	b[1080], b[1081] = 0x53, 0xef
	p := filepath.Join(dir, "rootfs.ext4")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// makeBundle runs "make bundle-buildroot" through targets.mk.
func makeBundle(t *testing.T, boardName, keys, rootfs, out string, extra ...string) result {
	t.Helper()
	args := append([]string{"-s", "-f", "buildroot/targets.mk", "bundle-buildroot",
		"BOARD=" + boardName, "RAUC_DEV_DIR=" + keys, "BUNDLE_ROOTFS=" + rootfs,
		"BUNDLE_OUT=" + out, "VERSION=2026.11.1", "RAUC=rauc"}, extra...)
	return runCmd(t, repoRoot(t), nil, "make", args...)
}

// raucInfo runs rauc info against keyring and parses its shell output.
func raucInfo(t *testing.T, keyring, bundle string) (map[string]string, result) {
	t.Helper()
	r := runCmd(t, "", nil, "rauc", "info", "--keyring="+keyring, "--output-format=shell", bundle)
	vals := map[string]string{}
	for _, line := range strings.Split(r.stdout, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			vals[k] = strings.Trim(v, "'")
		}
	}
	return vals, r
}

func needRauc(t *testing.T) {
	t.Helper()
	needTool(t, "make", "make")
	needTool(t, "rauc", "rauc")
	needTool(t, "mksquashfs", "squashfs-tools")
}

// TestBundle: make bundle-buildroot builds, for each board, a bundle that verifies
// with the development CA and whose manifest matches the board's
// system.conf and the image it was given.
func TestBundle(t *testing.T) {
	needRauc(t)
	keys := devKeys(t)
	for _, b := range boards {
		t.Run(b.name, func(t *testing.T) {
			dir := t.TempDir()
			rootfs := standInRootfs(t, dir, 1<<20)
			out := filepath.Join(dir, "out", "kiosk.raucb")
			if r := makeBundle(t, b.name, keys, rootfs, out); r.code != 0 {
				t.Fatalf("make bundle-buildroot: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			info, r := raucInfo(t, filepath.Join(keys, "ca.cert.pem"), out)
			if r.code != 0 {
				t.Fatalf("rauc info --keyring=<dev CA>: exit %d\n%s", r.code, r.stderr)
			}
			ini, err := iniSections(systemConf(t, b.name))
			if err != nil {
				t.Fatal(err)
			}
			img, err := os.ReadFile(rootfs)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(img)
			for _, kv := range []struct{ key, want string }{
				{"RAUC_MF_COMPATIBLE", one(t, ini, "system", "compatible")},
				{"RAUC_MF_VERSION", "2026.11.1"},
				{"RAUC_MF_IMAGES", "1"},
				{"RAUC_IMAGE_CLASS_0", "rootfs"}, // the class of both slots
				{"RAUC_IMAGE_NAME_0", "rootfs.ext4"},
				{"RAUC_IMAGE_DIGEST_0", hex.EncodeToString(sum[:])},
				{"RAUC_IMAGE_SIZE_0", fmt.Sprint(len(img))},
			} {
				if got := info[kv.key]; got != kv.want {
					t.Errorf("%s = %q, want %q", kv.key, got, kv.want)
				}
			}
		})
	}
}

// TestBundleRejected: what the kiosk's keyring must not accept.
func TestBundleRejected(t *testing.T) {
	needRauc(t)
	dev := devKeys(t)
	other := devKeys(t)
	devCA := filepath.Join(dev, "ca.cert.pem")
	dir := t.TempDir()
	rootfs := standInRootfs(t, dir, 1<<20)

	t.Run("signed-by-another-key", func(t *testing.T) {
		out := filepath.Join(dir, "other.raucb")
		if r := makeBundle(t, "rpi4_64", other, rootfs, out); r.code != 0 {
			t.Fatalf("make bundle-buildroot with the other key: exit %d\n%s", r.code, r.stderr)
		}
		if _, r := raucInfo(t, filepath.Join(other, "ca.cert.pem"), out); r.code != 0 {
			t.Fatalf("the other key's own CA rejects its bundle: %s", r.stderr)
		}
		_, r := raucInfo(t, devCA, out)
		if r.code == 0 {
			t.Fatalf("rauc info --keyring=<dev CA> accepted a bundle signed by another CA's key")
		}
		if !strings.Contains(r.stderr, "signature verification failed") {
			t.Errorf("rauc info: %q, want a signature verification failure", r.stderr)
		}
	})

	good := filepath.Join(dir, "good.raucb")
	if r := makeBundle(t, "rpi4_64", dev, rootfs, good); r.code != 0 {
		t.Fatalf("make bundle-buildroot: exit %d\n%s", r.code, r.stderr)
	}
	orig, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	// A verity bundle ends with the CMS signature and its 8-byte size.
	for _, tt := range []struct {
		name   string
		change func([]byte) []byte
	}{
		{"signature-byte-flipped", func(b []byte) []byte {
			c := append([]byte(nil), b...)
			c[len(c)-8-200] ^= 0x01
			return c
		}},
		{"truncated", func(b []byte) []byte { return b[:len(b)-100] }},
		{"size-trailer-zeroed", func(b []byte) []byte {
			c := append([]byte(nil), b...)
			copy(c[len(c)-8:], make([]byte, 8))
			return c
		}},
		{"empty", func([]byte) []byte { return nil }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "bad.raucb")
			if err := os.WriteFile(p, tt.change(orig), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, r := raucInfo(t, devCA, p); r.code == 0 {
				t.Errorf("rauc info accepted the %s bundle", tt.name)
			}
		})
	}
	if _, r := raucInfo(t, devCA, good); r.code != 0 {
		t.Errorf("the unaltered bundle fails: %s", r.stderr)
	}
}

// TestBundleBadInput: make bundle refuses what it cannot vouch for.
func TestBundleBadInput(t *testing.T) {
	needRauc(t)
	keys := devKeys(t)
	other := devKeys(t)
	dir := t.TempDir()
	good := standInRootfs(t, dir, 1<<20)

	notExt4 := filepath.Join(dir, "not-ext4.img")
	if err := os.WriteFile(notExt4, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	tiny := filepath.Join(dir, "tiny.img")
	if err := os.WriteFile(tiny, []byte("ext4"), 0o644); err != nil {
		t.Fatal(err)
	}
	// One byte more than a 512 MiB slot, sparse.
	huge := filepath.Join(dir, "huge.img")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte{0x53, 0xef}, 1080); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(512<<20 + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()

	for _, tt := range []struct {
		name, board, rootfs string
		extra               []string
		want                string
	}{
		{"unknown-board", "rpi5", good, nil, "not one of"},
		{"board-path-trick", "../rpi4_64", good, nil, "not one of"},
		{"missing-rootfs", "rpi4_64", filepath.Join(dir, "nope.ext4"), nil, "no root filesystem image"},
		{"not-ext4", "rpi4_64", notExt4, nil, "not an ext4 image"},
		{"too-small", "rpi4_64", tiny, nil, "too small"},
		{"larger-than-slot", "rpi4_64", huge, nil, "a root slot holds"},
		{"bad-version", "rpi4_64", good, []string{"VERSION=1.0;rm -rf"}, "bad version"},
		{"cert-not-from-keyring-CA", "rpi4_64", good, []string{
			"RAUC_CERT=" + filepath.Join(other, "signing.cert.pem"),
			"RAUC_KEY=" + filepath.Join(other, "signing.key.pem"),
		}, "rauc bundle failed"},
		{"key-not-matching-cert", "rpi4_64", good, []string{
			"RAUC_KEY=" + filepath.Join(other, "signing.key.pem"),
		}, "rauc bundle failed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "x.raucb")
			r := makeBundle(t, tt.board, keys, tt.rootfs, out, tt.extra...)
			if r.code == 0 {
				t.Fatalf("make bundle succeeded, want a failure mentioning %q", tt.want)
			}
			if !strings.Contains(r.stdout+r.stderr, tt.want) {
				t.Errorf("make bundle output %q, want it to mention %q", r.stdout+r.stderr, tt.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("a failed make bundle left %s behind", out)
			}
		})
	}
}

// TestDevKeys: rauc-devkeys.sh makes a CA and a code-signing certificate it
// issued, keeps private keys private, keeps an existing set, and refuses a
// partial one.
func TestDevKeys(t *testing.T) {
	keys := devKeys(t)
	for _, f := range []struct {
		name string
		perm os.FileMode
	}{
		{"ca.cert.pem", 0o644}, {"signing.cert.pem", 0o644},
		{"ca.key.pem", 0o600}, {"signing.key.pem", 0o600},
	} {
		st, err := os.Stat(filepath.Join(keys, f.name))
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != f.perm {
			t.Errorf("%s mode %v, want %v", f.name, got, f.perm)
		}
	}
	cert := filepath.Join(keys, "signing.cert.pem")
	mustRun(t, "", nil, "openssl", "verify", "-CAfile", filepath.Join(keys, "ca.cert.pem"), cert)
	text := mustRun(t, "", nil, "openssl", "x509", "-in", cert, "-noout", "-text").stdout
	for _, want := range []string{"Code Signing", "CA:FALSE", "DEVELOPMENT"} {
		if !strings.Contains(text, want) {
			t.Errorf("signing certificate lacks %q", want)
		}
	}

	before, err := os.ReadFile(filepath.Join(keys, "ca.key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, repoRoot(t), nil, "buildroot/board/venuekiosk/common/rauc-devkeys.sh", keys)
	after, err := os.ReadFile(filepath.Join(keys, "ca.key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if string(before) != string(after) {
		t.Errorf("a second run replaced the existing CA key")
	}

	if err := os.Remove(filepath.Join(keys, "signing.key.pem")); err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, repoRoot(t), nil, "buildroot/board/venuekiosk/common/rauc-devkeys.sh", keys)
	if r.code == 0 || !strings.Contains(r.stderr, "only part of a key set") {
		t.Errorf("partial key set: exit %d, %q; want a refusal", r.code, r.stderr)
	}
}
