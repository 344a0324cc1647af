package image

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fakeUBoot is a stand-in u-boot.bin: code bytes, a help text that
// mentions bootdelay, the default environment, more code.
func fakeUBoot(env ...string) []byte {
	var b bytes.Buffer
	b.Write([]byte{0x14, 0x00, 0x00, 0x17, 0xff, 0x01})
	b.WriteString("\x00set bootdelay\x00")
	b.Write([]byte{0xfe, 0x00})
	for _, v := range env {
		b.WriteString(v + "\x00")
	}
	b.WriteString("\x00\x91\x00\x42")
	return b.Bytes()
}

func TestDefaultEnv(t *testing.T) {
	tests := []struct {
		name string
		bin  []byte
		want []string
		err  bool
	}{
		{"found", fakeUBoot("bootcmd=run distro_bootcmd", "bootdelay=2", "baudrate=115200"),
			[]string{"bootcmd=run distro_bootcmd", "bootdelay=2", "baudrate=115200"}, false},
		{"bootdelay first", fakeUBoot("bootdelay=2", "arch=arm"), []string{"bootdelay=2", "arch=arm"}, false},
		{"none", fakeUBoot("bootcmd=boot", "arch=arm"), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DefaultEnv(tt.bin)
			if (err != nil) != tt.err {
				t.Fatalf("error: got %v, want error %v", err, tt.err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEnvImageRoundTrip(t *testing.T) {
	vars := SetEnv([]string{"bootdelay=2", "arch=arm"}, "bootdelay", "-2")
	vars = SetEnv(vars, "BOOT_ORDER", "A B")
	b, err := EnvImage(vars, 0x4000)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(b), 0x4000; got != want {
		t.Errorf("size: got %d, want %d", got, want)
	}
	got, err := ParseEnvImage(b)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"bootdelay=-2", "arch=arm", "BOOT_ORDER=A B"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	b[100] ^= 1
	if _, err := ParseEnvImage(b); err == nil {
		t.Errorf("a changed environment passed its CRC check")
	}
	if _, err := EnvImage([]string{string(make([]byte, 100))}, 64); err == nil {
		t.Errorf("an environment larger than its size was made")
	}
}

// TestEnvImageMatchesMkenvimage: U-Boot's own tool makes the same bytes.
func TestEnvImageMatchesMkenvimage(t *testing.T) {
	needTool(t, "mkenvimage", "u-boot-tools")
	vars := []string{"bootcmd=run distro_bootcmd", "bootdelay=-2", "BOOT_ORDER=A B", "BOOT_A_LEFT=3"}
	dir := t.TempDir()
	txt := filepath.Join(dir, "env.txt")
	if err := os.WriteFile(txt, []byte(strings.Join(vars, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "env.bin")
	run(t, "mkenvimage", "-s", "16384", "-p", "0", "-o", out, txt)
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := EnvImage(vars, 16384)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("EnvImage differs from mkenvimage's (CRC %x, want %x)", got[:4], want[:4])
	}
}
