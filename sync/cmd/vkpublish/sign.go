package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/internal/command"
	"github.com/venuekiosk/venuekiosk/sync/publish"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

func cmdInit(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	f := newFlags("init", "-repo DIR -keys DIR [-root-keys N] [-root-threshold T] [-root-dirs DIR,DIR,...]",
		"Creates a key for each role (N root keys, T of which must sign every new root;\n"+
			"one key each for targets, snapshot and timestamp) in the key directory, and a\n"+
			"repository with no data yet. Give root.json to the kiosks (kioskctl provision\n"+
			"--root, or the sync.root setting). Keep the root keys offline, one holder each:\n"+
			"-root-dirs puts each root key in its own directory, one for each holder (pass\n"+
			"them with -keys to vkpublish rotate when the root changes).", stdout, stderr)
	repoDir := f.String("repo", "", "repository `DIR` to create")
	keys := f.String("keys", "", "`DIR` for the new private keys (mode 0600; keep it safe)")
	n := f.Int("root-keys", 1, "number of root keys")
	t := f.Int("root-threshold", 1, "root keys that must sign a new root")
	holders := f.String("root-dirs", "", "comma-separated `DIRS`, one for each root key (default: the root keys stay in -keys)")
	var e expiry
	e.register(f)
	if code, done := f.Parse(args); done {
		return code
	}
	if code, done := f.Need("repo", "keys"); done {
		return code
	}
	var holderDirs []string
	if *holders != "" {
		holderDirs = strings.Split(*holders, ",")
		if len(holderDirs) != *n {
			return f.Usagef("-root-dirs names %d directories for %d root keys", len(holderDirs), *n)
		}
		for _, d := range holderDirs {
			if ks, _ := filepath.Glob(filepath.Join(d, "*"+publish.KeyExt)); len(ks) > 0 {
				return f.Usagef("%s already holds keys", d)
			}
		}
	}
	r, err := publish.Init(*repoDir, *keys, *n, *t, e.opts())
	if err != nil {
		return f.Fail(err)
	}
	fmt.Fprintf(stdout, "repository %s: root version 1 (%d of %d root keys sign), keys in %s\n", *repoDir, *t, *n, *keys)
	for i, id := range r.Root().Roles[repo.RoleRoot].KeyIDs {
		if i >= len(holderDirs) {
			break
		}
		path, err := moveKey(filepath.Join(*keys, repo.RoleRoot+"-"+id[:16]+publish.KeyExt), holderDirs[i])
		if err != nil {
			return f.Fail(fmt.Errorf("root key %d: %w", i+1, err))
		}
		fmt.Fprintf(stdout, "root key %d of %d: %s (give it to its holder; keep it offline)\n", i+1, *n, path)
	}
	fmt.Fprintf(stdout, "provision kiosks with %s\n", filepath.Join(*repoDir, publish.RootFile))
	printKeys(stdout, r.Root())
	return command.ExitOK
}

// moveKey moves a private key file into dir (made, mode 0700): written
// there first (0600, synced), then removed here, so that a failure never
// loses the key.
func moveKey(path, dir string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	to := filepath.Join(dir, filepath.Base(path))
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	_, err = out.Write(b)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(to)
		return "", err
	}
	return to, os.Remove(path)
}

func printKeys(w io.Writer, root *repo.Root) {
	for _, role := range repo.Roles {
		rl := root.Roles[role]
		fmt.Fprintf(w, "  %-9s threshold %d:", role, rl.Threshold)
		for _, id := range rl.KeyIDs {
			fmt.Fprintf(w, " %s", id[:16])
		}
		fmt.Fprintln(w)
	}
}

