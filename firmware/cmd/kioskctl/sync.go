package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/clock"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/internal/bounded"
	"github.com/venuekiosk/venuekiosk/internal/command"
	"github.com/venuekiosk/venuekiosk/internal/store"
	"github.com/venuekiosk/venuekiosk/sync/client"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

func runSync(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := command.NewFlags("kioskctl sync", `usage: kioskctl sync [--config FILE] [--state-dir DIR] [--from DIR|URL] [--check]

Syncs the kiosk's data from a repository exactly as kioskd does (TUF: signatures,
thresholds, versions, expiry, lengths and hashes, then one transaction), trusting
what the kiosk trusts (its metadata in the state directory, its sync.root).
kioskd syncs sync.source by itself; this is for a technician's USB stick while kioskd
is stopped. With --check nothing on the kiosk changes: the repository is synced into
a scratch copy and each data set is compared with the kiosk's (works beside kioskd).`, stdout, stderr)
	kf := addKioskFlags(fs.FlagSet)
	from := fs.String("from", "", "the repository: a `DIR`, file:// or https:// URL (default: the configuration's sync.source)")
	check := fs.Bool("check", false, "verify the repository against the kiosk's trust without changing the kiosk")
	if code, done := fs.Parse(args); done {
		return code
	}
	cfg, err := kf.load()
	if err != nil {
		return fs.Usagef("%v", err)
	}
	if _, err := cfg.ApplyProvision(); err != nil {
		return fs.Usagef("%v", err)
	}
	src := cfg.Sync.Source
	if *from != "" {
		src = *from
		if abs, err := filepath.Abs(src); err == nil && !isURL(src) {
			src = abs
		}
	}
	if src == "" {
		return fs.Usagef("no repository: give --from, or set sync.source")
	}
	root, err := client.ReadRoot(cfg.Sync.Root)
	if err != nil {
		return fs.Failf("the kiosk's trusted root (sync.root): %v", err)
	}
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if *check {
		return syncCheck(ctx, cfg, src, root, log, stdout, stderr)
	}
	defer ownState(cfg, stderr)
	st, err := store.Open(ctx, dbPath(cfg), &store.Opts{Logger: log})
	if errors.Is(err, store.ErrInUse) {
		fmt.Fprintln(stderr, "kioskctl sync: kioskd is running and holds the store: it syncs sync.source by itself; stop it to sync from elsewhere, or use --check")
		return command.ExitFail
	}
	if err != nil {
		return fs.Fail(err)
	}
	defer st.Close()
	clk, err := clock.NewTrusted(clock.System{}, st)
	if err != nil {
		return fs.Fail(err)
	}
	res, err := syncOnce(ctx, client.Opts{Source: src, Root: root, Dir: filepath.Join(cfg.Kiosk.StateDir, daemon.SyncDir), Store: st, Now: judge(clk), Logger: log,
		FloorFor: clk.FloorFor, WantFloorReset: clk.Behind, FloorReset: daemon.FloorResetter(clk, cfg.Fleet.KioskID, log)})
	if res != nil && res.FloorReset != nil {
		fmt.Fprintf(stdout, "time floor reset to %s (signed floor reset version %d)\n", res.FloorReset.Time.UTC().Format(time.RFC3339), res.FloorReset.Version)
	}
	if res != nil && res.FloorResetError != nil {
		fmt.Fprintf(stderr, "kioskctl sync: %s: %v\n", repo.FloorResetFile, res.FloorResetError)
	}
	if err != nil {
		return fs.Failf("%v (the kiosk's data is unchanged)", err)
	}
	if _, err := clk.Signed(res.Issued, res.Expires); err != nil {
		fmt.Fprintf(stderr, "kioskctl sync: %v\n", err)
	}
	fmt.Fprintf(stdout, "synced from %s: timestamp %d, issued %s\n", src, res.Timestamp, res.Issued.Format(time.RFC3339))
	for _, c := range res.Applied {
		fmt.Fprintf(stdout, "  %-17s version %d → %d (%s, %d entries)\n", c.Dataset, c.From, c.To, orFull(c.Via), c.Entries)
	}
	if len(res.Applied) == 0 {
		fmt.Fprintln(stdout, "  no data set changed")
	}
	return command.ExitOK
}

