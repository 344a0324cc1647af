package shc

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"errors"
	"fmt"
	"strings"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// Name is the format's name in verdicts, pass IDs and trust lookups.
const Name = "shc"

// How SMART Health Cards name their passes and keys (pass.Naming): a card by
// its issuer and revocation identifier, "<iss>#<rid>" (see CardID); a key by
// its JWK kid (the RFC 7638 thumbprint, see KID), bound to the issuer URL
// its directory or JWKS names.
var naming = pass.Naming{
	Name:       Name,
	Title:      "SMART Health Card",
	Prefix:     Prefix,
	Identifier: "<issuer URL>#<rid>: the card's iss and its vc.rid",
	PassID:     PassID,
	CheckKey:   CheckKey,
	Inputs:     []pass.Input{pass.InputJWKS, pass.InputVCI},
}

// Naming returns how SMART Health Cards name their passes and keys.
func (*Format) Naming() *pass.Naming { return &naming }

// PassID returns the pass ID of the card an operator names as
// "<issuer URL>#<rid>".
func PassID(identifier string) (pass.ID, error) {
	iss, rid, ok := strings.Cut(identifier, "#")
	switch {
	case !ok || rid == "":
		return pass.ID{}, fmt.Errorf("shc identifier %q: want <issuer URL>#<rid>", identifier)
	case !validIssuer(iss):
		return pass.ID{}, fmt.Errorf("shc identifier %q: the issuer is not an https URL without a trailing slash", identifier)
	case !validRID(rid):
		return pass.ID{}, fmt.Errorf("shc identifier %q: the rid is not a card's revocation identifier", identifier)
	}
	return CardID(iss, rid, nil), nil
}

// CheckKey checks a key read from a trust input for SMART Health Cards: a
// kid of 1 to 128 visible ASCII characters, an issuer that is an https URL
// (or none: the key then verifies cards of any issuer), a P-256 public key.
func CheckKey(k *pass.Key) error {
	if k.KID == "" || len(k.KID) > maxKID || !printable(k.KID) {
		return fmt.Errorf("kid %q: not 1 to %d visible ASCII characters", k.KID, maxKID)
	}
	if k.Issuer != "" && !validIssuer(k.Issuer) {
		return fmt.Errorf("kid %s: issuer %q is not an https URL without a trailing slash", k.KID, k.Issuer)
	}
	pub, ok := k.Public.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return errors.New("kid " + k.KID + ": SMART Health Cards are signed with P-256 keys (ES256)")
	}
	return nil
}
