package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/firmware/clock"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/provision"
	"github.com/venuekiosk/venuekiosk/internal/bounded"
	"github.com/venuekiosk/venuekiosk/internal/command"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// DefaultOperatorKey is where the image keeps the operator's public key.
const DefaultOperatorKey = "/usr/share/venuekiosk/operator.pub"

// provisionCommands: kioskctl provision sets the kiosk up from its own
// flags; its subcommands are the operator's.
func provisionCommands() *command.Set {
	return &command.Set{
		Name: "kioskctl provision",
		Commands: []command.Command{
			{Name: "sign", Summary: "sign a provisioning file for a kiosk's USB stick", Run: runProvisionSign},
			{Name: "keygen", Summary: "make the operator's signing key", Run: runProvisionKeygen},
		},
		Default: runProvision,
	}
}

func runProvision(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := command.NewFlags("kioskctl provision", `usage: kioskctl provision --venue-id ID --venue-en NAME --venue-zh NAME [flags]
       kioskctl provision --from FILE [--operator-pub FILE]
       kioskctl provision sign --key OPERATOR_KEY --in SETTINGS.json [--out FILE]
       kioskctl provision keygen --out OPERATOR_KEY [--pub FILE]

Sets the kiosk up for its venue: venue identity, board profile, sync source and root,
and the kiosk's own ed25519 key (made here, mode 0600, never printed). Prints the key's
fingerprint and a QR code of the public key for the operator to register the kiosk.
Idempotent; an existing key is kept unless --force. A signed file (--from) is verified
with the operator's key first; a refused file changes nothing and kioskd shows why.`, stdout, stderr)
	kf := addKioskFlags(fs.FlagSet)
	var s provision.Settings
	fs.StringVar(&s.Venue.ID, "venue-id", "", "the venue `ID` (1–32 of A–Z a–z 0–9 - _)")
	fs.StringVar(&s.Venue.NameEN, "venue-en", "", "the venue's English `NAME`")
	fs.StringVar(&s.Venue.NameZH, "venue-zh", "", "the venue's Chinese `NAME`")
	fs.StringVar(&s.Venue.Category, "category", "", "the venue's `CATEGORY` (market, clinic, …)")
	fs.StringVar(&s.Profile, "profile", "", "the board's `PROFILE` (tones and policy of a region), "+oneOf(config.Profiles()))
	panel := fs.String("panel", "", "panel `MODEL`, "+oneOf(config.PanelModels()))
	pins := fs.String("panel-pins", "", "panel pins `dc=GPIO25,reset=GPIO17,busy=GPIO24,power=GPIO18` (power=none: a HAT without the power switch)")
	scannerDev := fs.String("scanner", "", "scanner `DEVICE`: a path, glob or /dev/serial/by-id link")
	baud := fs.Int("baud", 0, "scanner baud `RATE`, "+oneOf(config.Bauds()))
	source := fs.String("sync-source", "", "update source `URL` (https://…, file:///…)")
	root := fs.String("root", "", "the initial trusted TUF root.json `FILE`")
	from := fs.String("from", "", "apply a signed provisioning `FILE` (USB stick) instead of flags")
	operatorPub := fs.String("operator-pub", DefaultOperatorKey, "the operator's public key `FILE`, for --from")
	force := fs.Bool("force", false, "replace an existing kiosk key (the kiosk must be registered again)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if code, done := fs.Parse(args); done {
		return code
	}
	cfg, err := kf.load()
	if err != nil {
		return fs.Usagef("%v", err)
	}
	dir := cfg.Kiosk.StateDir
	defer ownState(cfg, stderr)
	settings := &s
	var signedData []byte // the signed file applied, remembered once applied
	if *from != "" {
		pub, err := readPublicKey(*operatorPub)
		if err != nil {
			return fs.Usagef("operator key: %v", err)
		}
		data, err := bounded.ReadFile(*from, provision.MaxFile)
		if err == nil {
			settings, err = provision.Open(data, pub)
		}
		same := false
		if err == nil {
			same, err = admitSigned(cfg, settings, data)
		}
		if err == nil && same {
			fmt.Fprintf(stdout, "%s was already applied (counter %d): nothing changed\n", *from, settings.Counter)
			return command.ExitOK
		}
		if err == nil {
			signedData = data
		}
		if err != nil {
			if rerr := provision.RecordRefusal(dir, fmt.Errorf("provisioning file %s refused: %w", *from, err)); rerr != nil {
				fmt.Fprintf(stderr, "kioskctl provision: %v\n", rerr)
			}
			return fs.Failf("%s refused: %v; nothing was changed", *from, err)
		}
	} else {
		if *panel != "" {
			settings.Panel = &provision.Panel{Model: *panel}
			if err := parsePins(*pins, settings.Panel); err != nil {
				return fs.Usagef("--panel-pins: %v", err)
			}
		} else if *pins != "" {
			return fs.Usagef("--panel-pins needs --panel")
		}
		if *scannerDev != "" || *baud != 0 {
			settings.Scanner = &provision.Scanner{Device: *scannerDev, Baud: *baud}
		}
		if *source != "" || *root != "" {
			settings.Sync = &provision.Sync{Source: *source}
			if *root != "" {
				b, err := bounded.ReadFile(*root, provision.MaxRoot)
				if err != nil {
					return fs.Usagef("--root: %v", err)
				}
				settings.Sync.Root = b
			}
		}
		if err := settings.Validate(); err != nil {
			return fs.Usagef("%v", err)
		}
	}
	res, err := provision.Apply(dir, settings, provision.Opts{Force: *force})
	if err != nil {
		return fs.Fail(err)
	}
	if signedData != nil {
		if err := provision.Remember(dir, settings, signedData); err != nil {
			return fs.Fail(err)
		}
	}
	if res.RootKept {
		fmt.Fprintln(stderr, "kioskctl provision: the file's sync root is older than the root this kiosk already trusts (after rotations): the kiosk's root is kept")
	}
	if *asJSON {
		json.NewEncoder(stdout).Encode(ProvisionJSON{Venue: settings.Venue.ID, StateDir: dir, Changed: res.Changed,
			KeyCreated: res.KeyCreated, PublicKey: res.PublicKey, Fingerprint: res.Fingerprint})
		return command.ExitOK
	}
	switch {
	case res.KeyCreated:
		fmt.Fprintln(stdout, "kiosk key created")
	default:
		fmt.Fprintln(stdout, "kiosk key kept")
	}
	if res.Changed {
		fmt.Fprintf(stdout, "provisioned venue %s in %s\n", settings.Venue.ID, dir)
	} else {
		fmt.Fprintf(stdout, "already provisioned for venue %s: nothing changed\n", settings.Venue.ID)
	}
	fmt.Fprintf(stdout, "public key   %s\nfingerprint  %s\n", res.PublicKey, res.Fingerprint)
	if q, err := qrcode.New(res.PublicKey, qrcode.Medium); err == nil {
		fmt.Fprint(stdout, q.ToSmallString(false))
	}
	fmt.Fprintln(stdout, "Register the kiosk with the operator using this fingerprint; restart kioskd to apply.")
	return command.ExitOK
}

