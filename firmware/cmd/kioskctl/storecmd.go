package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/venuekiosk/venuekiosk/firmware/store"
)

func runStore(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "usage: kioskctl store restore [--config FILE] [--state-dir DIR]")
		fmt.Fprintln(w, "       kioskctl store backups [--config FILE] [--state-dir DIR]")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "restore puts back the copy of the database kioskd made before its last schema")
		fmt.Fprintln(w, "migration (for going back to older firmware). Stop kioskd first. The database it")
		fmt.Fprintln(w, "replaces is kept beside it as kiosk.db.replaced-<time>; nothing is deleted.")
		fmt.Fprintln(w, "backups lists the pre-migration copies.")
	}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "-help", "help":
		usage(stdout)
		return exitOK
	case "restore", "backups":
	default:
		fmt.Fprintf(stderr, "kioskctl store: unknown subcommand %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	fs := flag.NewFlagSet("store "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	kf := addKioskFlags(fs)
	fs.Usage = func() { usage(fs.Output()); fs.PrintDefaults() }
	if code := parseFlags(fs, args[1:], stdout); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "store", "unexpected argument %q", fs.Arg(0))
	}
	cfg, err := kf.load()
	if err != nil {
		return usageError(stderr, "store", "%v", err)
	}
	db := dbPath(cfg)
	if args[0] == "backups" {
		list, err := store.Backups(db)
		if err != nil {
			fmt.Fprintf(stderr, "kioskctl store backups: %v\n", err)
			return exitFail
		}
		if len(list) == 0 {
			fmt.Fprintln(stdout, "no pre-migration copies")
		}
		for _, b := range list {
			fmt.Fprintln(stdout, b)
		}
		return exitOK
	}
	defer ownState(cfg, stderr)
	from, err := store.Restore(db)
	switch {
	case errors.Is(err, store.ErrInUse):
		fmt.Fprintf(stderr, "kioskctl store restore: kioskd has %s open: stop it first (systemctl stop kioskd)\n", db)
		return exitFail
	case errors.Is(err, store.ErrNoBackup):
		fmt.Fprintf(stderr, "kioskctl store restore: no pre-migration copy beside %s: nothing to restore\n", db)
		return exitFail
	case err != nil:
		fmt.Fprintf(stderr, "kioskctl store restore: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(stdout, "restored %s from %s; the database it replaced is kept beside it\n", db, filepath.Base(from))
	return exitOK
}
