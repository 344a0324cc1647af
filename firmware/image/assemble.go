package image

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Inputs are what decide the SD card image's bytes besides the root tree.
type Inputs struct {
	Repo        string // the repository's top directory
	Tree        *Tree  // the cached Debian root tree
	Bin         string // arm64 kioskd and kioskctl (make cross)
	Keyring     string // the RAUC CA certificate the image trusts
	OperatorPub string // the operator's provisioning key; may be empty
	Epoch       string // SOURCE_DATE_EPOCH
}

// sourcePaths are the repository's files and directories that go into the
// image: the assembly script, the board files, and what `make install`
// installs.
var sourcePaths = []string{
	"firmware/image/mkimage.sh",
	"buildroot/board/venuekiosk/common",
	"buildroot/board/venuekiosk/debian_arm64",
	"systemd",
	"firmware/config/kioskd.toml",
	"README.md",
	"Makefile",
}

// Key hashes the inputs: the root tree's recipe, every source file (path
// and content), the binaries, the keys and the time. 16 hex digits.
func (in Inputs) Key() (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "rootfs %s\nepoch %s\n", filepath.Base(in.Tree.Dir), in.Epoch)
	var files []string
	for _, p := range sourcePaths {
		err := filepath.WalkDir(filepath.Join(in.Repo, p), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	sort.Strings(files)
	files = append(files, filepath.Join(in.Bin, "kioskd"), filepath.Join(in.Bin, "kioskctl"), in.Keyring)
	if in.OperatorPub != "" {
		files = append(files, in.OperatorPub)
	}
	for _, f := range files {
		rel, err := filepath.Rel(in.Repo, f)
		if err != nil || strings.HasPrefix(rel, "..") {
			rel = filepath.Base(f)
		}
		st, err := os.Lstat(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "file %s %o\n", rel, st.Mode())
		if st.Mode().IsRegular() {
			if err := hashFile(h, f); err != nil {
				return "", err
			}
		} else if st.Mode()&fs.ModeSymlink != 0 {
			l, _ := os.Readlink(f)
			io.WriteString(h, l)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:8]), nil
}

func hashFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// Image is a built SD card image's directory (mkimage.sh's output).
type Image struct {
	Dir    string
	Cached bool
	Built  time.Duration
}

// Card is the SD card image's path.
func (im *Image) Card() string { return filepath.Join(im.Dir, "sdcard.img") }

// BuildImage returns the image of these inputs from cache, assembling it
// with mkimage.sh into cache/image-<key>/ when it is missing (the file
// image-<key>.done, written last, marks it complete). Images of other
// inputs are removed; cache/image.path names the image's directory.
func BuildImage(cache string, in Inputs, logf func(string, ...any)) (*Image, error) {
	unlock, err := lockCache(cache, "image.lock")
	if err != nil {
		return nil, err
	}
	defer unlock()
	key, err := in.Key()
	if err != nil {
		return nil, err
	}
	name := "image-" + key
	dir := filepath.Join(cache, name)
	im := &Image{Dir: dir, Cached: true}
	done := dir + ".done"
	if _, err := os.Stat(done); err != nil {
		im.Cached = false
		start := time.Now()
		tmp := dir + ".tmp"
		if err := os.RemoveAll(tmp); err != nil {
			return nil, err
		}
		logf("assembling the SD card image %s", name)
		if err := os.MkdirAll(tmp, 0o755); err != nil {
			return nil, err
		}
		env := filepath.Join(cache, name+".env")
		if err := WriteEnv(in.Tree.Dir, env); err != nil {
			return nil, err
		}
		defer os.Remove(env)
		args := []string{"-r", in.Tree.Dir, "-b", in.Bin, "-o", tmp, "-K", in.Keyring, "-e", env}
		if in.OperatorPub != "" {
			args = append(args, "-p", in.OperatorPub)
		}
		cmd := exec.Command(filepath.Join(in.Repo, "firmware/image/mkimage.sh"), args...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH="+in.Epoch)
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("mkimage.sh: %v", err)
		}
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
		if err := os.Rename(tmp, dir); err != nil {
			return nil, err
		}
		if err := os.WriteFile(done, []byte(key+"\n"), 0o644); err != nil {
			return nil, err
		}
		im.Built = time.Since(start)
		logf("assembled %s in %s", name, im.Built.Round(time.Second))
	}
	old, _ := filepath.Glob(filepath.Join(cache, "image-*"))
	for _, o := range old {
		if b := filepath.Base(o); b != name && b != name+".done" {
			if err := os.RemoveAll(o); err != nil {
				return nil, err
			}
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := writeAtomic(filepath.Join(cache, "image.path"), []byte(abs+"\n")); err != nil {
		return nil, err
	}
	return im, nil
}

// EnvSize is the U-Boot environment's size: Debian's rpi_arm64 U-Boot's
// CONFIG_ENV_SIZE, as the Debian image's fw_env.config says.
const EnvSize = 0x4000

// BootEnv are the variables the image's environment sets over U-Boot's
// defaults: no boot delay and no way to stop it (a serial scanner on the
// UART must not stop the boot; Buildroot's U-Boot has BOOTDELAY=-2), and
// RAUC's boot counters: slot A first with boot.scr's 3 attempts, slot B
// none — the card leaves it empty until the first update, when RAUC gives
// it its attempts and puts it first.
var BootEnv = [][2]string{{"bootdelay", "-2"}, {"BOOT_ORDER", "A B"}, {"BOOT_A_LEFT", "3"}, {"BOOT_B_LEFT", "0"}}

// WriteEnv writes the boot partition's uboot.env to path: the U-Boot of
// the root tree's defaults with BootEnv.
func WriteEnv(tree, path string) error {
	bin, err := os.ReadFile(filepath.Join(tree, "usr/lib/u-boot/rpi_arm64/u-boot.bin"))
	if err != nil {
		return err
	}
	vars, err := DefaultEnv(bin)
	if err != nil {
		return err
	}
	for _, kv := range BootEnv {
		vars = SetEnv(vars, kv[0], kv[1])
	}
	b, err := EnvImage(vars, EnvSize)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