// ProvisionJSON is what provision --json prints, named as GET /api/state
// and status --json name things.
type ProvisionJSON struct {
	Venue       string `json:"venue"`
	StateDir    string `json:"state_dir"`
	Changed     bool   `json:"changed"`     // provision.toml or root.json changed
	KeyCreated  bool   `json:"key_created"` // a new kiosk key was made
	PublicKey   string `json:"public_key"`  // the kiosk's public key, base64
	Fingerprint string `json:"fingerprint"`
}

// admitSigned checks a signed file's binding at this kiosk: its ids
// (fleet.kiosk_id, the kiosk key's fingerprint), its trusted time (the
// clock, never before the store's time floor), the last counter applied.
func admitSigned(cfg *config.Config, s *provision.Settings, data []byte) (same bool, err error) {
	ids := []string{cfg.Fleet.KioskID}
	if b, err := os.ReadFile(filepath.Join(cfg.Kiosk.StateDir, provision.KeyFile)); err == nil {
		if k, err := venueqr.ParsePrivateKey(b); err == nil {
			ids = append(ids, provision.Fingerprint(k.Public().(ed25519.PublicKey)))
		}
	}
	var floors clock.FloorStore
	if _, err := os.Stat(dbPath(cfg)); err == nil {
		if ro, err := store.OpenReadOnly(context.Background(), dbPath(cfg), &store.Opts{Logger: slog.New(slog.DiscardHandler)}); err == nil {
			defer ro.Close()
			floors = ro
		}
	}
	clk, err := clock.NewTrusted(clock.System{}, floors)
	if err != nil {
		return false, err
	}
	at, _ := clk.Judge()
	return provision.Admit(cfg.Kiosk.StateDir, s, data, at, ids...)
}

