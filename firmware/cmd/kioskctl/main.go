// Command kioskctl is the technician's and operator's tool for venuekiosk:
// it judges passes offline, provisions kiosks, shows their status, runs
// their self-test, syncs their data from a USB stick, saves what the
// panel shows, repairs the time floor, restores the store, makes and
// checks venue codes and staff cards, and watches the fleet.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/venuekiosk/venuekiosk/firmware/version"
	"github.com/venuekiosk/venuekiosk/internal/command"
)

// commands is kioskctl's table of commands; each file adds its own
// subsets (provisionCommands, staffCardCommands, …).
func commands() *command.Set {
	return &command.Set{
		Name: "kioskctl",
		Commands: []command.Command{
			{Name: "verify", Summary: "judge a pass offline: green, amber or red", Run: runVerify},
			{Name: "status", Summary: "show the kiosk's version, data, clock, devices and today's counts", Run: runStatus},
			{Name: "selftest", Summary: "check store, trust, clock, scanner, panel and lights (exit 0/1)", Run: runSelfTest},
			{Name: "store", Summary: "restore the pre-migration database (store restore), list copies", Sub: storeCommands()},
			{Name: "provision", Summary: "set the kiosk up for its venue, or apply a signed provisioning file", Sub: provisionCommands()},
			{Name: "version", Summary: "print the firmware version", Run: runVersion},
			{Name: "venueqr", Summary: "make or check a rotating venue check-in code", Sub: venueQRCommands()},
			{Name: "fleet", Summary: "watch the fleet's MQTT reports: offline, stale and faulty kiosks first", Sub: fleetCommands()},
			{Name: "staffcard", Summary: "issue or check a staff card (guard, supervisor, technician)", Sub: staffCardCommands()},
			{Name: "panel", Summary: "save what the panel shows as a PNG (from the running kioskd)", Run: runPanel},
			{Name: "sync", Summary: "sync the kiosk's data now (a USB stick, or sync.source); --check only verifies", Run: runSync},
			{Name: "clock", Summary: "repair the kiosk's time floor with a signed floor reset (clock reset --signed FILE)", Sub: clockCommands()},
		},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return commands().Run(args, stdin, stdout, stderr)
}

func runVersion(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	f := command.NewFlags("kioskctl version", "usage: kioskctl version\n\nPrints the firmware version.", stdout, stderr)
	if code, done := f.ParseWithArgs(args); done {
		return code
	}
	if f.NArg() > 0 {
		f.Usage()
		return command.ExitUsage
	}
	fmt.Fprintln(stdout, version.Version)
	return command.ExitOK
}
