package command

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// testSet is a program with a flag command, a subset and a subset with
// flags of its own (Default).
func testSet() *Set {
	leaf := func(name string) Func {
		return func(args []string, _ io.Reader, stdout, stderr io.Writer) int {
			f := NewFlags(name, "usage: "+name+" [-n N] [-repo DIR]\n\nDoes a thing.", stdout, stderr)
			n := f.Int("n", 0, "how many")
			f.String("repo", "", "repository `DIR`")
			if code, done := f.Parse(args); done {
				return code
			}
			if code, done := f.Need("repo"); done {
				return code
			}
			if *n < 0 {
				return f.Failf("-n %d: want 0 or more", *n)
			}
			io.WriteString(stdout, "ran "+name+"\n")
			return ExitOK
		}
	}
	return &Set{
		Name: "prog",
		Commands: []Command{
			{Name: "do", Summary: "do a thing", Run: leaf("prog do")},
			{Name: "key", Summary: "keys", Sub: &Set{
				Name:     "prog key",
				Usage:    "usage: prog key make|show",
				Commands: []Command{{Name: "make", Summary: "make a key", Run: leaf("prog key make")}},
			}},
			{Name: "setup", Summary: "set up", Sub: &Set{
				Name:     "prog setup",
				Commands: []Command{{Name: "sign", Summary: "sign", Run: leaf("prog setup sign")}},
				Default:  leaf("prog setup"),
			}},
		},
	}
}

func run(args ...string) (code int, stdout, stderr string) {
	var o, e strings.Builder
	code = testSet().Run(args, strings.NewReader(""), &o, &e)
	return code, o.String(), e.String()
}

func TestSet(t *testing.T) {
	for _, tc := range []struct {
		name      string
		args      []string
		code      int
		stdout    string // contained; "" : nothing printed
		stderr    string
		usagesOut int // "usage:" lines on stdout
		usagesErr int
	}{
		{"no command", nil, ExitUsage, "", "usage: prog COMMAND", 0, 1},
		{"help", []string{"--help"}, ExitOK, "  do     do a thing", "", 1, 0},
		{"help word", []string{"help"}, ExitOK, "Run 'prog COMMAND --help'", "", 1, 0},
		{"unknown command", []string{"frob"}, ExitUsage, "", `prog: unknown command "frob"`, 0, 1},
		{"unknown flag for a command", []string{"-x"}, ExitUsage, "", `unknown command "-x"`, 0, 1},
		{"command", []string{"do", "-repo", "r"}, ExitOK, "ran prog do", "", 0, 0},
		{"command help", []string{"do", "-help"}, ExitOK, "Does a thing.", "", 1, 0},
		{"command -h", []string{"do", "-h"}, ExitOK, "-repo DIR", "", 1, 0},
		{"command bad flag", []string{"do", "-bogus"}, ExitUsage, "", "flag provided but not defined: -bogus", 0, 1},
		{"command argument", []string{"do", "-repo", "r", "extra"}, ExitUsage, "", `prog do: unexpected argument "extra"`, 0, 0},
		{"command needs a flag", []string{"do"}, ExitUsage, "", "prog do: -repo is required (prog do -help)", 0, 0},
		{"command fails", []string{"do", "-repo", "r", "-n", "-1"}, ExitFail, "", "prog do: -n -1: want 0 or more", 0, 0},
		{"subset", []string{"key", "make", "-repo", "r"}, ExitOK, "ran prog key make", "", 0, 0},
		{"subset without subcommand", []string{"key"}, ExitUsage, "", "usage: prog key make|show", 0, 1},
		{"subset help", []string{"key", "-h"}, ExitOK, "  make  make a key", "", 1, 0},
		{"subset unknown", []string{"key", "drop"}, ExitUsage, "", `prog key: unknown subcommand "drop"`, 0, 1},
		{"subset command help", []string{"key", "make", "--help"}, ExitOK, "usage: prog key make", "", 1, 0},
		{"default", []string{"setup", "-repo", "r"}, ExitOK, "ran prog setup\n", "", 0, 0},
		{"default help", []string{"setup", "--help"}, ExitOK, "usage: prog setup [-n N]", "", 1, 0},
		{"default bad flag", []string{"setup", "-bogus"}, ExitUsage, "", "-bogus", 0, 1},
		{"default's subcommand", []string{"setup", "sign", "-repo", "r"}, ExitOK, "ran prog setup sign", "", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := run(tc.args...)
			if code != tc.code {
				t.Errorf("exit: got %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errs)
			}
			if tc.stdout == "" && out != "" || !strings.Contains(out, tc.stdout) {
				t.Errorf("stdout: got %q, want it to hold %q", out, tc.stdout)
			}
			if tc.stderr == "" && errs != "" || !strings.Contains(errs, tc.stderr) {
				t.Errorf("stderr: got %q, want it to hold %q", errs, tc.stderr)
			}
			if got := strings.Count(out, "usage:"); got != tc.usagesOut {
				t.Errorf("usages on stdout: got %d, want %d", got, tc.usagesOut)
			}
			if got := strings.Count(errs, "usage:"); got != tc.usagesErr {
				t.Errorf("usages on stderr: got %d, want %d", got, tc.usagesErr)
			}
		})
	}
}

func TestWalk(t *testing.T) {
	var got []string
	testSet().Walk(func(path []string) { got = append(got, strings.Join(path, " ")) })
	want := []string{"", "do", "key", "key make", "setup", "setup sign"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMulti(t *testing.T) {
	var o, e strings.Builder
	f := NewFlags("prog", "usage: prog", &o, &e)
	var m Multi
	f.Var(&m, "trust", "repeatable")
	if code, done := f.Parse([]string{"-trust", "a", "-trust", "b,c"}); done {
		t.Fatalf("parse: exit %d, %s", code, e.String())
	}
	if got, want := strings.Join(m, "|"), "a|b,c"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := m.String(), "a,b,c"; got != want {
		t.Errorf("String: got %q, want %q", got, want)
	}
}

func TestFail(t *testing.T) {
	var o, e strings.Builder
	f := NewFlags("prog do", "usage: prog do", &o, &e)
	if code := f.Fail(errors.New("disk full")); code != ExitFail {
		t.Errorf("exit: got %d, want %d", code, ExitFail)
	}
	if got, want := e.String(), "prog do: disk full\n"; got != want {
		t.Errorf("stderr: got %q, want %q", got, want)
	}
	if o.Len() != 0 {
		t.Errorf("stdout: got %q, want nothing", o.String())
	}
}
