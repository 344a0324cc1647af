package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/firmware/hken"
	"github.com/venuekiosk/venuekiosk/internal/command"
)

const venueqrUsage = `usage: kioskctl venueqr verify --pub KEY [--at RFC3339] [--period 120s] PAYLOAD
       kioskctl venueqr make --key PRIVFILE --venue ID [--at RFC3339] [--period 120s]
       kioskctl venueqr keygen --out PRIVFILE
       kioskctl venueqr hken decode [--json] PAYLOAD

verify checks a venue check-in code (VK1:…) against a kiosk's public key
and prints its venue and slot. A code is valid during its slot and the next.
KEY is a file holding the ed25519 public key as PEM (PKIX "PUBLIC KEY", as
openssl pkey -pubout writes it) or as the base64 of its 32 bytes.
Exit status: 0 valid, 1 invalid, 2 usage error.

make prints the code a kiosk shows at a time (for tests and technicians).
PRIVFILE holds the ed25519 private key as PEM (PKCS #8 "PRIVATE KEY") or
the base64 of its 32-byte seed.

keygen writes a new private key (PEM, mode 0600) to PRIVFILE and prints
the public key (PEM) on standard output.

hken decode reads a LeaveHomeSafe venue poster code (HKEN:…) and prints the
venue id, names and type and whether its hash matches. These codes carry no
signature: a matching hash proves nothing about who made the poster.
Exit status: 0 decoded with a matching hash, 1 bad code or hash, 2 usage.
`

func venueQRCommands() *command.Set {
	return &command.Set{
		Name:  "kioskctl venueqr",
		Usage: venueqrUsage,
		Commands: []command.Command{
			{Name: "verify", Summary: "check a venue check-in code against a kiosk's public key", Run: venueqrVerify},
			{Name: "make", Summary: "print the code a kiosk shows at a time", Run: venueqrMake},
			{Name: "keygen", Summary: "write a new private key, print the public key", Run: venueqrKeygen},
			{Name: "hken", Summary: "read LeaveHomeSafe venue poster codes (hken decode)", Sub: &command.Set{
				Name:     "kioskctl venueqr hken",
				Usage:    venueqrUsage,
				Commands: []command.Command{{Name: "decode", Summary: "decode a HKEN: poster code", Run: hkenDecode}},
			}},
		},
	}
}