func cmdPublish(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	f := newFlags("publish", "-repo DIR -keys DIR [-trust [FORMAT:]FILE]... [-policy FILE] [-revocations FILE] [-codes FILE] [-exposures FILE] [-staff-revocations FILE]",
		"Publishes the data sets given, each as a new version where it differs from the\n"+
			"published one (a data set not given stays as it is), with a delta against the\n"+
			"previous revocation list, and signs new targets, snapshot and timestamp metadata.\n"+
			"With nothing changed it signs a new timestamp only.\n\n"+
			"Input formats (CSV with a header row, or a JSON array of objects with the same\n"+
			"names; a pass is \"id\" (64 hex digits) or \"format\" and \"identifier\"):\n"+
			"  -revocations  id | format,identifier   (or one bare ID a line)\n"+
			"  -codes        id | format,identifier; code (red|amber); valid_from; valid_until\n"+
			"  -exposures    venue,start,end,notice_en,notice_zh,notice_until[,assumed_stay]\n"+
			"                assumed_stay (optional): a visit without a check-out is taken to\n"+
			"                last this long for this window, 15m to 8h (\"90m\"); empty: the\n"+
			"                entry policy's for the venue's category\n"+
			"  -staff-revocations\n"+
			"                card_id   (or one staff card id a line, '#' comments; an id is\n"+
			"                1 to 24 of A-Z, 0-9 and '-', as printed on the card)\n"+
			"  -trust        [FORMAT:]FILE, repeatable: a PEM bundle of DCC signer certificates,\n"+
			"                the EU DCC gateway's trust list (DSC entries), a JWKS (SMART Health\n"+
			"                Card issuers; hksarg:FILE for Hong Kong keys), a VCI directory\n"+
			"                snapshot, a DID document, or a trust.json as published. Keys for a\n"+
			"                format come only from an input for that format: conflicts are refused\n"+
			"  -policy       entry policy JSON\n"+
			"Times: RFC 3339 or YYYY-MM-DD (UTC); an empty valid_from/valid_until is open.", stdout, stderr)
	var sg signing
	sg.register(f)
	var trustFiles command.Multi
	f.Var(&trustFiles, "trust", "trust input `[FORMAT:]FILE` (repeatable; together they are the whole trust list)")
	pol := f.String("policy", "", "entry policy `FILE` (JSON)")
	revs := f.String("revocations", "", "revocation list `FILE` (the whole list)")
	codes := f.String("codes", "", "red/amber code list `FILE` (the whole list)")
	ex := f.String("exposures", "", "exposure notice `FILE` (the whole list)")
	staffRevs := f.String("staff-revocations", "", "revoked staff card `FILE`: card ids, one a line (the whole list; kiosks refuse these cards)")
	keep := f.Int("keep-deltas", 30, "revocation deltas to keep listed")
	if code, done := f.Parse(args); done {
		return code
	}
	if code, done := f.Need("repo", "keys"); done {
		return code
	}
	var in publish.Inputs
	readTrust := func(string) ([]*pass.Key, error) { return publish.ReadTrust(trustFiles...) }
	for _, read := range []func() error{
		readInput(trustFiles.String(), readTrust, &in.Trust),
		readInput(*pol, publish.ReadPolicy, &in.Policy),
		readInput(*revs, publish.ReadRevocations, &in.Revocations),
		readInput(*codes, publish.ReadCodes, &in.Codes),
		readInput(*ex, publish.ReadExposures, &in.Exposures),
		readInput(*staffRevs, publish.ReadStaffRevocations, &in.StaffRevocations),
	} {
		if err := read(); err != nil {
			return f.Fail(err)
		}
	}
	o := sg.opts()
	o.KeepDeltas = *keep
	r, err := sg.open(o)
	if err != nil {
		return f.Fail(err)
	}
	s, err := r.Publish(in)
	if err != nil {
		return f.Fail(err)
	}
	printSummary(stdout, s)
	return command.ExitOK
}

// readInput returns what reads the input file a flag names into v: a
// flag left empty leaves v as it is (that data set stays as published).
func readInput[T any](file string, read func(string) (T, error), v *T) func() error {
	return func() error {
		if file == "" {
			return nil
		}
		x, err := read(file)
		if err != nil {
			return err
		}
		*v = x
		return nil
	}
}