func parsePins(s string, p *provision.Panel) error {
	if s == "" {
		return nil
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("%q: want name=GPIO", kv)
		}
		switch strings.TrimSpace(k) {
		case "dc":
			p.DC = v
		case "reset":
			p.Reset = v
		case "busy":
			p.Busy = v
		case "power":
			p.Power = v
		default:
			return fmt.Errorf("%q: want dc, reset, busy or power", k)
		}
	}
	return nil
}

// settingsExample is the settings file format, as provision sign --help
// shows it (a test signs it).
const settingsExample = `{
  "venue":   {"id": "CM-01", "name_en": "Central Market", "name_zh": "中環街市", "category": "market"},
  "kiosks":  ["cm-01-*"],
  "profile": "hk",
  "panel":   {"model": "waveshare_4in2_v2", "dc": "GPIO25", "reset": "GPIO17", "busy": "GPIO24"},
  "scanner": {"device": "/dev/serial/by-id/*", "baud": 9600},
  "sync":    {"source": "https://updates.example.org/repo", "root": {"signed": "…the root.json to trust, as is…"}}
}`

// oneOf lists the values a flag or key takes, as configuration errors
// do: "one of a, b, c".
func oneOf(values []string) string { return "one of " + strings.Join(values, ", ") }

func runProvisionSign(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := command.NewFlags("kioskctl provision sign", `usage: kioskctl provision sign --key OPERATOR_KEY --in SETTINGS.json [--kiosks IDS] [--expires 720h] [--counter N] [--out FILE]

Signs a provisioning file for a kiosk's USB stick (operator side); the kiosk applies
it with kioskctl provision --from FILE. The file is bound to the kiosks it names, until
it expires, and with a counter that only grows, so that an old file cannot be applied
again. The settings are a JSON object; venue (id, name_en, name_zh, category) and kiosks
(or --kiosks) are required (expires and counter may come from the flags), any other key is refused:

`+settingsExample+`

panel.model: `+oneOf(config.PanelModels())+`
profile: `+oneOf(config.Profiles())+`
scanner.baud: `+oneOf(config.Bauds())+`
sync.root: the contents of the root.json to trust.`, stdout, stderr)
	keyFile := fs.String("key", "", "the operator's private key `FILE`")
	in := fs.String("in", "", "the settings `FILE` (JSON, below)")
	out := fs.String("out", "", "write the signed file here (default: standard output)")
	kiosks := fs.String("kiosks", "", "the kiosks it is for: comma-separated `IDS` (fleet.kiosk_id or key fingerprints, * and ? wildcards; \"*\": any); default the file's \"kiosks\"")
	life := fs.Duration("expires", 30*24*time.Hour, "how long kiosks may apply it (at most 8784h), unless the file has \"expires\"")
	counter := fs.Int64("counter", 0, "the file's counter (kiosks refuse a lower one than they applied); default the file's \"counter\", else the time in seconds")
	if code, done := fs.ParseWithArgs(args); done {
		return code
	}
	if *keyFile == "" || *in == "" || fs.NArg() > 0 {
		return fs.Usagef("want --key and --in")
	}
	key, err := readPrivateKey(*keyFile)
	if err != nil {
		return fs.Usagef("%v", err)
	}
	data, err := bounded.ReadFile(*in, provision.MaxFile)
	if err != nil {
		return fs.Usagef("%v", err)
	}
	s, err := decodeSettings(data)
	if err != nil {
		return fs.Usagef("%s: %v (the format: kioskctl provision sign --help)", *in, err)
	}
	if *kiosks != "" {
		s.Kiosks = splitIDs(*kiosks)
	}
	if len(s.Kiosks) == 0 {
		return fs.Usagef("name the kiosks it is for: --kiosks ID,… (\"*\" for any kiosk)")
	}
	if s.Expires.IsZero() {
		s.Expires = time.Now().Add(*life).UTC().Truncate(time.Second)
	}
	switch {
	case *counter > 0:
		s.Counter = *counter
	case s.Counter == 0:
		s.Counter = time.Now().Unix()
	}
	signed, err := provision.Sign(s, key)
	if err != nil {
		return fs.Usagef("%v", err)
	}
	if *out == "" {
		stdout.Write(append(signed, '\n'))
		return command.ExitOK
	}
	if err := os.WriteFile(*out, append(signed, '\n'), 0o644); err != nil {
		return fs.Fail(err)
	}
	return command.ExitOK
}