func parseAt(s string) (time.Time, error) {
	if s == "" {
		return time.Now(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--at %q: want an RFC3339 time such as 2026-11-23T09:00:00Z", s)
	}
	return t, nil
}

func venueqrVerify(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := command.NewFlags("kioskctl venueqr verify", venueqrUsage, stdout, stderr)
	pubFile := fs.String("pub", "", "the kiosk's public key `FILE` (PEM PKIX or base64)")
	at := fs.String("at", "", "check as of this `RFC3339` instant (default: now)")
	period := fs.Duration("period", venueqr.DefaultPeriod, "the kiosk's rotation `period`")
	if code, done := fs.ParseWithArgs(args); done {
		return code
	}
	usageErr := fs.Usagef
	if *pubFile == "" {
		return usageErr("--pub KEY is required")
	}
	if fs.NArg() != 1 {
		return usageErr("want one PAYLOAD, got %d arguments", fs.NArg())
	}
	when, err := parseAt(*at)
	if err != nil {
		return usageErr("%v", err)
	}
	if err := venueqr.CheckPeriod(*period); err != nil {
		return usageErr("--period: %v", err)
	}
	pub, err := readPublicKey(*pubFile)
	if err != nil {
		return usageErr("--pub: %v", err)
	}
	code, err := venueqr.Verify(pub, strings.TrimSpace(fs.Arg(0)), when, *period)
	if err != nil {
		fmt.Fprintf(stdout, "invalid: %v\n", err)
		return command.ExitFail
	}
	fmt.Fprintf(stdout, "valid: venue %s slot %d (%s to %s)\n", code.Venue, code.Slot,
		code.Start().Format(time.RFC3339), code.End().Format(time.RFC3339))
	return command.ExitOK
}

func venueqrMake(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := command.NewFlags("kioskctl venueqr make", venueqrUsage, stdout, stderr)
	keyFile := fs.String("key", "", "the kiosk's private key `FILE` (PEM PKCS #8 or base64 seed)")
	venue := fs.String("venue", "", "the venue `ID` (1–32 of A-Z a-z 0-9 - _)")
	at := fs.String("at", "", "the code shown at this `RFC3339` instant (default: now)")
	period := fs.Duration("period", venueqr.DefaultPeriod, "the rotation `period`")
	if code, done := fs.ParseWithArgs(args); done {
		return code
	}
	usageErr := fs.Usagef
	if *keyFile == "" || *venue == "" {
		return usageErr("--key PRIVFILE and --venue ID are required")
	}
	if fs.NArg() != 0 {
		return usageErr("unexpected arguments %q", fs.Args())
	}
	when, err := parseAt(*at)
	if err != nil {
		return usageErr("%v", err)
	}
	key, err := readPrivateKey(*keyFile)
	if err != nil {
		return usageErr("--key: %v", err)
	}
	s, err := venueqr.NewSigner(*venue, key, *period)
	if err != nil {
		return usageErr("%v", err)
	}
	payload, _, err := s.Payload(when)
	if err != nil {
		return usageErr("%v", err)
	}
	fmt.Fprintln(stdout, payload)
	return command.ExitOK
}

func venueqrKeygen(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := command.NewFlags("kioskctl venueqr keygen", venueqrUsage, stdout, stderr)
	out := fs.String("out", "", "write the private key to this `FILE` (must not exist)")
	if code, done := fs.ParseWithArgs(args); done {
		return code
	}
	if *out == "" || fs.NArg() != 0 {
		return fs.Usagef("want --out PRIVFILE and no arguments")
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fs.Fail(err)
	}
	privPEM, err := venueqr.MarshalPrivateKey(priv)
	if err != nil {
		return fs.Fail(err)
	}
	pubPEM, err := venueqr.MarshalPublicKey(pub)
	if err != nil {
		return fs.Fail(err)
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fs.Fail(err)
	}
	if _, err := f.Write(privPEM); err != nil {
		f.Close()
		return fs.Fail(err)
	}
	if err := f.Close(); err != nil {
		return fs.Fail(err)
	}
	stdout.Write(pubPEM)
	return command.ExitOK
}

func hkenDecode(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := command.NewFlags("kioskctl venueqr hken decode", venueqrUsage, stdout, stderr)
	asJSON := fs.Bool("json", false, "print one JSON object")
	if code, done := fs.ParseWithArgs(args); done {
		return code
	}
	if fs.NArg() != 1 {
		return fs.Usagef("want one PAYLOAD (quote it)")
	}
	v, err := hken.Decode(fs.Arg(0))
	if err != nil {
		return fs.Fail(err)
	}
	if *asJSON {
		json.NewEncoder(stdout).Encode(map[string]any{"id": v.ID, "name_en": v.NameEn, "name_zh": v.NameZh, "type": v.Type, "type_en": v.TypeEn, "type_zh": v.TypeZh, "hash_ok": v.HashOK})
	} else {
		fmt.Fprintf(stdout, "venue    %s\nname     %s / %s\ntype     %s %s %s\n", v.ID, v.NameEn, v.NameZh, v.Type, v.TypeEn, v.TypeZh)
		if v.HashOK {
			fmt.Fprintln(stdout, "hash     matches (the code is well-formed; it is not signed)")
		} else {
			fmt.Fprintln(stdout, "hash     DOES NOT MATCH: not a LeaveHomeSafe code for this venue id")
		}
	}
	if !v.HashOK {
		return command.ExitFail
	}
	return command.ExitOK
}