// syncCheck syncs into a scratch store, with a copy of the kiosk's trusted
// metadata, and compares each data set with the kiosk's.
func syncCheck(ctx context.Context, cfg *config.Config, src string, root []byte, log *slog.Logger, stdout, stderr io.Writer) int {
	tmp, err := os.MkdirTemp("", "kioskctl-sync-")
	if err != nil {
		fmt.Fprintf(stderr, "kioskctl sync: %v\n", err)
		return command.ExitFail
	}
	defer os.RemoveAll(tmp)
	if err := copyTrusted(filepath.Join(cfg.Kiosk.StateDir, daemon.SyncDir), filepath.Join(tmp, "tuf")); err != nil {
		fmt.Fprintf(stderr, "kioskctl sync: %v\n", err)
		return command.ExitFail
	}
	have := map[string]store.DataVersion{}
	var floors clock.FloorStore // none: a kiosk that never ran
	if ro, err := store.OpenReadOnly(ctx, dbPath(cfg), &store.Opts{Logger: log}); err == nil {
		defer ro.Close()
		if vs, err := ro.DataVersions(ctx); err == nil {
			for _, v := range vs {
				have[v.Name] = v
			}
		}
		floors = ro
	}
	clk, err := clock.NewTrusted(clock.System{}, floors)
	if err != nil {
		fmt.Fprintf(stderr, "kioskctl sync: %v\n", err)
		return command.ExitFail
	}
	scratch, err := store.Open(ctx, filepath.Join(tmp, daemon.DBFile), &store.Opts{Logger: log})
	if err != nil {
		fmt.Fprintf(stderr, "kioskctl sync: %v\n", err)
		return command.ExitFail
	}
	defer scratch.Close()
	res, err := syncOnce(ctx, client.Opts{Source: src, Root: root, Dir: filepath.Join(tmp, "tuf"), Store: scratch, Now: judge(clk), Logger: log})
	if err != nil {
		fmt.Fprintf(stderr, "kioskctl sync: %s refused: %v\n", src, err)
		return command.ExitFail
	}
	fmt.Fprintf(stdout, "%s verifies: root %d, timestamp %d, issued %s\n", src, res.Root, res.Timestamp, res.Issued.Format(time.RFC3339))
	refused := false
	for _, c := range res.Applied {
		cur, ok := have[c.Dataset]
		switch {
		case !ok:
			fmt.Fprintf(stdout, "  %-17s version %d: new to this kiosk\n", c.Dataset, c.To)
		case cur.Version < c.To:
			fmt.Fprintf(stdout, "  %-17s version %d: newer than the kiosk's %d\n", c.Dataset, c.To, cur.Version)
		case cur.Version == c.To:
			fmt.Fprintf(stdout, "  %-17s version %d: what the kiosk has\n", c.Dataset, c.To)
		default:
			fmt.Fprintf(stdout, "  %-17s version %d: OLDER than the kiosk's %d: the kiosk would refuse it\n", c.Dataset, c.To, cur.Version)
			refused = true
		}
	}
	if refused {
		return command.ExitFail
	}
	return command.ExitOK
}

func syncOnce(ctx context.Context, o client.Opts) (*client.Result, error) {
	cl, err := client.New(o)
	if err != nil {
		return nil, err
	}
	return cl.Sync(ctx)
}

// judge is the kiosk's time for expiry decisions, as kioskd's: the clock,
// or the time floor when the clock reads earlier.
func judge(clk *clock.Trusted) func() time.Time {
	return func() time.Time {
		at, _ := clk.Judge()
		return at
	}
}

// copyTrusted copies the kiosk's trusted metadata files (a missing
// directory is a kiosk that never synced).
func copyTrusted(from, to string) error {
	if err := os.MkdirAll(to, 0o700); err != nil {
		return err
	}
	ents, err := os.ReadDir(from)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := bounded.ReadFile(filepath.Join(from, e.Name()), repo.MaxTargetsSize)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

func isURL(s string) bool { return strings.Contains(s, "://") }

func orFull(via string) string {
	if via == "" {
		return "full"
	}
	return via
}
