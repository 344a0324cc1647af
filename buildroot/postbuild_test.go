package buildroot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// postBuild runs post-build.sh for boardName on a target directory that
// holds that board's system.conf (as the overlay would have put it).
func postBuild(t *testing.T, boardName, confBoard string, env ...string) (target string, r result) {
	t.Helper()
	target = filepath.Join(t.TempDir(), "target")
	if err := os.MkdirAll(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if confBoard != "" {
		conf := filepath.Join(target, "etc", "rauc", "system.conf")
		if err := os.MkdirAll(filepath.Dir(conf), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(conf, []byte(systemConf(t, confBoard)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	script := filepath.Join(extDir(t), "board", "venuekiosk", "common", "post-build.sh")
	return target, runCmd(t, target, append([]string{"TARGET_DIR=" + target}, env...), script, boardName)
}

// TestPostBuild: the image trusts the keyring it is given, or a development
// CA it makes, and nothing that is not a certificate.
func TestPostBuild(t *testing.T) {
	keys := devKeys(t)
	ca := filepath.Join(keys, "ca.cert.pem")

	t.Run("given-keyring", func(t *testing.T) {
		target, r := postBuild(t, "rpi3", "rpi3", "VENUEKIOSK_RAUC_KEYRING="+ca)
		if r.code != 0 {
			t.Fatalf("post-build.sh: exit %d: %s", r.code, r.stderr)
		}
		got, err := os.ReadFile(filepath.Join(target, "etc", "rauc", "keyring.pem"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(ca)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("installed keyring differs from VENUEKIOSK_RAUC_KEYRING")
		}
		if strings.Contains(r.stderr, "DEVELOPMENT") {
			t.Errorf("warned about a development CA although a keyring was given: %s", r.stderr)
		}
	})

	t.Run("development-ca", func(t *testing.T) {
		// BR2_EXTERNAL_VENUEKIOSK_PATH/../build/rauc-dev gets the keys.
		repo := t.TempDir()
		ext := filepath.Join(repo, "buildroot")
		if err := os.Mkdir(ext, 0o755); err != nil {
			t.Fatal(err)
		}
		target, r := postBuild(t, "rpi4_64", "rpi4_64", "BR2_EXTERNAL_VENUEKIOSK_PATH="+ext)
		if r.code != 0 {
			t.Fatalf("post-build.sh: exit %d: %s", r.code, r.stderr)
		}
		if !strings.Contains(r.stderr, "WARNING") || !strings.Contains(r.stderr, "DEVELOPMENT") {
			t.Errorf("no warning about the development CA: %q", r.stderr)
		}
		got, err := os.ReadFile(filepath.Join(target, "etc", "rauc", "keyring.pem"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(repo, "build", "rauc-dev", "ca.cert.pem"))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("installed keyring is not build/rauc-dev/ca.cert.pem")
		}
	})

	privateKey := filepath.Join(t.TempDir(), "with-key.pem")
	caText, err := os.ReadFile(ca)
	if err != nil {
		t.Fatal(err)
	}
	keyText, err := os.ReadFile(filepath.Join(keys, "ca.key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(privateKey, append(caText, keyText...), 0o600); err != nil {
		t.Fatal(err)
	}
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, board, confBoard, keyring, want string
	}{
		{"keyring-with-private-key", "rpi3", "rpi3", privateKey, "private key"},
		{"keyring-not-a-certificate", "rpi3", "rpi3", notPEM, "no PEM certificate"},
		{"keyring-missing", "rpi3", "rpi3", filepath.Join(t.TempDir(), "none.pem"), "missing or empty"},
		{"system-conf-of-another-board", "rpi3", "rpi4_64", ca, "is not for board rpi3"},
		{"no-system-conf", "rpi3", "", ca, "overlay is missing"},
		{"no-board-argument", "", "rpi3", ca, "usage"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			target, r := postBuild(t, tt.board, tt.confBoard, "VENUEKIOSK_RAUC_KEYRING="+tt.keyring)
			if r.code == 0 {
				t.Fatalf("post-build.sh succeeded, want a failure mentioning %q", tt.want)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("post-build.sh: %q, want it to mention %q", r.stderr, tt.want)
			}
			if _, err := os.Stat(filepath.Join(target, "etc", "rauc", "keyring.pem")); err == nil {
				t.Errorf("a failed post-build.sh installed a keyring")
			}
		})
	}
}
