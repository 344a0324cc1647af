// Command kioskctl is the technician's and operator's tool for venuekiosk:
// it verifies passes offline and, in later releases, provisions kiosks,
// reports status and runs self-tests.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/venuekiosk/venuekiosk/firmware/version"
)

// Exit statuses shared by every subcommand.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

type command struct {
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

var commands = map[string]command{
	"verify":    {"judge a pass offline: green, amber or red", runVerify},
	"status":    {"show the kiosk's version, data, clock, devices and today's counts", runStatus},
	"selftest":  {"check store, trust, clock, scanner, panel and lights (exit 0/1)", runSelfTest},
	"store":     {"restore the pre-migration database (store restore), list copies", runStore},
	"provision": {"set the kiosk up for its venue, or apply a signed provisioning file", runProvision},
	"version":   {"print the firmware version", runVersion},
	"venueqr":   {"make or check a rotating venue check-in code", runVenueQR},
	"fleet":     {"watch the fleet's MQTT reports: offline, stale and faulty kiosks first", runFleet},
	"staffcard": {"issue or check a staff card (guard, supervisor, technician)", runStaffCard},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "kioskctl: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	return c.run(args[1:], stdin, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: kioskctl COMMAND [ARGS]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'kioskctl COMMAND --help' for a command's flags.")
}

func runVersion(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: kioskctl version")
		return exitUsage
	}
	fmt.Fprintln(stdout, version.Version)
	return exitOK
}
