// Command vkpublish is the health authority's side of venuekiosk's signed
// sync: it creates and rotates the signing keys and builds the TUF
// repository (plain static files) that kiosks sync from, out of input
// files — trust lists, the entry policy, revocations, red/amber codes,
// exposure notices and revoked staff cards. Serve the repository directory
// with any static web server or CDN, or copy it to a USB stick.
//
//	vkpublish init      -repo DIR -keys DIR [-root-keys N -root-threshold T] [-root-dirs DIR,…]
//	vkpublish publish   -repo DIR -keys DIR [-trust [FORMAT:]FILE]… [-policy FILE] [-revocations FILE] [-codes FILE] [-exposures FILE] [-staff-revocations FILE]
//	vkpublish timestamp -repo DIR -keys DIR
//	vkpublish rotate    -repo DIR -keys DIR… -role ROLE (-generate N | -key FILE…) [-threshold T]
//	vkpublish keygen    -keys DIR -role ROLE
//	vkpublish status    -repo DIR
//	vkpublish verify    -repo DIR|URL -root FILE
//	vkpublish id        -format dcc -identifier URN:UVCI:…
//	vkpublish floor-reset -repo DIR -keys DIR… -kiosks ID,PATTERN,… [-role root|targets]
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/sync/publish"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"init":      {"create the signing keys and an empty repository", cmdInit},
		"publish":   {"publish data sets from input files (new versions where they changed)", cmdPublish},
		"timestamp": {"sign a new timestamp: tells kiosks their data is still current", cmdTimestamp},
		"rotate":    {"replace a role's keys or threshold (a new root version)", cmdRotate},
		"keygen":    {"create one key for a role (for a key holder)", cmdKeygen},
		"status":    {"show the repository's versions, keys and expiry times", cmdStatus},
		"verify":    {"sync the repository as a kiosk would, into a scratch store", cmdVerify},
		"id":        {"print the pass ID of a pass identifier", cmdID},

		"floor-reset": {"sign a time floor reset for kiosks that saved a wrong, future time", cmdFloorReset},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: vkpublish COMMAND [flags]   (vkpublish COMMAND -help for its flags)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Builds and signs the venuekiosk update repository (TUF: root, targets,")
	fmt.Fprintln(w, "snapshot and timestamp roles, ed25519 keys) that kiosks sync from.")
	fmt.Fprintln(w)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "vkpublish: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	return c.run(args[1:], stdout, stderr)
}

// multi is a repeatable flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(s string) error { *m = append(*m, s); return nil }

// flags is one command's flag set with its usage text.
type flags struct {
	*flag.FlagSet
	name, synopsis, about string
	stdout, stderr        io.Writer
}

func newFlags(name, synopsis, about string, stdout, stderr io.Writer) *flags {
	f := &flags{FlagSet: flag.NewFlagSet("vkpublish "+name, flag.ContinueOnError), name: name, synopsis: synopsis, about: about, stdout: stdout, stderr: stderr}
	f.SetOutput(stderr)
	f.Usage = func() {
		o := f.Output()
		fmt.Fprintf(o, "usage: vkpublish %s %s\n\n%s\n\n", name, synopsis, about)
		f.PrintDefaults()
	}
	return f
}

// parse parses args; it returns the exit code when the command is done.
func (f *flags) parse(args []string) (int, bool) {
	// What the flag package prints goes out once: the usage asked for
	// with -h or -help to stdout, an error and the usage to stderr.
	var out bytes.Buffer
	f.SetOutput(&out)
	err := f.Parse(args)
	f.SetOutput(f.stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		f.stdout.Write(out.Bytes())
		return 0, true
	case err != nil:
		f.stderr.Write(out.Bytes())
		return 2, true
	}
	if f.NArg() > 0 {
		fmt.Fprintf(f.stderr, "vkpublish %s: unexpected argument %q\n", f.name, f.Arg(0))
		return 2, true
	}
	return 0, false
}

// need reports missing required flags.
func (f *flags) need(pairs ...string) (int, bool) {
	for i := 0; i < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			fmt.Fprintf(f.stderr, "vkpublish %s: -%s is required (vkpublish %s -help)\n", f.name, pairs[i], f.name)
			return 2, true
		}
	}
	return 0, false
}

func (f *flags) fail(err error) int {
	fmt.Fprintf(f.stderr, "vkpublish %s: %v\n", f.name, err)
	return 1
}

// expiry holds the expiry flags shared by the signing commands.
type expiry struct {
	root, targets, snapshot, timestamp time.Duration
}

func (e *expiry) register(f *flags) {
	d := publish.DefaultExpiry
	f.DurationVar(&e.root, "root-expires", d.Root, "how long a new root stays valid")
	f.DurationVar(&e.targets, "targets-expires", d.Targets, "how long new targets metadata stays valid")
	f.DurationVar(&e.snapshot, "snapshot-expires", d.Snapshot, "how long new snapshot metadata stays valid")
	f.DurationVar(&e.timestamp, "timestamp-expires", d.Timestamp, "how long a new timestamp stays valid (kiosks refuse the repository after it: re-sign sooner)")
}

func (e *expiry) opts() *publish.Opts {
	return &publish.Opts{Expiry: publish.Expiry{Root: e.root, Targets: e.targets, Snapshot: e.snapshot, Timestamp: e.timestamp}}
}

func printSummary(w io.Writer, s *publish.Summary) {
	for _, c := range s.Changed {
		line := fmt.Sprintf("%-17s version %d → %d, %d entries", c.Dataset, c.From, c.To, c.Entries)
		if c.Adds+c.Removes > 0 {
			line += fmt.Sprintf(" (delta: %d added, %d removed)", c.Adds, c.Removes)
		}
		fmt.Fprintln(w, line)
	}
	if len(s.Changed) == 0 {
		fmt.Fprintln(w, "no data set changed")
	}
	fmt.Fprintf(w, "timestamp version %d, targets version %d, issued %s\n", s.Timestamp, s.Targets, s.Issued.UTC().Format(time.RFC3339))
}
