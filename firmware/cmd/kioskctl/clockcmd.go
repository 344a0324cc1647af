package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/clock"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/firmware/store"
	"github.com/venuekiosk/venuekiosk/sync/client"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

func init() {
	commands["clock"] = command{"repair the kiosk's time floor with a signed floor reset (clock reset --signed FILE)", runClock}
}

func runClock(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "usage: kioskctl clock reset --signed FILE [--config FILE] [--state-dir DIR]")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "The kiosk keeps a time floor, the latest time it had good reason to believe, and")
		fmt.Fprintln(w, "never judges passes earlier than it. A floor saved in the future (by an older")
		fmt.Fprintln(w, "firmware, from a bad clock or a timestamp signed with a stolen online key) makes every")
		fmt.Fprintln(w, "pass and every sync fail. Only the operator's offline keys can set it back: a floor")
		fmt.Fprintln(w, "reset signed with the root (or targets) keys of the kiosk's trusted root")
		fmt.Fprintln(w, "(vkpublish floor-reset). It must name this kiosk (fleet.kiosk_id), be newer than")
		fmt.Fprintln(w, "the last reset applied, and not have expired by the clock (an unset clock cannot")
		fmt.Fprintln(w, "judge that). Stop kioskd first: systemctl stop kioskd.")
	}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return exitOK
	case "reset":
	default:
		fmt.Fprintf(stderr, "kioskctl clock: unknown subcommand %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	fs := flag.NewFlagSet("clock reset", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kf := addKioskFlags(fs)
	signed := fs.String("signed", "", "the signed floor reset `FILE` (floor-reset.json)")
	fs.Usage = func() { usage(fs.Output()); fmt.Fprintln(fs.Output()); fs.PrintDefaults() }
	if code := parseFlags(fs, args[1:], stdout); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "clock reset", "unexpected argument %q", fs.Arg(0))
	}
	if *signed == "" {
		return usageError(stderr, "clock reset", "--signed FILE is required")
	}
	cfg, err := kf.load()
	if err != nil {
		return usageError(stderr, "clock reset", "%v", err)
	}
	if _, err := cfg.ApplyProvision(); err != nil {
		return usageError(stderr, "clock reset", "%v", err)
	}
	defer ownState(cfg, stderr)
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "kioskctl clock reset: "+format+"\n", a...)
		return exitFail
	}
	b, err := readBounded(*signed, repo.MaxFloorResetSize)
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
	if err := daemon.FloorResetter(clk, cfg.Fleet.KioskID)(fr, role); err != nil {
		return fail("%v", err)
	}
	fmt.Fprintf(stdout, "time floor reset from %s to %s (floor reset version %d, signed by the %s keys)\n",
		old.UTC().Format(time.RFC3339), fr.Time.UTC().Format(time.RFC3339), fr.Version, role)
	return exitOK
}
