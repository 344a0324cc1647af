// Package command is the kit the venuekiosk commands (kioskd, kioskctl,
// vkpublish) are built with: a table of subcommands with their help
// ([Set]), a flag set that parses, prints its usage once and reports
// usage errors and failures the same way everywhere ([Flags]), the
// repeatable flag ([Multi]) and the exit statuses the README documents.
//
// What every command does the same way:
//   - -h, -help, --help (and "help" in place of a subcommand) print the
//     usage once, on standard output, and exit 0;
//   - an unknown flag, subcommand or argument prints the error (and, for a
//     flag or subcommand, the usage) once, on standard error, and exits 2;
//   - a failure prints "PROGRAM COMMAND: error" on standard error and
//     exits 1.
package command

// Exit statuses shared by every command (README: kioskctl verify,
// selftest, staffcard verify, venueqr verify).
const (
	ExitOK    = 0 // done; a check passed (green, valid)
	ExitFail  = 1 // failed; a check refused (red, invalid)
	ExitUsage = 2 // bad flags or arguments; the message is on stderr
	ExitAmber = 3 // kioskctl verify: an amber verdict
)