// decodeSettings reads a settings file strictly: a key the settings do
// not have (a typo such as "panle") is refused, never signed and ignored,
// and so is anything after the object.
func decodeSettings(data []byte) (*provision.Settings, error) {
	var s provision.Settings
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("more after the settings object")
	}
	return &s, nil
}

func runProvisionKeygen(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := command.NewFlags("kioskctl provision keygen", `usage: kioskctl provision keygen --out OPERATOR_KEY [--pub FILE]

Makes the operator's ed25519 key pair: the private key (mode 0600) and the public key
for the image (staff.operator_keys) and --operator-pub, each in its own file. Neither
file may exist: an existing key is never replaced, and nothing is written then.`, stdout, stderr)
	out := fs.String("out", "", "write the operator's private key to `FILE` (mode 0600; must not exist)")
	pubOut := fs.String("pub", "", "write the public key to `FILE` (must not exist; default: --out with .pub for .key)")
	if code, done := fs.ParseWithArgs(args); done {
		return code
	}
	if *out == "" || fs.NArg() > 0 {
		return fs.Usagef("want --out FILE")
	}
	if *pubOut == "" {
		*pubOut = strings.TrimSuffix(*out, ".key") + ".pub"
	}
	if *pubOut == *out {
		return fs.Usagef("--pub and --out name the same file")
	}
	for _, p := range []string{*out, *pubOut} {
		if _, err := os.Lstat(p); err == nil {
			return fs.Usagef("%s exists: refusing to replace a key (nothing was written)", p)
		}
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fs.Fail(err)
	}
	text, _ := venueqr.MarshalPrivateKey(priv)
	pubText, _ := venueqr.MarshalPublicKey(pub)
	if err := writeNew(*out, text, 0o600); err != nil {
		return fs.Fail(err)
	}
	if err := writeNew(*pubOut, pubText, 0o644); err != nil {
		os.Remove(*out) // the pair, or nothing
		return fs.Failf("%v (nothing was kept)", err)
	}
	fmt.Fprintf(stdout, "operator key  %s (private, mode 0600: keep it offline)\npublic key    %s (for the image and --operator-pub)\nfingerprint   %s\n",
		*out, *pubOut, provision.Fingerprint(pub))
	return command.ExitOK
}

// writeNew writes a file that must not exist, durably; a failure leaves no
// partial file.
func writeNew(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s exists: refusing to replace a key", path)
		}
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
