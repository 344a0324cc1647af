package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/firmware/staff"
	"github.com/venuekiosk/venuekiosk/internal/command"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// kioskctl staffcard: make and check staff cards (firmware/staff).

func staffCardCommands() *command.Set {
	return &command.Set{
		Name: "kioskctl staffcard",
		Usage: `usage: kioskctl staffcard issue --key OPERATOR_KEY --role ROLE --id CARD_ID [--from TIME] [--days N | --until TIME] [--venues IDS | --kiosks IDS] [--png FILE]
       kioskctl staffcard verify [--operator-pub FILE]... [--at TIME] [--json] CARD|-

Staff cards are QR codes for guards (exempt entries), supervisors (open entry) and
technicians (setting the venue from its poster), signed with the operator's ed25519 key.`,
		Commands: []command.Command{
			{Name: "issue", Summary: "sign a staff card (operator side)", Run: runStaffCardIssue},
			{Name: "verify", Summary: "check a staff card: signature, validity, revocations", Run: runStaffCardVerify},
		},
	}
}

// parseWhen reads "2026-11-01", "2026-11-01T08:00:00Z" or "2026-11-01T16:00:00+08:00".
func parseWhen(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q: want YYYY-MM-DD or an RFC 3339 time", s)
}

func runStaffCardIssue(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := command.NewFlags("kioskctl staffcard issue", `usage: kioskctl staffcard issue --key OPERATOR_KEY --role ROLE --id CARD_ID [--from TIME] [--days N | --until TIME] [--venues IDS | --kiosks IDS] [--png FILE]

Signs a staff card (operator side) and prints its text, the QR code's payload.`, stdout, stderr)
	keyFile := fs.String("key", "", "the operator's private key `FILE` (kioskctl provision keygen)")
	role := fs.String("role", "", "the holder's `ROLE`: guard, supervisor or technician")
	id := fs.String("id", "", "the card's `ID`: 1 to 24 of A-Z, 0-9 and '-' (revocations name it)")
	from := fs.String("from", "", "valid from `TIME` (YYYY-MM-DD or RFC 3339; default now)")
	until := fs.String("until", "", "valid until `TIME` (exclusive; instead of --days)")
	days := fs.Int("days", 0, "valid for `N` days from --from (default: the longest the default entry policy allows the role: 366 days for a guard, 92 for a supervisor or technician)")
	venues := fs.String("venues", "", "bind the card to these venue `IDs` (comma-separated): it works only at their kiosks")
	kiosks := fs.String("kiosks", "", "bind the card to these kiosk `IDs` (fleet.kiosk_id, comma-separated)")
	png := fs.String("png", "", "also write the card as a QR code PNG to `FILE` (for printing)")
	if code, done := fs.ParseWithArgs(args); done {
		return code
	}
	if *keyFile == "" || *role == "" || *id == "" || fs.NArg() > 0 {
		return fs.Usagef("want --key, --role and --id")
	}
	r, err := staff.ParseRole(*role)
	if err != nil {
		return fs.Usagef("--role: %v", err)
	}
	key, err := readPrivateKey(*keyFile)
	if err != nil {
		return fs.Usagef("--key: %v", err)
	}
	c := staff.Card{ID: *id, Role: r, From: time.Now()}
	if *from != "" {
		if c.From, err = parseWhen(*from); err != nil {
			return fs.Usagef("--from: %v", err)
		}
	}
	switch {
	case *until != "":
		if c.Until, err = parseWhen(*until); err != nil {
			return fs.Usagef("--until: %v", err)
		}
	case *days == 0:
		c.Until = c.From.Add(policy.Default().Staff.MaxCardLife(string(r)))
	case *days < 1 || *days > 5*365:
		return fs.Usagef("--days %d: want 1 to %d", *days, 5*365)
	default:
		c.Until = c.From.AddDate(0, 0, *days)
	}
	if max := policy.Default().Staff.MaxCardLife(string(r)); c.Until.Sub(c.From) > max {
		fmt.Fprintf(stderr, "kioskctl staffcard issue: warning: valid for longer than the default entry policy allows a %s (%d days): kiosks refuse it unless their policy allows more\n",
			strings.ToLower(string(r)), int(max.Hours()/24))
	}
	if *venues != "" && *kiosks != "" {
		return fs.Usagef("bind the card to --venues or to --kiosks, not both")
	}
	c.Venues, c.Kiosks = splitIDs(*venues), splitIDs(*kiosks)
	text, err := staff.Sign(c, key)
	if err != nil {
		return fs.Usagef("%v", err)
	}
	if *png != "" {
		if err := qrcode.WriteFile(text, qrcode.Medium, 512, *png); err != nil {
			return fs.Fail(err)
		}
	}
	fmt.Fprintln(stdout, text)
	return command.ExitOK
}

