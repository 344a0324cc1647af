package visits

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

func TestCreateAndLoadKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), KeyFile)
	k, created, err := LoadOrCreateKey(path)
	if err != nil || !created {
		t.Fatalf("first start: got %v, created %v", err, created)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 || fi.Size() != KeySize {
		t.Errorf("key file: mode %04o, %d bytes; want 0600, %d", got, fi.Size(), KeySize)
	}
	k2, created, err := LoadOrCreateKey(path)
	if err != nil || created {
		t.Fatalf("second start: got %v, created %v", err, created)
	}
	id := pass.NewID("dcc", "URN:UVCI:01:XA:TEST")
	if k.Hash(id) != k2.Hash(id) {
		t.Error("the reloaded key hashes differently")
	}
	if _, err := CreateKey(path); !errors.Is(err, ErrKeyExists) {
		t.Errorf("CreateKey over an existing key: got %v, want ErrKeyExists", err)
	}
	if k3, _ := LoadKey(path); k3.Hash(id) != k.Hash(id) {
		t.Error("CreateKey replaced the existing key")
	}
	// No temporary file is left behind.
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*")); len(m) != 0 {
		t.Errorf("left behind: %q", m)
	}
}

func TestLoadKeyRejects(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := bytes.Repeat([]byte{7}, KeySize)
	for _, tc := range []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "none"), "no such file"},
		{"readable by others", write("wide", good, 0o644), "mode 0644"},
		{"group writable", write("group", good, 0o620), "mode 0620"},
		{"short", write("short", good[:31], 0o600), "31 bytes"},
		{"long", write("long", append(good, '\n'), 0o600), "33 bytes"},
		{"hex instead of raw", write("hex", []byte(hex.EncodeToString(good)), 0o600), "64 bytes"},
		{"all zeros", write("zero", make([]byte, KeySize), 0o600), "all zeros"},
		{"a directory", dir, "not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := LoadKey(tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, %v; want an error containing %q", k, err, tc.want)
			}
		})
	}
	// LoadOrCreateKey refuses a bad key rather than replacing it.
	p := write("bad", good[:5], 0o600)
	if _, _, err := LoadOrCreateKey(p); err == nil {
		t.Error("LoadOrCreateKey accepted a 5-byte key")
	}
	if b, _ := os.ReadFile(p); len(b) != 5 {
		t.Error("LoadOrCreateKey replaced a bad key")
	}
}

func TestLoadOrCreateKeyRace(t *testing.T) {
	path := filepath.Join(t.TempDir(), KeyFile)
	id := pass.NewID("dcc", "x")
	var wg sync.WaitGroup
	hashes := make([][32]byte, 8)
	errs := make([]error, 8)
	for i := range hashes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, _, err := LoadOrCreateKey(path)
			errs[i] = err
			if err == nil {
				hashes[i] = k.Hash(id)
			}
		}()
	}
	wg.Wait()
	for i := range hashes {
		if errs[i] != nil || hashes[i] != hashes[0] {
			t.Errorf("process %d: %v, or a different key", i, errs[i])
		}
	}
}

func TestHash(t *testing.T) {
	dir := t.TempDir()
	k1, _ := CreateKey(filepath.Join(dir, "a"))
	k2, _ := CreateKey(filepath.Join(dir, "b"))
	a, b := pass.NewID("dcc", "A"), pass.NewID("dcc", "B")
	if k1.Hash(a) == k1.Hash(b) {
		t.Error("two passes, one hash")
	}
	if k1.Hash(a) == k2.Hash(a) {
		t.Error("two kiosks, one hash: the key does not enter the hash")
	}
	if h := k1.Hash(a); bytes.Equal(h[:], a[:]) {
		t.Error("the hash is the pass ID")
	}
}

func TestKeyNeverPrinted(t *testing.T) {
	path := filepath.Join(t.TempDir(), KeyFile)
	k, err := CreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("key", "k", k, "v", *k)
	outs := []string{logged.String()}
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%q", "%d"} {
		outs = append(outs, fmt.Sprintf(f, k), fmt.Sprintf(f, *k))
	}
	for _, o := range outs {
		for _, leak := range []string{hex.EncodeToString(raw), strings.ToUpper(hex.EncodeToString(raw)), string(raw), fmt.Sprint(raw[:4])} {
			if strings.Contains(o, leak) {
				t.Errorf("the key leaks in %q", o)
			}
		}
	}
}
