package nzcp

import (
	"embed"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// The specification's examples (examples/README.md): the simulator offers
// them as sample passes, and the tests run them.
//
//go:embed examples/*.txt examples/*.json
var examples embed.FS

// Example is one of the specification's example passes.
type Example struct {
	Name    string    // what the specification calls it
	Payload string    // the QR text
	Reason  pass.Code // the reason it fails ("" for the valid one)
	// NotBefore and Expires are the pass's nbf and exp, for the examples
	// whose verdict depends on the time (the valid, expired and not active
	// ones); zero for those that fail before their times are read.
	NotBefore, Expires time.Time
	// ID is the pass ID of the valid example.
	ID pass.ID
}

// SpecExamples returns the specification's valid example and its invalid
// examples, with the reason each fails with (expiry and activation as of a
// time inside the valid example's validity and outside theirs).
func SpecExamples() []Example {
	read := func(name string) string {
		b, err := examples.ReadFile("examples/" + name)
		if err != nil {
			panic("nzcp: " + err.Error())
		}
		return strings.TrimSpace(string(b))
	}
	validID, err := PassID("urn:uuid:60a4f54d-4e30-4332-be33-ad78b1eafa4b")
	if err != nil {
		panic("nzcp: " + err.Error())
	}
	return []Example{
		{Name: "valid", Payload: read("valid-nzcp.txt"), NotBefore: time.Unix(1635883530, 0).UTC(), Expires: time.Unix(1951416330, 0).UTC(), ID: validID},
		{Name: "bad public key", Payload: read("invalid-nzcp-bad-public-key.txt"), Reason: pass.Signature},
		{Name: "public key not found", Payload: read("invalid-nzcp-not-associated-public-key.txt"), Reason: pass.UnknownKey},
		{Name: "modified signature", Payload: read("invalid-nzcp-modified-sig.txt"), Reason: pass.Signature},
		{Name: "modified payload", Payload: read("invalid-nzcp-modified-payload.txt"), Reason: pass.Signature},
		{Name: "expired", Payload: read("invalid-nzcp-expired-payload.txt"), Reason: pass.Expired,
			NotBefore: time.Unix(1604347531, 0).UTC(), Expires: time.Unix(1635278731, 0).UTC()},
		// Not active until 2026-11-02: since then, the specification's
		// "not active" example is an active pass.
		{Name: "not active", Payload: read("invalid-nzcp-notactive-payload.txt"), Reason: pass.NotYetValid,
			NotBefore: time.Unix(1793649931, 0).UTC(), Expires: time.Unix(1825185931, 0).UTC()},
	}
}

// SpecDIDDocument returns the DID document of the specification's example
// issuer, did:web:nzcp.covid19.health.nz: a trust input for the examples.
func SpecDIDDocument() []byte {
	b, err := examples.ReadFile("examples/valid-did.json")
	if err != nil {
		panic("nzcp: " + err.Error())
	}
	return b
}
