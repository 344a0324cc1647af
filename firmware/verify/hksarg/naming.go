package hksarg

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// KIDPrefix starts the kid of every Hong Kong record key, and of no other
// format's key.
const KIDPrefix = "HKSARG:"

// Issuer is the issuer of every Hong Kong record key.
const Issuer = "HK"

// How Hong Kong records name their passes and keys (pass.Naming): a record
// by its type and reference number, "<type>:<reference>"; a key by its
// record type and major layout version, "HKSARG:VAC3", optionally with a
// key version, "HKSARG:VAC3:1" (see KID). Hong Kong keys are never found in
// an issuer's JWKS by their name alone: a trust input must be declared for
// hksarg (firmware/trust), and a key that names an issuer of its own is not
// one.
var naming = pass.Naming{
	Name:       Name,
	Title:      "Hong Kong record",
	Prefix:     Prefix,
	Identifier: "<record type>:<reference number>, e.g. VAC:C19-1234567 (types VAC, MEC, EVT)",
	PassID:     PassID,
	KIDPrefix:  KIDPrefix,
	KeyIssuer:  Issuer,
	CheckKey:   CheckKey,
	Declared:   []pass.Input{pass.InputJWKS},
}

// Naming returns how Hong Kong records name their passes and keys.
func (*Format) Naming() *pass.Naming { return &naming }

// PassID returns the pass ID of the record an operator names as
// "<record type>:<reference number>".
func PassID(identifier string) (pass.ID, error) {
	typ, ref, ok := strings.Cut(identifier, ":")
	switch {
	case !ok || ref == "":
		return pass.ID{}, fmt.Errorf("hksarg identifier %q: want <record type>:<reference number>", identifier)
	case typ != Vaccination && typ != Exemption && typ != TestResult:
		return pass.ID{}, fmt.Errorf("hksarg identifier %q: record type %q is not %s, %s or %s", identifier, typ, Vaccination, Exemption, TestResult)
	}
	return pass.NewID(Name, typ+":"+ref), nil
}

// CheckKey checks a key read from a trust input declared for Hong Kong
// records: a kid "HKSARG:<type><major>[:<key version>]" and a P-256 key.
func CheckKey(k *pass.Key) error {
	rest, ok := strings.CutPrefix(k.KID, KIDPrefix)
	if !ok {
		return fmt.Errorf("kid %q: a Hong Kong key's kid is %s<type><major>[:<key version>], e.g. HKSARG:VAC3", k.KID, KIDPrefix)
	}
	tm, ver, hasVer := strings.Cut(rest, ":")
	typ := tm[:min(3, len(tm))]
	major, err := strconv.Atoi(tm[len(typ):])
	switch {
	case typ != Vaccination && typ != Exemption && typ != TestResult:
		return fmt.Errorf("kid %q: record type %q is not %s, %s or %s", k.KID, typ, Vaccination, Exemption, TestResult)
	case err != nil || major < 0 || major > 999 || strconv.Itoa(major) != tm[len(typ):]:
		return fmt.Errorf("kid %q: no major layout version after the record type", k.KID)
	case hasVer && !validKeyVersion(ver):
		return fmt.Errorf("kid %q: the key version is not 1 to 16 of A-Z, a-z, 0-9, '.', '_', '-'", k.KID)
	}
	pub, ok := k.Public.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return errors.New("kid " + k.KID + ": Hong Kong records are signed with P-256 keys")
	}
	return nil
}
