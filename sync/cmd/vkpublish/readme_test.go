package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/internal/command"
)

// readmeCommands returns the vkpublish command lines of the README's
// publishing example, continuation lines joined and comments dropped.
func readmeCommands(t *testing.T) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "**Publishing (authority side, `vkpublish`)**")
	if !ok {
		t.Fatal("README: no publishing section")
	}
	_, rest, _ = strings.Cut(rest, "```sh\n")
	block, _, _ := strings.Cut(rest, "```")
	var cmds [][]string
	line := ""
	for _, l := range strings.Split(block, "\n") {
		if c, _, ok := strings.Cut(l, "#"); ok && !strings.Contains(l, "URN:UVCI") {
			l = c
		}
		l = strings.TrimSpace(l)
		cont := strings.HasSuffix(l, "\\")
		line += " " + strings.TrimSuffix(l, "\\")
		if cont {
			continue
		}
		if f := strings.Fields(line); len(f) > 0 {
			if f[0] != "vkpublish" {
				t.Fatalf("README example line %q is not a vkpublish command", line)
			}
			cmds = append(cmds, f[1:])
		}
		line = ""
	}
	return cmds
}

// The README's publishing example, run as written in an empty directory
// holding the input files it names: every command succeeds, and the root
// rotation is signed by the holders' keys that init laid out.
func TestREADMEExample(t *testing.T) {
	pol, err := os.ReadFile(filepath.Join("..", "..", "..", "firmware", "policy", "default.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The README's trust inputs, as firmware/trust documents them.
	trustData := map[string]string{}
	for name, src := range map[string]string{"vci_snapshot.json": "vci-snapshot.json", "hk-keys.jwks": "hk-keys.jwks"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "..", "firmware", "trust", "testdata", src))
		if err != nil {
			t.Fatal(err)
		}
		trustData[name] = string(b)
	}
	cmds := readmeCommands(t)
	if len(cmds) < 5 {
		t.Fatalf("README example: %d commands", len(cmds))
	}
	t.Chdir(t.TempDir())
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "DSC XA 1", Country: []string{"XA"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := json.Marshal(trust.JWKS{Keys: []trust.JWK{trust.PublicJWK(&key.PublicKey, "kid-1")}})
	for name, content := range map[string]string{
		"dsc.pem":           string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		"shc-issuers.json":  string(jwks),
		"policy.json":       string(pol),
		"revoked.csv":       "format,identifier\ndcc,URN:UVCI:01:XA:SAMPLE0003#C\n",
		"codes.csv":         "format,identifier,code,valid_from,valid_until\ndcc,URN:UVCI:01:XA:SAMPLE0006#F,red,2026-01-01,\n",
		"exposures.csv":     "venue,start,end,notice_en,notice_zh,notice_until\nV1,2026-02-27T18:00:00+08:00,2026-02-27T20:00:00+08:00,A case visited.,確診者曾到訪。,2030-01-01\n",
		"revoked-staff.txt": "CM-0042\n",
	} {
		file(t, ".", name, content)
	}
	for name, content := range trustData {
		file(t, ".", name, content)
	}
	for _, args := range cmds {
		mustRun(t, args...)
		if args[0] == "rotate" {
			out := mustRun(t, "status", "-repo", "repo")
			if !strings.Contains(out, "root      version 2") {
				t.Errorf("after the README's rotation, status said:\n%s", out)
			}
		}
	}
	for _, d := range []string{"holder1", "holder2", "holder3"} {
		ks, _ := filepath.Glob(filepath.Join(d, "root-*.key"))
		if len(ks) != 1 {
			t.Errorf("%s holds %d root keys, want 1", d, len(ks))
		}
	}
}

// -root-dirs must name one directory for each root key, each without
// keys; a refusal creates nothing.
func TestInitRootDirsRefused(t *testing.T) {
	dir := t.TempDir()
	repoDir, keys := filepath.Join(dir, "repo"), filepath.Join(dir, "keys")
	held := filepath.Join(dir, "held")
	file(t, mkdir(t, held), "root-0123456789abcdef.key", "x")
	fresh := filepath.Join(dir, "fresh")
	for _, tc := range []struct {
		rootKeys string
		dirs     []string
	}{
		{"3", []string{fresh, filepath.Join(dir, "other")}}, // two directories for three keys
		{"2", []string{fresh, held}},                        // one already holds a key
	} {
		t.Run(tc.rootKeys+" root keys", func(t *testing.T) {
			code, _, errs := runCmd(t, "init", "-repo", repoDir, "-keys", keys, "-root-keys", tc.rootKeys, "-root-threshold", "2",
				"-root-dirs", strings.Join(tc.dirs, ","))
			if code != 2 || errs == "" {
				t.Errorf("%s root keys, -root-dirs %v: exit %d %q, want 2 and a reason", tc.rootKeys, tc.dirs, code, errs)
			}
			for _, p := range []string{repoDir, keys, fresh} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("%s root keys, -root-dirs %v: %s was created", tc.rootKeys, tc.dirs, p)
				}
			}
		})
	}
}

func mkdir(t *testing.T, p string) string {
	t.Helper()
	if err := os.MkdirAll(p, 0o700); err != nil {
		t.Fatal(err)
	}
	return p
}

// Every command in vkpublish's table (and vkpublish itself): -help prints
// its usage once, on stdout, exit 0; a bad flag the error and the usage
// once, on stderr, exit 2.
func TestHelpOnce(t *testing.T) {
	var paths [][]string
	commands().Walk(func(path []string) { paths = append(paths, path) })
	if len(paths) < 10 {
		t.Fatalf("the table has %d commands; want every vkpublish command", len(paths))
	}
	for _, c := range paths {
		name := strings.Join(append([]string{"vkpublish"}, c...), " ")
		t.Run(name, func(t *testing.T) {
			code, out, errs := runCmd(t, append(c, "-help")...)
			if code != command.ExitOK || strings.Count(out, "usage: vkpublish") != 1 || errs != "" {
				t.Errorf("%s -help: exit %d, %d usages on stdout, stderr %q", name, code, strings.Count(out, "usage: vkpublish"), errs)
			}
			code, out, errs = runCmd(t, append(c, "-no-such-flag")...)
			if code != command.ExitUsage || out != "" || strings.Count(errs, "usage: vkpublish") != 1 || !strings.Contains(errs, "no-such-flag") {
				t.Errorf("%s -no-such-flag: exit %d, stdout %q, %d usages on stderr\n%s", name, code, out, strings.Count(errs, "usage: vkpublish"), errs)
			}
		})
	}
}
