package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/clock"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/internal/bounded"
	"github.com/venuekiosk/venuekiosk/internal/command"
	"github.com/venuekiosk/venuekiosk/internal/store"
	"github.com/venuekiosk/venuekiosk/sync/client"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

const clockUsage = `usage: kioskctl clock reset --signed FILE [--config FILE] [--state-dir DIR]

The kiosk keeps a time floor, the latest time it had good reason to believe, and
never judges passes earlier than it. A floor saved in the future (by an older
firmware, from a bad clock or a timestamp signed with a stolen online key) makes every
pass and every sync fail. Only the operator's offline keys can set it back: a floor
reset signed with the root (or targets) keys of the kiosk's trusted root
(vkpublish floor-reset). It must name this kiosk (fleet.kiosk_id), be newer than
the last reset applied, and not have expired by the clock (an unset clock cannot
judge that). Stop kioskd first: systemctl stop kioskd.`

func clockCommands() *command.Set {
	return &command.Set{
		Name:  "kioskctl clock",
		Usage: clockUsage,
		Commands: []command.Command{
			{Name: "reset", Summary: "apply a signed floor reset (vkpublish floor-reset)", Run: runClockReset},
		},
	}
}

func runClockReset(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := command.NewFlags("kioskctl clock reset", clockUsage, stdout, stderr)
	kf := addKioskFlags(fs.FlagSet)
	signed := fs.String("signed", "", "the signed floor reset `FILE` (floor-reset.json)")
	if code, done := fs.Parse(args); done {
		return code
	}
	if *signed == "" {
		return fs.Usagef("--signed FILE is required")
	}
	cfg, err := kf.load()
	if err != nil {
		return fs.Usagef("%v", err)
	}
	if _, err := cfg.ApplyProvision(); err != nil {
		return fs.Usagef("%v", err)
	}
	defer ownState(cfg, stderr)
	fail := fs.Failf
	b, err := bounded.ReadFile(*signed, repo.MaxFloorResetSize)
	if err != nil {
		return fail("%v", err)
	}
	initial, err := client.ReadRoot(cfg.Sync.Root)
	if err != nil {
		return fail("the kiosk's trusted root (sync.root): %v", err)
	}
	root, err := client.TrustedRoot(filepath.Join(cfg.Kiosk.StateDir, daemon.SyncDir), initial)
	if err != nil {
		return fail("%v", err)
	}
	fr, role, err := repo.ParseFloorReset(b, root)
	if err != nil {
		return fail("%s: %v", *signed, err)
	}
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := store.Open(ctx, dbPath(cfg), &store.Opts{Logger: log})
	if errors.Is(err, store.ErrInUse) {
		return fail("kioskd is running and holds the store: stop it (systemctl stop kioskd), reset, then start it")
	}
	if err != nil {
		return fail("%v", err)
	}
	defer st.Close()
	clk, err := clock.NewTrusted(clock.System{}, st)
	if err != nil {
		return fail("%v", err)
	}
	old := clk.Floor()
	if err := daemon.FloorResetter(clk, cfg.Fleet.KioskID, log)(fr, role); err != nil {
		return fail("%v", err)
	}
	fmt.Fprintf(stdout, "time floor reset from %s to %s (floor reset version %d, signed by the %s keys)\n",
		old.UTC().Format(time.RFC3339), fr.Time.UTC().Format(time.RFC3339), fr.Version, role)
	return command.ExitOK
}
