package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/internal/command"
	"github.com/venuekiosk/venuekiosk/internal/store"
	"github.com/venuekiosk/venuekiosk/sync/client"
	"github.com/venuekiosk/venuekiosk/sync/publish"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

func readKeyFile(path string) (*repo.Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := repo.ParsePrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

func cmdStatus(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	f := newFlags("status", "-repo DIR",
		"Shows the repository's current root (keys and thresholds), the versions and expiry\n"+
			"times of its metadata, and each data set's version, entries and size. Signatures\n"+
			"are checked; no key is needed.", stdout, stderr)
	repoDir := f.String("repo", "", "repository `DIR`")
	if code, done := f.Parse(args); done {
		return code
	}
	if code, done := f.Need("repo"); done {
		return code
	}
	r, err := publish.Open(*repoDir, nil)
	if err != nil {
		return f.Fail(err)
	}
	exp := func(t time.Time) string {
		s := t.UTC().Format(time.RFC3339)
		if d := time.Until(t); d < 0 {
			return s + " (EXPIRED)"
		} else if d < 24*time.Hour {
			return s + fmt.Sprintf(" (in %s)", d.Round(time.Minute))
		}
		return s
	}
	root, ts, tg := r.Root(), r.Timestamp(), r.Targets()
	fmt.Fprintf(stdout, "root      version %d, expires %s\n", root.Version, exp(root.Expires))
	printKeys(stdout, root)
	fmt.Fprintf(stdout, "timestamp version %d, issued %s, expires %s\n", ts.Version, ts.Issued.UTC().Format(time.RFC3339), exp(ts.Expires))
	fmt.Fprintf(stdout, "targets   version %d, expires %s\n", tg.Version, exp(tg.Expires))
	names := make([]string, 0, len(tg.Targets))
	for n := range tg.Targets {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		tf := tg.Targets[n]
		ds := tf.Custom.Dataset
		if ds == nil {
			fmt.Fprintf(stdout, "  %-28s %d bytes\n", n, tf.Length)
			continue
		}
		kind := ""
		if ds.Kind == repo.KindDelta {
			kind = fmt.Sprintf(" (from %d)", ds.From)
		}
		fmt.Fprintf(stdout, "  %-28s %-17s version %d%s, %d entries, %d bytes\n", n, ds.Name, ds.Version, kind, ds.Entries, tf.Length)
	}
	return command.ExitOK
}

func cmdVerify(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	f := newFlags("verify", "-repo DIR|URL -root FILE [-at TIME]",
		"Syncs the repository exactly as a kiosk provisioned with root FILE would — every\n"+
			"signature, threshold, version, expiry, length and hash — into a scratch store,\n"+
			"and reports what it applied. Use it before copying a repository to a USB stick\n"+
			"or after uploading it.", stdout, stderr)
	src := f.String("repo", "", "repository: a `DIR`, file:// or https:// URL")
	rootFile := f.String("root", "", "the initial root `FILE` the kiosks have")
	at := f.String("at", "", "judge expiry at this RFC 3339 `TIME` instead of now")
	if code, done := f.Parse(args); done {
		return code
	}
	if code, done := f.Need("repo", "root"); done {
		return code
	}
	now := time.Now
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return f.Fail(fmt.Errorf("-at: %w", err))
		}
		now = func() time.Time { return t }
	}
	source := *src
	if abs, err := filepath.Abs(source); err == nil && !isURL(source) {
		source = abs
	}
	root, err := client.ReadRoot(*rootFile)
	if err != nil {
		return f.Fail(err)
	}
	tmp, err := os.MkdirTemp("", "vkpublish-verify-")
	if err != nil {
		return f.Fail(err)
	}
	defer os.RemoveAll(tmp)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := store.Open(ctx, filepath.Join(tmp, "kiosk.db"), &store.Opts{Logger: log})
	if err != nil {
		return f.Fail(err)
	}
	defer st.Close()
	cl, err := client.New(client.Opts{Source: source, Root: root, Dir: filepath.Join(tmp, "tuf"), Store: st, Now: now, Logger: log})
	if err != nil {
		return f.Fail(err)
	}
	res, err := cl.Sync(ctx)
	if err != nil {
		return f.Fail(err)
	}
	fmt.Fprintf(stdout, "ok: root %d, timestamp %d (issued %s), snapshot %d, targets %d; %d bytes read\n",
		res.Root, res.Timestamp, res.Issued.Format(time.RFC3339), res.Snapshot, res.Targets, res.Downloaded)
	for _, c := range res.Applied {
		fmt.Fprintf(stdout, "  %-17s version %d, %d entries\n", c.Dataset, c.To, c.Entries)
	}
	return command.ExitOK
}

func isURL(s string) bool { return strings.Contains(s, "://") }

func cmdID(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	var names []string
	about := "Prints the pass ID (64 hex digits) the kiosk computes for a pass: the value\n" +
		"revocation and code lists name it by. The identifier of each FORMAT:"
	for _, n := range verify.Namings() {
		names = append(names, n.Name)
		about += fmt.Sprintf("\n  %-7s %s (%s)", n.Name, n.Identifier, n.Title)
	}
	f := newFlags("id", "-format FORMAT -identifier ID", about, stdout, stderr)
	format := f.String("format", "", strings.Join(names, ", "))
	ident := f.String("identifier", "", "the pass's identifier")
	if code, done := f.Parse(args); done {
		return code
	}
	if code, done := f.Need("format", "identifier"); done {
		return code
	}
	id, err := publish.PassID(*format, *ident)
	if err != nil {
		return f.Fail(err)
	}
	fmt.Fprintln(stdout, id)
	return command.ExitOK
}