func cmdTimestamp(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	f := newFlags("timestamp", "-repo DIR -keys DIR",
		"Signs a new timestamp for the current data. Kiosks judge the age of their data\n"+
			"by the newest timestamp they verified: run this (from cron, with the timestamp\n"+
			"key only) more often than the policy's max_data_age_hours and -timestamp-expires.", stdout, stderr)
	var sg signing
	sg.register(f)
	if code, done := f.Parse(args); done {
		return code
	}
	if code, done := f.Need("repo", "keys"); done {
		return code
	}
	r, err := sg.open(sg.opts())
	if err != nil {
		return f.Fail(err)
	}
	s, err := r.RefreshTimestamp()
	if err != nil {
		return f.Fail(err)
	}
	printSummary(stdout, s)
	return command.ExitOK
}

func cmdRotate(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	f := newFlags("rotate", "-repo DIR -keys DIR... -role ROLE [-generate N | -key FILE...] [-threshold T]",
		"Writes a new root version that gives ROLE new keys (-generate N fresh ones into the\n"+
			"first -keys directory, or the private keys in -key files) and/or a new threshold,\n"+
			"signed by a threshold of the current root keys and of the new ones: pass every\n"+
			"key holder's directory with -keys. Then re-signs targets, snapshot and timestamp\n"+
			"with the keys in force. Kiosks follow on their next sync; whatever the old keys\n"+
			"sign afterwards is refused. Without new keys or threshold the root is only\n"+
			"re-signed with a later expiry.", stdout, stderr)
	var sg signing
	sg.register(f)
	var keyFiles command.Multi
	f.Var(&keyFiles, "key", "private key `FILE` to give the role (repeatable)")
	role := f.String("role", "", "the role: root, targets, snapshot or timestamp")
	gen := f.Int("generate", 0, "generate `N` new keys for the role")
	threshold := f.Int("threshold", 0, "the role's new threshold (0: unchanged)")
	if code, done := f.Parse(args); done {
		return code
	}
	if code, done := f.Need("repo", "keys", "role"); done {
		return code
	}
	if *gen > 0 && len(keyFiles) > 0 {
		return f.Usagef("give -generate or -key, not both")
	}
	r, err := sg.open(sg.opts())
	if err != nil {
		return f.Fail(err)
	}
	rot := publish.Rotation{Role: *role, Threshold: *threshold}
	for range *gen {
		s, path, err := publish.GenerateKey(sg.keys[0], *role)
		if err != nil {
			return f.Fail(err)
		}
		fmt.Fprintf(stdout, "new %s key %s in %s\n", *role, s.ID[:16], path)
		rot.Keys = append(rot.Keys, s)
	}
	if len(keyFiles) > 0 {
		for _, kf := range keyFiles {
			s, err := readKeyFile(kf)
			if err != nil {
				return f.Fail(err)
			}
			rot.Keys = append(rot.Keys, s)
		}
	}
	s, err := r.Rotate(rot)
	if err != nil {
		return f.Fail(err)
	}
	fmt.Fprintf(stdout, "root version %d\n", r.Root().Version)
	printKeys(stdout, r.Root())
	printSummary(stdout, s)
	return command.ExitOK
}

func cmdKeygen(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	f := newFlags("keygen", "-keys DIR -role ROLE",
		"Creates one ed25519 key for ROLE in DIR (mode 0600) and prints its key ID. A key\n"+
			"holder runs this on their own machine; the key joins the repository through\n"+
			"vkpublish rotate -key FILE.", stdout, stderr)
	keys := f.String("keys", "", "key `DIR`")
	role := f.String("role", "", "the role: root, targets, snapshot or timestamp")
	if code, done := f.Parse(args); done {
		return code
	}
	if code, done := f.Need("keys", "role"); done {
		return code
	}
	s, path, err := publish.GenerateKey(*keys, *role)
	if err != nil {
		return f.Fail(err)
	}
	fmt.Fprintf(stdout, "%s key %s\n%s\n", *role, s.ID, path)
	return command.ExitOK
}