// staffCardResult is what verify prints with --json.
type staffCardResult struct {
	Valid  bool      `json:"valid"`
	Why    string    `json:"why,omitempty"`
	ID     string    `json:"id,omitempty"`
	Role   string    `json:"role,omitempty"`
	From   time.Time `json:"from,omitzero"`
	Until  time.Time `json:"until,omitzero"`
	Checks []string  `json:"checked"`
}

func runStaffCardVerify(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := command.NewFlags("kioskctl staffcard verify", `usage: kioskctl staffcard verify [--operator-pub FILE]... [--at TIME] [--state-dir DIR] [--json] CARD|-

Checks a staff card: signature, validity and, when the kiosk's store is there, the synced
revocations. Exit 0: valid; 1: refused. '-' reads the card from standard input.`, stdout, stderr)
	kf := addKioskFlags(fs.FlagSet)
	var pubs command.Multi
	fs.Var(&pubs, "operator-pub", "the operator's public key `FILE` (repeatable; default: the configuration's staff.operator_keys)")
	at := fs.String("at", "", "judge at `TIME` (default now)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if code, done := fs.ParseWithArgs(args); done {
		return code
	}
	if fs.NArg() != 1 {
		return fs.Usagef("want one CARD (or - for standard input)")
	}
	card := fs.Arg(0)
	if card == "-" {
		b, err := io.ReadAll(io.LimitReader(stdin, staff.MaxCard+3))
		if err != nil {
			return fs.Usagef("%v", err)
		}
		card = strings.TrimSpace(string(b))
	}
	when := time.Now()
	if *at != "" {
		var err error
		if when, err = parseWhen(*at); err != nil {
			return fs.Usagef("--at: %v", err)
		}
	}
	cfg, err := kf.load()
	if err != nil {
		return fs.Usagef("%v", err)
	}
	files := []string(pubs)
	if len(files) == 0 {
		files = cfg.Staff.OperatorKeys
	}
	// As the kiosk judges it: the default policy's lifetimes, this kiosk's
	// venue and id for bound cards.
	v := &staff.Verifier{MaxLife: func(r staff.Role) time.Duration { return policy.Default().Staff.MaxCardLife(string(r)) },
		Venue: cfg.Venue.ID, Kiosk: cfg.Fleet.KioskID}
	res := staffCardResult{}
	for _, f := range files {
		k, err := readPublicKey(f)
		if errors.Is(err, os.ErrNotExist) && len(pubs) == 0 {
			continue
		}
		if err != nil {
			return fs.Usagef("operator key: %v", err)
		}
		v.Keys = append(v.Keys, k)
	}
	res.Checks = append(res.Checks, "signature", "validity", "lifetime", "binding")
	ctx := context.Background()
	if _, err := os.Stat(dbPath(cfg)); err == nil {
		db, err := store.OpenReadOnly(ctx, dbPath(cfg), &store.Opts{Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			return fs.Failf("the kiosk's store: %v", err)
		}
		defer db.Close()
		v.Revoked = db
		res.Checks = append(res.Checks, "revocations")
	}
	c, err := v.Verify(card, when)
	if c != nil {
		res.ID, res.Role, res.From, res.Until = c.ID, strings.ToLower(string(c.Role)), c.From, c.Until
	}
	res.Valid = err == nil
	if err != nil {
		res.Why = err.Error()
	}
	if *asJSON {
		json.NewEncoder(stdout).Encode(res)
	} else {
		if c != nil {
			fmt.Fprintf(stdout, "card %s: %s, valid %s to %s\n", c.ID, res.Role, c.From.UTC().Format("2006-01-02 15:04Z"), c.Until.UTC().Format("2006-01-02 15:04Z"))
		}
		if res.Valid {
			fmt.Fprintf(stdout, "VALID (checked: %s)\n", strings.Join(res.Checks, ", "))
		} else {
			fmt.Fprintf(stdout, "REFUSED: %s\n", res.Why)
		}
		if !slices.Contains(res.Checks, "revocations") {
			fmt.Fprintln(stdout, "note: revocations not checked (no kiosk store here; --state-dir DIR)")
		}
	}
	if !res.Valid {
		return command.ExitFail
	}
	return command.ExitOK
}

// splitIDs reads a comma-separated list.
func splitIDs(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}
