package main

import (
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/internal/command"
)

// Every command and subcommand in kioskctl's table, run as a person runs
// it: --help prints its usage once, on stdout, exit 0; an unknown flag
// prints the error and the usage once, on stderr, exit 2.
func TestHelpOnceThroughTheBinary(t *testing.T) {
	var paths [][]string
	commands().Walk(func(path []string) { paths = append(paths, path) })
	if len(paths) < 20 {
		t.Fatalf("the table has %d commands; want every kioskctl command", len(paths))
	}
	for _, cmd := range paths {
		name := strings.Join(append([]string{"kioskctl"}, cmd...), " ")
		t.Run(name, func(t *testing.T) {
			code, out, errOut := kioskctlIn(t, "", append(cmd, "--help")...)
			if code != command.ExitOK || strings.Count(out, "usage:") != 1 || errOut != "" {
				t.Errorf("%s --help: exit %d, %d usages on stdout, stderr %q; want 0, one, nothing\n%s",
					name, code, strings.Count(out, "usage:"), errOut, out)
			}
			code, out, errOut = kioskctlIn(t, "", append(cmd, "--no-such-flag")...)
			if code != command.ExitUsage || out != "" || strings.Count(errOut, "usage:") != 1 || !strings.Contains(errOut, "no-such-flag") {
				t.Errorf("%s --no-such-flag: exit %d, stdout %q, %d usages on stderr; want 2, nothing, one naming the flag\n%s",
					name, code, out, strings.Count(errOut, "usage:"), errOut)
			}
		})
	}
}
