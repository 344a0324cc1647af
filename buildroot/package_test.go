package buildroot

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// mkVar is the value of "NAME = value" (with backslash continuations) or
// of a "define NAME … endef" block in a package .mk file.
func mkVar(t *testing.T, mk, name string) string {
	t.Helper()
	if m := regexp.MustCompile(`(?ms)^define ` + regexp.QuoteMeta(name) + `\n(.*?)\nendef`).FindStringSubmatch(mk); m != nil {
		return strings.TrimSpace(m[1])
	}
	m := regexp.MustCompile(`(?ms)^` + regexp.QuoteMeta(name) + ` (?:\+)?= ((?:[^\n]*\\\n)*[^\n]*)`).FindStringSubmatch(mk)
	if m == nil {
		t.Fatalf("venuekiosk.mk does not set %s", name)
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(m[1], "\\\n", " ")), " ")
}

// TestPackageMk: the package builds the repository's own commands, from the
// repository, with the repository's install step, and creates the user the
// units run as with the same groups as the sysusers file.
func TestPackageMk(t *testing.T) {
	mk := readFile(t, "buildroot/package/venuekiosk/venuekiosk.mk")
	if !strings.Contains(mk, "$(eval $(golang-package))") {
		t.Errorf("venuekiosk.mk does not use the golang-package infrastructure")
	}
	for _, kv := range []struct{ name, want string }{
		{"VENUEKIOSK_SITE", "$(BR2_EXTERNAL_VENUEKIOSK_PATH)/.."},
		{"VENUEKIOSK_SITE_METHOD", "local"},
		{"VENUEKIOSK_GOMOD", "github.com/venuekiosk/venuekiosk"},
		{"VENUEKIOSK_INSTALL_TARGET_CMDS", "$(TARGET_MAKE_ENV) $(MAKE) -C $(@D) install \\\n\t\tDESTDIR=$(TARGET_DIR) BIN=$(@D)/bin"},
	} {
		if got := mkVar(t, mk, kv.name); got != kv.want {
			t.Errorf("%s = %q, want %q", kv.name, got, kv.want)
		}
	}
	// SITE is the repository root: the directory holding go.mod.
	if _, err := os.Stat(filepath.Join(extDir(t), "..", "go.mod")); err != nil {
		t.Errorf("VENUEKIOSK_SITE has no go.mod: %v", err)
	}
	if got, want := readFile(t, "go.mod"), "module "+mkVar(t, mk, "VENUEKIOSK_GOMOD")+"\n"; !strings.HasPrefix(got, want) {
		t.Errorf("go.mod does not start with %q", want)
	}
	// The copy must leave out build/ (Buildroot's own output lives there).
	for _, ex := range []string{"--exclude=/build", "--exclude=/bin"} {
		if !strings.Contains(mkVar(t, mk, "VENUEKIOSK_OVERRIDE_SRCDIR_RSYNC_EXCLUSIONS"), ex) {
			t.Errorf("rsync exclusions lack %s", ex)
		}
	}
	// Vendoring: Buildroot builds with -mod=vendor and no proxy.
	vendor := mkVar(t, mk, "VENUEKIOSK_VENDOR_MODULES")
	for _, want := range []string{"mod vendor", "GOPROXY=", "GOFLAGS="} {
		if !strings.Contains(vendor, want) {
			t.Errorf("VENUEKIOSK_VENDOR_MODULES lacks %q: %s", want, vendor)
		}
	}
	if !strings.Contains(mk, "VENUEKIOSK_PRE_BUILD_HOOKS += VENUEKIOSK_VENDOR_MODULES") {
		t.Errorf("the vendoring hook is not a pre-build hook")
	}

	// The Go main packages it builds: kioskd and kioskctl, as Makefile's
	// install step expects them in $(BIN).
	targets := strings.Fields(mkVar(t, mk, "VENUEKIOSK_BUILD_TARGETS"))
	if want := []string{"firmware/cmd/kioskd", "firmware/cmd/kioskctl"}; !slices.Equal(targets, want) {
		t.Errorf("VENUEKIOSK_BUILD_TARGETS = %v, want %v", targets, want)
	}
	for _, d := range targets {
		t.Run(filepath.Base(d), func(t *testing.T) {
			if _, err := os.Stat(filepath.Join(repoRoot(t), d)); os.IsNotExist(err) {
				t.Skipf("%s is not in the tree yet", d)
			}
			out := mustRun(t, repoRoot(t), nil, "go", "list", "-f", "{{.Name}}", "./"+d).stdout
			if strings.TrimSpace(out) != "main" {
				t.Errorf("%s is package %q, want main", d, strings.TrimSpace(out))
			}
		})
	}

	// Users table: kiosk, fixed IDs (its files persist on the data
	// partition across updates), the sysusers groups.
	users := strings.Fields(mkVar(t, mk, "VENUEKIOSK_USERS"))
	if len(users) < 9 {
		t.Fatalf("VENUEKIOSK_USERS %q: want 9 fields", users)
	}
	if users[0] != "kiosk" || users[2] != "kiosk" {
		t.Errorf("users table creates %s:%s, want kiosk:kiosk", users[0], users[2])
	}
	for _, id := range []string{users[1], users[3]} {
		if strings.HasPrefix(id, "-") {
			t.Errorf("users table id %s is automatic; persistent files need a fixed id", id)
		}
	}
	if users[4] != "*" {
		t.Errorf("users table password %q, want * (no login)", users[4])
	}
	sysusers := readFile(t, "systemd/venuekiosk.sysusers")
	var sysGroups []string
	sysHome := ""
	for _, line := range strings.Split(sysusers, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 3 && f[0] == "m" && f[1] == "kiosk":
			sysGroups = append(sysGroups, f[2])
		case len(f) >= 2 && f[0] == "u" && f[1] == "kiosk":
			// u kiosk - "venuekiosk daemon" /var/lib/venuekiosk /usr/sbin/nologin
			if m := regexp.MustCompile(`"[^"]*"\s+(\S+)\s+(\S+)`).FindStringSubmatch(line); m != nil {
				sysHome = m[1] + " " + m[2]
			}
		}
	}
	gotGroups := strings.Split(users[7], ",")
	slices.Sort(gotGroups)
	slices.Sort(sysGroups)
	if !slices.Equal(gotGroups, sysGroups) || len(sysGroups) == 0 {
		t.Errorf("users table groups %v, sysusers groups %v: want the same", gotGroups, sysGroups)
	}
	if got := users[5] + " " + users[6]; got != sysHome {
		t.Errorf("users table home and shell %q, sysusers %q", got, sysHome)
	}
	// The units run as that user, with those groups.
	for _, unit := range []string{"systemd/kioskd.service", "systemd/venuekiosk-health.service"} {
		ini, err := iniSections(readFile(t, unit))
		if err != nil {
			t.Fatalf("%s: %v", unit, err)
		}
		if got := one(t, ini, "Service", "User"); got != users[0] {
			t.Errorf("%s User=%s, want %s", unit, got, users[0])
		}
		g := strings.Fields(one(t, ini, "Service", "SupplementaryGroups"))
		slices.Sort(g)
		if !slices.Equal(g, sysGroups) {
			t.Errorf("%s SupplementaryGroups=%v, want %v", unit, g, sysGroups)
		}
	}
}

