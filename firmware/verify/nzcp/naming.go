package nzcp

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// How NZ COVID Passes name their passes and keys (pass.Naming): a pass by
// its CWT token id, a UUID spelled "urn:uuid:…"; a key by its issuer's DID
// and the key's id in that DID's document, "did:web:…#key-1", as a DID
// document trust input gives it.
var naming = pass.Naming{
	Name:       Name,
	Title:      "NZ COVID Pass",
	Prefix:     Prefix + Version + "/",
	Identifier: "the pass's token id (jti), urn:uuid:<UUID> or the bare UUID",
	PassID:     PassID,
	CheckKey:   CheckKey,
	Inputs:     []pass.Input{pass.InputDID},
}

// Naming returns how NZ COVID Passes name their passes and keys.
func (*Format) Naming() *pass.Naming { return &naming }

// PassID returns the pass ID of the pass whose token id is identifier:
// "urn:uuid:60a4f54d-4e30-4332-be33-ad78b1eafa4b", or the UUID alone, in
// any case.
func PassID(identifier string) (pass.ID, error) {
	u := strings.ToLower(identifier)
	u = strings.TrimPrefix(u, uuidURNPref)
	raw, err := hex.DecodeString(strings.ReplaceAll(u, "-", ""))
	if err != nil || len(raw) != 16 || len(u) != 36 || u[8] != '-' || u[13] != '-' || u[18] != '-' || u[23] != '-' {
		return pass.ID{}, fmt.Errorf("nzcp identifier %q: want urn:uuid:<UUID> (8-4-4-4-12 hex digits)", identifier)
	}
	return pass.NewID(Name, uuidURN(string(raw))), nil
}

// CheckKey checks a key read from a trust input for NZ COVID Passes: a kid
// "did:web:…#fragment" of a did:web issuer, bound to that issuer, and a
// P-256 key.
func CheckKey(k *pass.Key) error {
	did, frag, ok := strings.Cut(k.KID, "#")
	switch {
	case !ok || frag == "" || !validDIDWeb(did):
		return fmt.Errorf("kid %q: an NZ COVID Pass key is named did:web:<host>#<key id>", k.KID)
	case k.Issuer != did:
		return fmt.Errorf("kid %q: bound to issuer %q, not to its own DID", k.KID, k.Issuer)
	}
	pub, ok := k.Public.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return errors.New("kid " + k.KID + ": NZ COVID Passes are signed with P-256 keys (ES256)")
	}
	return nil
}
