package nzcp

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/venuekiosk/venuekiosk/firmware/verify/cose"
)

// Claims are the claims Sign issues: a PublicCovidPass.
type Claims struct {
	Issuer    string // a did:web DID
	NotBefore time.Time
	Expires   time.Time
	ID        [16]byte // the token id, a UUID
	Given     string
	Family    string // may be empty
	DOB       string // YYYY-MM-DD
}

var encMode = func() cbor.EncMode {
	em, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err)
	}
	return em
}()

// Sign issues c as an "NZCP:/1/" payload signed by key (ES256) under key
// id kid, for tests and the simulator's samples: real passes come from New
// Zealand's issuer.
func Sign(c Claims, key *ecdsa.PrivateKey, kid string) (string, error) {
	if !validDIDWeb(c.Issuer) {
		return "", errors.New("nzcp: the issuer must be a did:web DID")
	}
	if c.NotBefore.IsZero() || !c.Expires.After(c.NotBefore) {
		return "", errors.New("nzcp: the pass must expire after it becomes valid")
	}
	subject := map[string]any{"givenName": c.Given, "dob": c.DOB}
	if c.Family != "" {
		subject["familyName"] = c.Family
	}
	payload, err := encMode.Marshal(map[any]any{
		claimIss: c.Issuer,
		claimNbf: c.NotBefore.Unix(),
		claimExp: c.Expires.Unix(),
		claimCti: c.ID[:],
		claimVC: map[string]any{
			"@context":          []string{contextVC, "https://nzcp.covid19.health.nz/contexts/v1"},
			"version":           "1.0.0",
			"type":              []string{typeVC, typePublic},
			"credentialSubject": subject,
		},
	})
	if err != nil {
		return "", err
	}
	// What is issued must read back.
	if _, err := parseClaims(string(payload)); err != nil {
		return "", fmt.Errorf("nzcp: the claims fail the check: %w", err)
	}
	protected, err := encMode.Marshal(map[int]any{1: cose.ES256, 4: []byte(kid)})
	if err != nil {
		return "", err
	}
	sig, err := cose.Sign(protected, payload, key)
	if err != nil {
		return "", err
	}
	msg, err := encMode.Marshal(cbor.Tag{Number: cose.TagSign1, Content: []any{protected, map[int]any{}, payload, sig}})
	if err != nil {
		return "", err
	}
	return Prefix + Version + "/" + b32.EncodeToString(msg), nil
}
