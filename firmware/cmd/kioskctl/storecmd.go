package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/internal/command"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

const storeUsage = `usage: kioskctl store restore [--config FILE] [--state-dir DIR]
       kioskctl store backups [--config FILE] [--state-dir DIR]

restore puts back the copy of the database kioskd made before its last schema
migration (for going back to older firmware). Stop kioskd first. The database it
replaces is kept beside it as kiosk.db.replaced-<time>; nothing is deleted.
backups lists the pre-migration copies.`

func storeCommands() *command.Set {
	return &command.Set{
		Name:  "kioskctl store",
		Usage: storeUsage,
		Commands: []command.Command{
			{Name: "restore", Summary: "put back the pre-migration copy of the database", Run: storeCommand("restore", storeRestore)},
			{Name: "backups", Summary: "list the pre-migration copies", Run: storeCommand("backups", storeBackups)},
		},
	}
}

// storeCommand returns kioskctl store NAME: it parses the kiosk flags,
// loads the kiosk's configuration and runs run with it.
func storeCommand(name string, run func(f *command.Flags, cfg *config.Config, stdout, stderr io.Writer) int) command.Func {
	return func(args []string, _ io.Reader, stdout, stderr io.Writer) int {
		fs := command.NewFlags("kioskctl store "+name, storeUsage, stdout, stderr)
		kf := addKioskFlags(fs.FlagSet)
		if code, done := fs.Parse(args); done {
			return code
		}
		cfg, err := kf.load()
		if err != nil {
			return fs.Usagef("%v", err)
		}
		return run(fs, cfg, stdout, stderr)
	}
}

func storeBackups(fs *command.Flags, cfg *config.Config, stdout, _ io.Writer) int {
	list, err := store.Backups(dbPath(cfg))
	if err != nil {
		return fs.Fail(err)
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, "no pre-migration copies")
	}
	for _, b := range list {
		fmt.Fprintln(stdout, b)
	}
	return command.ExitOK
}

func storeRestore(fs *command.Flags, cfg *config.Config, stdout, stderr io.Writer) int {
	db := dbPath(cfg)
	defer ownState(cfg, stderr)
	from, err := store.Restore(db)
	switch {
	case errors.Is(err, store.ErrInUse):
		return fs.Failf("kioskd has %s open: stop it first (systemctl stop kioskd)", db)
	case errors.Is(err, store.ErrNoBackup):
		return fs.Failf("no pre-migration copy beside %s: nothing to restore", db)
	case err != nil:
		return fs.Fail(err)
	}
	fmt.Fprintf(stdout, "restored %s from %s; the database it replaced is kept beside it\n", db, filepath.Base(from))
	return command.ExitOK
}
