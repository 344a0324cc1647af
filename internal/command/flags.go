package command

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Flags is one command's flag set.
type Flags struct {
	*flag.FlagSet
	name           string
	stdout, stderr io.Writer
}

// NewFlags returns the flag set of the command name ("kioskctl
// provision sign"). usage is what its usage prints before the flags,
// its first line "usage: …".
func NewFlags(name, usage string, stdout, stderr io.Writer) *Flags {
	f := &Flags{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), name: name, stdout: stdout, stderr: stderr}
	f.SetOutput(stderr)
	f.Usage = func() {
		fmt.Fprintln(f.Output(), strings.TrimRight(usage, "\n"))
		fmt.Fprintln(f.Output())
		f.PrintDefaults()
	}
	return f
}

// Parse parses args, which must hold only flags. done is true when the
// command must stop with code: the usage was asked for (printed once, to
// stdout, ExitOK), or a flag or an argument is wrong (said once, to
// stderr, ExitUsage).
func (f *Flags) Parse(args []string) (code int, done bool) {
	if code, done := f.ParseWithArgs(args); done {
		return code, done
	}
	if f.NArg() > 0 {
		return f.Usagef("unexpected argument %q", f.Arg(0)), true
	}
	return ExitOK, false
}

// ParseWithArgs is [Flags.Parse] for a command that takes arguments
// after its flags (f.Args()).
func (f *Flags) ParseWithArgs(args []string) (code int, done bool) {
	// What the flag package prints goes out once: the usage asked
	// for to stdout, an error and the usage to stderr.
	var buf bytes.Buffer
	f.SetOutput(&buf)
	err := f.FlagSet.Parse(args)
	f.SetOutput(f.stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		f.stdout.Write(buf.Bytes())
		return ExitOK, true
	case err != nil:
		f.stderr.Write(buf.Bytes())
		return ExitUsage, true
	}
	return ExitOK, false
}

// Need reports the first of the named flags left empty as a usage
// error; done is false when all were given.
func (f *Flags) Need(names ...string) (code int, done bool) {
	for _, n := range names {
		if fl := f.Lookup(n); fl == nil || fl.Value.String() == "" {
			return f.Usagef("-%s is required (%s -help)", n, f.name), true
		}
	}
	return ExitOK, false
}

// Usagef prints a usage error ("NAME: message") to stderr and returns
// ExitUsage.
func (f *Flags) Usagef(format string, a ...any) int {
	fmt.Fprintf(f.stderr, "%s: %s\n", f.name, fmt.Sprintf(format, a...))
	return ExitUsage
}

// Fail prints err ("NAME: err") to stderr and returns ExitFail.
func (f *Flags) Fail(err error) int {
	fmt.Fprintf(f.stderr, "%s: %v\n", f.name, err)
	return ExitFail
}

// Failf is [Flags.Fail] with a message.
func (f *Flags) Failf(format string, a ...any) int {
	return f.Fail(fmt.Errorf(format, a...))
}

// Multi is a repeatable flag: each use adds a value.
type Multi []string

func (m *Multi) String() string     { return strings.Join(*m, ",") }
func (m *Multi) Set(s string) error { *m = append(*m, s); return nil }
