package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/internal/command"
)

func runVerify(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := command.NewFlags("kioskctl verify", "usage: kioskctl verify [--trust [FORMAT:]FILE]... [--at RFC3339] [--policy none|default|FILE] [--json] [PAYLOAD | -]\n\n"+
		"Judges one pass offline. PAYLOAD is the text the QR code holds ("+prefixes()+");\n"+
		"'-' or no argument reads it from standard input.\n"+
		"Exit status: 0 green, 1 red, 3 amber, 2 usage error.", stdout, stderr)
	var trustFiles command.Multi
	fs.Var(&trustFiles, "trust", "trusted issuer keys, `[FORMAT:]FILE`: a PEM bundle of DCC signer certificates, the EU DCC gateway's trust list, a JWKS (SMART Health Card issuers; hksarg:FILE for Hong Kong keys), a VCI directory snapshot, a DID document, or a trust list as the repository publishes it; repeatable")
	at := fs.String("at", "", "judge as of this `RFC3339` instant (default: now)")
	pol := fs.String("policy", "default", "entry policy: none (authenticity only), default, or a policy JSON `FILE`")
	asJSON := fs.Bool("json", false, "print the verdict as one JSON object")
	if code, done := fs.ParseWithArgs(args); done {
		return code
	}
	usageErr := fs.Usagef
	if fs.NArg() > 1 {
		return usageErr("want one PAYLOAD, got %d arguments (quote the payload)", fs.NArg())
	}

	when := time.Now()
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return usageErr("--at %q: want an RFC3339 time such as 2021-06-01T12:00:00Z", *at)
		}
		when = t
	}

	e := &verify.Engine{Formats: verify.Formats()}
	set := trust.NewSet()
	formats := verify.Namings()
	for _, f := range trustFiles {
		keys, err := trust.Load(trust.ParseArg(f, formats), formats)
		if err != nil {
			return usageErr("--trust: %v", err)
		}
		set.Add(keys...)
	}
	e.Trust = set
	switch *pol {
	case "none":
	case "default":
		e.Policy = policy.Default()
	default:
		p, err := policy.Load(*pol)
		if err != nil {
			return usageErr("--policy: %v", err)
		}
		e.Policy = p
	}

	payload, err := readPayload(fs.Args(), stdin)
	if err != nil {
		return usageErr("%v", err)
	}

	v := e.Verify(payload, when)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v.JSON()); err != nil {
			fmt.Fprintf(stderr, "kioskctl verify: %v\n", err)
			return command.ExitUsage
		}
	} else {
		printVerdict(stdout, v)
	}
	switch v.Status {
	case verify.Green:
		return command.ExitOK
	case verify.Amber:
		return command.ExitAmber
	}
	return command.ExitFail
}

func readPayload(args []string, stdin io.Reader) (string, error) {
	if len(args) == 1 && args[0] != "-" {
		return args[0], nil
	}
	b, err := io.ReadAll(io.LimitReader(stdin, verify.MaxPayload+2))
	if err != nil {
		return "", fmt.Errorf("reading the payload from standard input: %v", err)
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return "", fmt.Errorf("no payload: give it as an argument or on standard input")
	}
	return s, nil
}

func printVerdict(w io.Writer, v *verify.Verdict) {
	fmt.Fprintf(w, "verdict: %s\n", strings.ToUpper(v.Status.String()))
	if v.Format != "" {
		fmt.Fprintf(w, "format:  %s\n", v.Format)
	}
	if v.Holder.Name != "" || v.Holder.DOB != "" {
		fmt.Fprintf(w, "holder:  %s (born %s)\n", v.Holder.Name, v.Holder.DOB)
	}
	if v.Issuer != "" {
		fmt.Fprintf(w, "issuer:  %s\n", v.Issuer)
	}
	if !v.Expires.IsZero() {
		fmt.Fprintf(w, "expires: %s\n", v.Expires.UTC().Format(time.RFC3339))
	}
	if v.KID != "" {
		fmt.Fprintf(w, "kid:     %s\n", v.KID)
	}
	for _, r := range v.Reasons {
		fmt.Fprintf(w, "reason:  %s: %s\n", r.Code, r.Detail)
	}
}

// prefixes lists what the payloads of the kiosk's formats start with.
func prefixes() string {
	var p []string
	for _, f := range verify.Formats() {
		p = append(p, f.Naming().Prefix+"…")
	}
	return strings.Join(p, ", ")
}
