package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e strings.Builder
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := runCmd(t, args...)
	if code != 0 {
		t.Fatalf("vkpublish %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func file(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestWalkThrough is the README's walk-through: init with two of three
// root keys, publish from CSV files, check as a kiosk would, publish a
// change (a delta), re-sign the timestamp, rotate the timestamp key and
// the root, and check again.
func TestWalkThrough(t *testing.T) {
	dir := t.TempDir()
	repoDir, keys := filepath.Join(dir, "repo"), filepath.Join(dir, "keys")
	out := mustRun(t, "init", "-repo", repoDir, "-keys", keys, "-root-keys", "3", "-root-threshold", "2")
	if !strings.Contains(out, "root      threshold 2") {
		t.Errorf("init said:\n%s", out)
	}
	revs := file(t, dir, "revoked.csv", "format,identifier\ndcc,URN:UVCI:01:XA:SAMPLE0003#C\n")
	codes := file(t, dir, "codes.csv", "format,identifier,code,valid_from,valid_until\ndcc,URN:UVCI:01:XA:SAMPLE0006#F,red,2026-01-01,\n")
	ex := file(t, dir, "exposures.csv", "venue,start,end,notice_en,notice_zh,notice_until\nV1,2026-02-27T18:00:00+08:00,2026-02-27T20:00:00+08:00,A case visited.,確診者曾到訪。,2030-01-01\n")
	pol := filepath.Join("..", "..", "..", "firmware", "policy", "default.json")
	out = mustRun(t, "publish", "-repo", repoDir, "-keys", keys, "-revocations", revs, "-codes", codes, "-exposures", ex, "-policy", pol)
	for _, want := range []string{"revocations       version 0 → 1, 1 entries", "codes             version 0 → 1", "exposures         version 0 → 1", "policy            version 0 → 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("publish said:\n%s\nwant %q", out, want)
		}
	}
	root := filepath.Join(repoDir, "root.json")
	out = mustRun(t, "verify", "-repo", repoDir, "-root", root)
	if !strings.HasPrefix(out, "ok: root 1") || !strings.Contains(out, "revocations       version 1, 1 entries") {
		t.Errorf("verify said:\n%s", out)
	}
	// Keep the first root: kiosks were provisioned with it.
	first := file(t, dir, "root-1.json", string(must(os.ReadFile(root))))

	file(t, dir, "revoked.csv", "format,identifier\ndcc,URN:UVCI:01:XA:SAMPLE0003#C\ndcc,URN:UVCI:01:XA:SAMPLE0001#A\n")
	out = mustRun(t, "publish", "-repo", repoDir, "-keys", keys, "-revocations", revs)
	if !strings.Contains(out, "(delta: 1 added, 0 removed)") {
		t.Errorf("second publish said:\n%s", out)
	}
	out = mustRun(t, "timestamp", "-repo", repoDir, "-keys", keys)
	if !strings.Contains(out, "no data set changed") {
		t.Errorf("timestamp said:\n%s", out)
	}
	out = mustRun(t, "rotate", "-repo", repoDir, "-keys", keys, "-role", "timestamp", "-generate", "1")
	if !strings.Contains(out, "root version 2") {
		t.Errorf("rotate said:\n%s", out)
	}
	// A key holder makes a key; the root moves to it (threshold 1).
	holder := filepath.Join(dir, "holder")
	out = mustRun(t, "keygen", "-keys", holder, "-role", "root")
	keyFile := strings.TrimSpace(strings.Split(out, "\n")[1])
	mustRun(t, "rotate", "-repo", repoDir, "-keys", keys, "-role", "root", "-key", keyFile, "-threshold", "1")
	out = mustRun(t, "status", "-repo", repoDir)
	for _, want := range []string{"root      version 3", "root      threshold 1", "revocations/delta-2.bin", "(from 1)"} {
		if !strings.Contains(out, want) {
			t.Errorf("status said:\n%s\nwant %q", out, want)
		}
	}
	// A kiosk provisioned with root 1 follows both rotations.
	out = mustRun(t, "verify", "-repo", "file://"+mustAbs(repoDir), "-root", first)
	if !strings.HasPrefix(out, "ok: root 3") || !strings.Contains(out, "revocations       version 2, 2 entries") {
		t.Errorf("verify after rotations said:\n%s", out)
	}
	// Expired at a later time.
	code, _, errs := runCmd(t, "verify", "-repo", repoDir, "-root", first, "-at", "2099-01-01T00:00:00Z")
	if code != 1 || !strings.Contains(errs, "expired") {
		t.Errorf("verify in 2099: exit %d, %s", code, errs)
	}
	out = mustRun(t, "id", "-format", "dcc", "-identifier", "URN:UVCI:01:XA:SAMPLE0003#C")
	if len(strings.TrimSpace(out)) != 64 {
		t.Errorf("id said %q", out)
	}
}

func TestHelpAndErrors(t *testing.T) {
	for _, c := range []string{"init", "publish", "timestamp", "rotate", "keygen", "status", "verify", "id"} {
		code, out, _ := runCmd(t, c, "-help")
		if code != 0 || !strings.Contains(out, "usage: vkpublish "+c) {
			t.Errorf("%s -help: exit %d\n%s", c, code, out)
		}
	}
	if code, out, _ := runCmd(t, "-help"); code != 0 || !strings.Contains(out, "rotate") {
		t.Errorf("-help: exit %d\n%s", code, out)
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "usage"},
		{[]string{"sign"}, 2, "unknown command"},
		{[]string{"init", "-repo", dir}, 2, "-keys is required"},
		{[]string{"publish", "-keys", dir}, 2, "-repo is required"},
		{[]string{"init", "-repo", dir, "-keys", dir, "stray"}, 2, "unexpected argument"},
		{[]string{"init", "-bogus"}, 2, "flag provided but not defined"},
		{[]string{"init", "-repo", filepath.Join(dir, "r"), "-keys", filepath.Join(dir, "k"), "-root-keys", "1", "-root-threshold", "2"}, 1, "threshold"},
		{[]string{"status", "-repo", dir}, 1, "not a repository"},
		{[]string{"publish", "-repo", dir, "-keys", dir, "-revocations", filepath.Join(dir, "none.csv")}, 1, "no such file"},
		{[]string{"id", "-format", "vds", "-identifier", "x"}, 1, "format"},
		{[]string{"rotate", "-repo", dir, "-keys", dir, "-role", "root", "-generate", "1", "-key", "x"}, 2, "not both"},
		{[]string{"verify", "-repo", dir, "-root", filepath.Join(dir, "none.json")}, 1, "no such file"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, errs := runCmd(t, tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.want) {
				t.Errorf("vkpublish %s: exit %d, %q; want %d and %q", strings.Join(tc.args, " "), code, errs, tc.code, tc.want)
			}
		})
	}
	// A bad input file names its line.
	repoDir, keys := filepath.Join(dir, "repo"), filepath.Join(dir, "keys")
	mustRun(t, "init", "-repo", repoDir, "-keys", keys)
	bad := file(t, dir, "bad.csv", "format,identifier\ndcc,URN:UVCI:ok\nvds,x\n")
	code, _, errs := runCmd(t, "publish", "-repo", repoDir, "-keys", keys, "-revocations", bad)
	if code != 1 || !strings.Contains(errs, "bad.csv:3") {
		t.Errorf("bad input: exit %d, %q; want the file and line", code, errs)
	}
	// Without the keys nothing is signed.
	code, _, errs = runCmd(t, "publish", "-repo", repoDir, "-keys", t.TempDir(), "-revocations", file(t, dir, "ok.csv", "format,identifier\ndcc,A\n"))
	if code != 1 || !strings.Contains(errs, "only 0 of its keys") {
		t.Errorf("publish without keys: exit %d, %q", code, errs)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func mustAbs(p string) string { return must(filepath.Abs(p)) }

// TestStaffRevocations: revoked staff cards go from a file of card ids
// into the repository as their own data set, which a kiosk applies.
func TestStaffRevocations(t *testing.T) {
	dir := t.TempDir()
	repoDir, keys := filepath.Join(dir, "repo"), filepath.Join(dir, "keys")
	mustRun(t, "init", "-repo", repoDir, "-keys", keys)
	if out := mustRun(t, "publish", "-help"); !strings.Contains(out, "-staff-revocations") || !strings.Contains(out, "card_id") {
		t.Errorf("publish -help does not describe -staff-revocations:\n%s", out)
	}
	staffFile := file(t, dir, "staff.txt", "# lost badges\nCM-0042\nSIM-SUP-LOST\nCM-0042\n")
	out := mustRun(t, "publish", "-repo", repoDir, "-keys", keys, "-staff-revocations", staffFile)
	if !strings.Contains(out, "staff_revocations version 0 → 1, 2 entries") {
		t.Errorf("publish said:\n%s", out)
	}
	out = mustRun(t, "status", "-repo", repoDir)
	if !strings.Contains(out, "staff_revocations.json") || !strings.Contains(out, "staff_revocations version 1, 2 entries") {
		t.Errorf("status said:\n%s", out)
	}
	out = mustRun(t, "verify", "-repo", repoDir, "-root", filepath.Join(repoDir, "root.json"))
	if !strings.Contains(out, "staff_revocations version 1, 2 entries") {
		t.Errorf("verify said:\n%s", out)
	}
	// The same list again: no new version; an emptied file: version 2.
	if out := mustRun(t, "publish", "-repo", repoDir, "-keys", keys, "-staff-revocations", staffFile); !strings.Contains(out, "no data set changed") {
		t.Errorf("same list: publish said:\n%s", out)
	}
	file(t, dir, "staff.txt", "# none revoked\n")
	if out := mustRun(t, "publish", "-repo", repoDir, "-keys", keys, "-staff-revocations", staffFile); !strings.Contains(out, "staff_revocations version 1 → 2, 0 entries") {
		t.Errorf("emptied list: publish said:\n%s", out)
	}
	// A bad id names its file and line, and nothing is signed.
	ts := must(os.ReadFile(filepath.Join(repoDir, "timestamp.json")))
	bad := file(t, dir, "bad.txt", "CM-0042\ncm-0043\n")
	code, _, errs := runCmd(t, "publish", "-repo", repoDir, "-keys", keys, "-staff-revocations", bad)
	if code != 1 || !strings.Contains(errs, "bad.txt:2") || !strings.Contains(errs, "card id") {
		t.Errorf("bad staff file: exit %d, %q; want 1 naming bad.txt:2", code, errs)
	}
	if now := must(os.ReadFile(filepath.Join(repoDir, "timestamp.json"))); string(now) != string(ts) {
		t.Error("a refused publish signed a new timestamp")
	}
}

func TestFloorResetCommand(t *testing.T) {
	dir := t.TempDir()
	repoDir, keys := filepath.Join(dir, "repo"), filepath.Join(dir, "keys")
	mustRun(t, "init", "-repo", repoDir, "-keys", keys)
	out := mustRun(t, "floor-reset", "-repo", repoDir, "-keys", keys, "-kiosks", "K1, HK-*", "-time", "2026-06-01T00:00:00Z", "-life", "48h")
	if !strings.Contains(out, "version 1 to 2026-06-01T00:00:00Z, for K1,HK-*, until 2026-06-03T00:00:00Z (signed by root keys)") {
		t.Errorf("floor-reset: %s", out)
	}
	out = mustRun(t, "floor-reset", "-repo", repoDir, "-keys", keys, "-kiosks", "*", "-role", "targets")
	if !strings.Contains(out, "version 2") || !strings.Contains(out, "targets keys") {
		t.Errorf("second floor-reset: %s", out)
	}
	for _, args := range [][]string{
		{"-kiosks", "*", "-role", "timestamp"},
		{"-kiosks", "*", "-life", "800h"},
		{"-kiosks", "a/b"},
	} {
		if code, _, errs := runCmd(t, append([]string{"floor-reset", "-repo", repoDir, "-keys", keys}, args...)...); code == 0 {
			t.Errorf("floor-reset %v: exit 0; want refused (%s)", args, errs)
		}
	}
	if code, _, _ := runCmd(t, "floor-reset", "-repo", repoDir, "-keys", keys); code != 2 {
		t.Errorf("floor-reset without -kiosks: exit %d, want 2", code)
	}
}