// TestHealthUnit: the unit starts after kioskd is ready, runs the self-test
// unprivileged and only the RAUC steps as root.
func TestHealthUnit(t *testing.T) {
	ini, err := iniSections(readFile(t, "systemd/venuekiosk-health.service"))
	if err != nil {
		t.Fatal(err)
	}
	const helper = "/usr/libexec/venuekiosk/venuekiosk-health"
	for _, kv := range []struct{ section, key, want string }{
		{"Unit", "Requires", "kioskd.service"},
		{"Service", "Type", "oneshot"},
		{"Service", "ExecStart", helper + " check"},
		{"Service", "ExecStartPost", "+" + helper + " mark-good"},
		{"Service", "ExecStopPost", "+" + helper + " stopped"},
		{"Service", "RuntimeDirectory", "venuekiosk-health"},
		{"Install", "WantedBy", "multi-user.target"},
	} {
		if got := one(t, ini, kv.section, kv.key); got != kv.want {
			t.Errorf("[%s] %s=%q, want %q", kv.section, kv.key, got, kv.want)
		}
	}
	if after := strings.Fields(one(t, ini, "Unit", "After")); !slices.Contains(after, "kioskd.service") {
		t.Errorf("After=%v lacks kioskd.service: the check must wait for READY=1", after)
	}
	conds := ini["Unit"]["ConditionPathExists"]
	if !slices.Contains(conds, "/etc/rauc/system.conf") {
		t.Errorf("ConditionPathExists=%v: without RAUC the unit must not run", conds)
	}
	// kioskd must be Type=notify for After= to mean "ready".
	kd, err := iniSections(readFile(t, "systemd/kioskd.service"))
	if err != nil {
		t.Fatal(err)
	}
	if got := one(t, kd, "Service", "Type"); got != "notify" {
		t.Errorf("kioskd.service Type=%s, want notify", got)
	}
	// The helper ships in the image, executable.
	st, err := os.Stat(filepath.Join(repoRoot(t), healthScript))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm()&0o111 != 0o111 {
		t.Errorf("%s mode %v, want executable", healthScript, st.Mode().Perm())
	}
	if !strings.HasSuffix(healthScript, helper) {
		t.Errorf("overlay path %s does not install %s", healthScript, helper)
	}

	t.Run("systemd-analyze", func(t *testing.T) {
		needTool(t, "systemd-analyze", "systemd")
		root := t.TempDir()
		for _, f := range []struct{ path, body string }{
			{helper, "#!/bin/sh\n"},
			{"/usr/bin/kioskd", "#!/bin/sh\n"},
			{"/etc/rauc/system.conf", ""},
		} {
			p := filepath.Join(root, f.path)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(f.body), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		units := filepath.Join(root, "usr", "lib", "systemd", "system")
		if err := os.MkdirAll(units, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, u := range []string{"kioskd.service", "venuekiosk-health.service"} {
			if err := os.WriteFile(filepath.Join(units, u), []byte(readFile(t, "systemd/"+u)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		// The targets and slices every service depends on, from the host.
		host, _ := filepath.Glob("/lib/systemd/system/*.target")
		sliceUnits, _ := filepath.Glob("/lib/systemd/system/*.slice")
		host = append(host, sliceUnits...)
		if len(host) == 0 {
			t.Skip("no systemd units in /lib/systemd/system: install the Debian package systemd")
		}
		for _, h := range host {
			b, err := os.ReadFile(h)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(units, filepath.Base(h)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		r := runCmd(t, root, nil, "systemd-analyze", "verify", "--man=no", "--root="+root, filepath.Join(units, "venuekiosk-health.service"))
		if r.code != 0 || strings.Contains(r.stderr, "venuekiosk-health.service") {
			t.Errorf("systemd-analyze verify: exit %d\n%s", r.code, r.stderr)
		}
	})
}

// TestMakeInstall: the repository's install step (the one the Buildroot
// package runs) puts the health unit and kioskd's unit where the image's
// drop-in and preset expect them.
func TestMakeInstall(t *testing.T) {
	needTool(t, "make", "make")
	needTool(t, "install", "coreutils")
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	dest := filepath.Join(dir, "target")
	for _, b := range []string{"kioskd", "kioskctl"} {
		if err := os.MkdirAll(bin, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(bin, b), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mustRun(t, repoRoot(t), nil, "make", "-s", "install", "DESTDIR="+dest, "BIN="+bin)
	for _, f := range []string{
		"usr/bin/kioskd", "usr/bin/kioskctl",
		"usr/lib/systemd/system/kioskd.service",
		"usr/lib/systemd/system/venuekiosk-health.service",
		"usr/lib/sysusers.d/venuekiosk.conf",
		"etc/venuekiosk/kioskd.toml",
	} {
		if _, err := os.Stat(filepath.Join(dest, f)); err != nil {
			t.Errorf("make install: %v", err)
		}
	}
	// The overlay's drop-in extends a unit make install provides.
	dropins, err := filepath.Glob(filepath.Join(extDir(t), "board", "venuekiosk", "common", "rootfs-overlay", "usr", "lib", "systemd", "system", "*.d"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dropins) == 0 {
		t.Fatalf("no drop-in directories in the overlay")
	}
	for _, d := range dropins {
		unit := strings.TrimSuffix(filepath.Base(d), ".d")
		if _, err := os.Stat(filepath.Join(dest, "usr", "lib", "systemd", "system", unit)); err != nil {
			t.Errorf("overlay drop-in %s.d extends a unit make install does not install: %v", unit, err)
		}
	}
}
