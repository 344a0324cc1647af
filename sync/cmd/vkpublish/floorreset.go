package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/internal/command"
	"github.com/venuekiosk/venuekiosk/sync/publish"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

func cmdFloorReset(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	f := newFlags("floor-reset", "-repo DIR -keys DIR... -kiosks ID,PATTERN,... [-role root|targets] [-time RFC3339] [-life 168h] [-version N]",
		"Signs a floor reset with the root keys (or the targets keys) and writes it to the\n"+
			"top of the repository as "+repo.FloorResetFile+". A kiosk whose clock reads before\n"+
			"its time floor (the floor was saved in the future by an older firmware, from a bad\n"+
			"clock or a timestamp signed with a stolen online key) fetches it at its next sync\n"+
			"and sets its floor back to -time; or give the file to a technician:\n"+
			"kioskctl clock reset --signed FILE. Each reset has a version: a kiosk applies a\n"+
			"version once, and never an older one. Name the kiosks (fleet.kiosk_id, * and ?\n"+
			"wildcards; \"*\" for all) and keep -life short.", stdout, stderr)
	repoDir := f.String("repo", "", "repository `DIR`")
	var keyDirs command.Multi
	f.Var(&keyDirs, "keys", "key `DIR` (repeatable): the root (or targets) key holders'")
	kiosks := f.String("kiosks", "", "comma-separated kiosk `IDs` or patterns (\"*\": every kiosk)")
	role := f.String("role", repo.RoleRoot, "whose keys sign: `root` or targets")
	at := f.String("time", "", "the floor to set, RFC 3339 (default: now)")
	life := f.Duration("life", 7*24*time.Hour, "how long kiosks may apply it (at most 744h)")
	version := f.Int64("version", 0, "the reset's version (default: one more than the repository's last)")
	if code, done := f.Parse(args); done {
		return code
	}
	if code, done := f.Need("repo", "keys", "kiosks"); done {
		return code
	}
	fr := publish.FloorReset{Life: *life, Role: *role, Version: *version}
	for _, k := range strings.Split(*kiosks, ",") {
		if k = strings.TrimSpace(k); k != "" {
			fr.Kiosks = append(fr.Kiosks, k)
		}
	}
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return f.Usagef("-time %q: want RFC 3339, e.g. 2026-06-01T00:00:00Z", *at)
		}
		fr.Time = t
	}
	r, err := publish.Open(*repoDir, nil, keyDirs...)
	if err != nil {
		return f.Fail(err)
	}
	b, err := r.SignFloorReset(fr)
	if err != nil {
		return f.Fail(err)
	}
	m, _, err := repo.ParseFloorReset(b, r.Root())
	if err != nil {
		return f.Fail(err)
	}
	fmt.Fprintf(stdout, "%s: floor reset version %d to %s, for %s, until %s (signed by %s keys)\n",
		filepath.Join(*repoDir, repo.FloorResetFile), m.Version, m.Time.Format(time.RFC3339), strings.Join(m.Kiosks, ","), m.Expires.Format(time.RFC3339), *role)
	return command.ExitOK
}
