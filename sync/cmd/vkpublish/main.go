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
	"fmt"
	"io"
	"os"
	"time"

	"github.com/venuekiosk/venuekiosk/internal/command"
	"github.com/venuekiosk/venuekiosk/sync/publish"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// commands is vkpublish's table of commands.
func commands() *command.Set {
	return &command.Set{
		Name: "vkpublish",
		Usage: `usage: vkpublish COMMAND [flags]

Builds and signs the venuekiosk update repository (TUF: root, targets,
snapshot and timestamp roles, ed25519 keys) that kiosks sync from.`,
		Commands: []command.Command{
			{Name: "init", Summary: "create the signing keys and an empty repository", Run: cmdInit},
			{Name: "publish", Summary: "publish data sets from input files (new versions where they changed)", Run: cmdPublish},
			{Name: "timestamp", Summary: "sign a new timestamp: tells kiosks their data is still current", Run: cmdTimestamp},
			{Name: "rotate", Summary: "replace a role's keys or threshold (a new root version)", Run: cmdRotate},
			{Name: "keygen", Summary: "create one key for a role (for a key holder)", Run: cmdKeygen},
			{Name: "status", Summary: "show the repository's versions, keys and expiry times", Run: cmdStatus},
			{Name: "verify", Summary: "sync the repository as a kiosk would, into a scratch store", Run: cmdVerify},
			{Name: "id", Summary: "print the pass ID of a pass identifier", Run: cmdID},
			{Name: "floor-reset", Summary: "sign a time floor reset for kiosks that saved a wrong, future time", Run: cmdFloorReset},
		},
	}
}

func run(args []string, stdout, stderr io.Writer) int {
	return commands().Run(args, os.Stdin, stdout, stderr)
}

// newFlags is a vkpublish command's flag set: its usage is the
// synopsis, then what the command does.
func newFlags(name, synopsis, about string, stdout, stderr io.Writer) *command.Flags {
	return command.NewFlags("vkpublish "+name, "usage: vkpublish "+name+" "+synopsis+"\n\n"+about, stdout, stderr)
}

// expiry holds the expiry flags shared by the signing commands.
type expiry struct {
	root, targets, snapshot, timestamp time.Duration
}

func (e *expiry) register(f *command.Flags) {
	d := publish.DefaultExpiry
	f.DurationVar(&e.root, "root-expires", d.Root, "how long a new root stays valid")
	f.DurationVar(&e.targets, "targets-expires", d.Targets, "how long new targets metadata stays valid")
	f.DurationVar(&e.snapshot, "snapshot-expires", d.Snapshot, "how long new snapshot metadata stays valid")
	f.DurationVar(&e.timestamp, "timestamp-expires", d.Timestamp, "how long a new timestamp stays valid (kiosks refuse the repository after it: re-sign sooner)")
}

func (e *expiry) opts() *publish.Opts {
	return &publish.Opts{Expiry: publish.Expiry{Root: e.root, Targets: e.targets, Snapshot: e.snapshot, Timestamp: e.timestamp}}
}

// signing holds the flags of the commands that sign with the
// repository's keys: -repo, -keys (repeatable) and the expiry times.
type signing struct {
	repo string
	keys command.Multi
	expiry
}

func (s *signing) register(f *command.Flags) {
	f.StringVar(&s.repo, "repo", "", "repository `DIR`")
	f.Var(&s.keys, "keys", "key `DIR` (repeatable)")
	s.expiry.register(f)
}

// open opens the repository with the keys in the -keys directories.
func (s *signing) open(o *publish.Opts) (*publish.Repo, error) {
	return publish.Open(s.repo, o, s.keys...)
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
