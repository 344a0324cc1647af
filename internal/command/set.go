package command

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Func runs one command with the arguments after its name and returns
// its exit status.
type Func func(args []string, stdin io.Reader, stdout, stderr io.Writer) int

// Command is one row of a [Set]: a name, a one-line summary for the
// set's usage, and either what it runs or its own subcommands.
type Command struct {
	Name    string
	Summary string
	Run     Func
	Sub     *Set
}

// Set is a program's (or a command's) table of subcommands.
type Set struct {
	// Name is the set as typed: "kioskctl", "kioskctl venueqr".
	Name string
	// Usage is printed first in the set's usage, its first line
	// "usage: …"; empty: "usage: NAME COMMAND [ARGS]".
	Usage    string
	Commands []Command
	// Default runs when the first argument names no command (kioskctl
	// provision has flags of its own besides its subcommands); nil: that
	// is a usage error, and -h, -help, --help or help print the usage.
	Default Func
}

// IsHelp reports whether arg asks for the usage.
func IsHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

// Run runs the command args[0] names with the rest of args.
func (s *Set) Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if c, ok := s.lookup(args[0]); ok {
			if c.Sub != nil {
				return c.Sub.Run(args[1:], stdin, stdout, stderr)
			}
			return c.Run(args[1:], stdin, stdout, stderr)
		}
	}
	switch {
	case s.Default != nil:
		return s.Default(args, stdin, stdout, stderr)
	case len(args) == 0:
		s.PrintUsage(stderr)
		return ExitUsage
	case IsHelp(args[0]):
		s.PrintUsage(stdout)
		return ExitOK
	}
	what := "command"
	if strings.Contains(s.Name, " ") {
		what = "subcommand"
	}
	fmt.Fprintf(stderr, "%s: unknown %s %q\n\n", s.Name, what, args[0])
	s.PrintUsage(stderr)
	return ExitUsage
}

func (s *Set) lookup(name string) (Command, bool) {
	for _, c := range s.Commands {
		if c.Name == name {
			return c, true
		}
	}
	return Command{}, false
}

// PrintUsage prints the set's usage and its commands, sorted by name.
func (s *Set) PrintUsage(w io.Writer) {
	u := s.Usage
	if u == "" {
		u = "usage: " + s.Name + " COMMAND [ARGS]"
	}
	fmt.Fprintln(w, strings.TrimRight(u, "\n"))
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	cs := slices.Clone(s.Commands)
	slices.SortFunc(cs, func(a, b Command) int { return strings.Compare(a.Name, b.Name) })
	width := 0
	for _, c := range cs {
		width = max(width, len(c.Name))
	}
	for _, c := range cs {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.Name, c.Summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Run '%s COMMAND --help' for a command's flags.\n", s.Name)
}

// Walk calls fn with the words that run each command of the set and of
// its subsets (after the program's name), the sets themselves included:
// every path a person can type, for tests that go through them all.
func (s *Set) Walk(fn func(path []string)) {
	s.walk(nil, fn)
}

func (s *Set) walk(path []string, fn func(path []string)) {
	fn(path)
	for _, c := range s.Commands {
		p := append(slices.Clip(path), c.Name)
		if c.Sub != nil {
			c.Sub.walk(p, fn)
			continue
		}
		fn(p)
	}
}
