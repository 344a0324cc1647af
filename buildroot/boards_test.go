package buildroot

import (
	"bufio"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// board is what the tests expect of one defconfig.
type board struct {
	name        string // BOARD=…, configs/venuekiosk_<name>_defconfig
	arch        string // BR2_aarch64 or BR2_arm
	arm64       bool   // config.txt must say arm_64bit=1
	uboot       string // BR2_TARGET_UBOOT_BOARD_DEFCONFIG
	kernel      string // BR2_LINUX_KERNEL_DEFCONFIG
	firmware    string // BR2_PACKAGE_RPI_FIRMWARE_VARIANT_…
	startFile   string // config.txt start_file=
	upstreamCfg string // the Buildroot defconfig it derives from
}

var boards = []board{
	{
		name: "rpi4_64", arch: "BR2_aarch64", arm64: true, uboot: "rpi_arm64",
		kernel: "bcm2711", firmware: "BR2_PACKAGE_RPI_FIRMWARE_VARIANT_PI4",
		startFile: "start4.elf", upstreamCfg: "raspberrypi4_64_defconfig",
	},
	{
		name: "rpizero2w_64", arch: "BR2_aarch64", arm64: true, uboot: "rpi_arm64",
		kernel: "bcm2711", firmware: "BR2_PACKAGE_RPI_FIRMWARE_VARIANT_PI",
		startFile: "start.elf", upstreamCfg: "raspberrypizero2w_64_defconfig",
	},
	{
		name: "rpi3", arch: "BR2_arm", arm64: false, uboot: "rpi_3_32b",
		kernel: "bcm2709", firmware: "BR2_PACKAGE_RPI_FIRMWARE_VARIANT_PI",
		startFile: "start.elf", upstreamCfg: "raspberrypi3_defconfig",
	},
}

func (b board) defconfig() string { return "venuekiosk_" + b.name + "_defconfig" }

// kconfig is a parsed .config or defconfig: symbol → value as written
// ("y", "\"text\"", "0x10"), with "n" for "# SYM is not set".
type kconfig map[string]string

// parseKconfig reads KEY=VALUE and "# KEY is not set" lines; other
// comments and blank lines are skipped, anything else is an error.
func parseKconfig(text string) (kconfig, error) {
	kc := kconfig{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
		case strings.HasPrefix(line, "# ") && strings.HasSuffix(line, " is not set"):
			sym := strings.TrimSuffix(strings.TrimPrefix(line, "# "), " is not set")
			if strings.ContainsAny(sym, " =") {
				return nil, fmt.Errorf("line %d: bad symbol in %q", n, line)
			}
			kc[sym] = "n"
		case strings.HasPrefix(line, "#"):
		default:
			sym, val, ok := strings.Cut(line, "=")
			if !ok || sym == "" || strings.ContainsAny(sym, " \t") {
				return nil, fmt.Errorf("line %d: not SYM=value: %q", n, line)
			}
			if _, dup := kc[sym]; dup {
				return nil, fmt.Errorf("line %d: %s set twice", n, sym)
			}
			kc[sym] = val
		}
	}
	return kc, sc.Err()
}

// get is the value of sym, "n" when unset.
func (kc kconfig) get(sym string) string {
	if v, ok := kc[sym]; ok {
		return v
	}
	return "n"
}

// str is the unquoted value of a string symbol.
func (kc kconfig) str(sym string) string {
	return strings.Trim(kc.get(sym), `"`)
}

// expandExternal replaces $(BR2_EXTERNAL_VENUEKIOSK_PATH) in a path.
func expandExternal(t *testing.T, s string) string {
	t.Helper()
	return strings.ReplaceAll(s, "$(BR2_EXTERNAL_VENUEKIOSK_PATH)", extDir(t))
}

func TestParseKconfig(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     kconfig
		wantErr  bool
	}{
		{name: "values", in: "BR2_A=y\nBR2_B=\"x y\"\n# comment\n\n# BR2_C is not set\n",
			want: kconfig{"BR2_A": "y", "BR2_B": `"x y"`, "BR2_C": "n"}},
		{name: "value with equals", in: `BR2_S="a=b"`, want: kconfig{"BR2_S": `"a=b"`}},
		{name: "no equals", in: "BR2_A y\n", wantErr: true},
		{name: "space in symbol", in: "BR2 A=y\n", wantErr: true},
		{name: "twice", in: "BR2_A=y\nBR2_A=n\n", wantErr: true},
		{name: "empty symbol", in: "=y\n", wantErr: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseKconfig(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseKconfig(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("parseKconfig(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// TestBoardList: the table above covers exactly the defconfigs there are,
// so a new board cannot slip past the checks.
func TestBoardList(t *testing.T) {
	matches, err := filepath.Glob(filepath.Join(extDir(t), "configs", "*_defconfig"))
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, m := range matches {
		got = append(got, filepath.Base(m))
	}
	for _, b := range boards {
		want = append(want, b.defconfig())
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("configs/ holds %v, want %v", got, want)
	}
	var listed []string
	for _, line := range strings.Split(readFile(t, "buildroot/targets.mk"), "\n") {
		if v, ok := strings.CutPrefix(line, "VK_BOARDS"); ok {
			_, v, _ = strings.Cut(v, "=")
			listed = strings.Fields(v)
		}
	}
	var names []string
	for _, b := range boards {
		names = append(names, b.name)
	}
	if strings.Join(listed, " ") != strings.Join(names, " ") {
		t.Errorf("targets.mk VK_BOARDS = %v, want %v", listed, names)
	}
}
