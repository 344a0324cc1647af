package main

import (
	"strings"
	"testing"
)

// Every flag-based command, run as a person runs it: --help prints its
// usage once, on stdout, exit 0; an unknown flag prints the error and the
// usage once, on stderr, exit 2.
func TestHelpOnceThroughTheBinary(t *testing.T) {
	for _, cmd := range [][]string{
		{"status"}, {"selftest"}, {"provision"}, {"provision", "sign"}, {"provision", "keygen"},
		{"panel"}, {"sync"}, {"store", "restore"}, {"store", "backups"}, {"fleet", "watch"},
		{"staffcard", "issue"}, {"staffcard", "verify"}, {"verify"},
		{"venueqr", "keygen"}, {"venueqr", "make"}, {"venueqr", "verify"}, {"venueqr", "hken", "decode"},
	} {
		name := strings.Join(cmd, " ")
		code, out, errOut := kioskctlIn(t, "", append(cmd, "--help")...)
		if code != exitOK || strings.Count(out, "usage:") != 1 || errOut != "" {
			t.Errorf("kioskctl %s --help: exit %d, %d usages on stdout, stderr %q; want 0, one, nothing\n%s",
				name, code, strings.Count(out, "usage:"), errOut, out)
		}
		code, out, errOut = kioskctlIn(t, "", append(cmd, "--no-such-flag")...)
		if code != exitUsage || out != "" || strings.Count(errOut, "usage:") != 1 || !strings.Contains(errOut, "no-such-flag") {
			t.Errorf("kioskctl %s --no-such-flag: exit %d, stdout %q, %d usages on stderr; want 2, nothing, one naming the flag\n%s",
				name, code, out, strings.Count(errOut, "usage:"), errOut)
		}
	}
}
