package dcc

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// How DCCs name their passes and keys (pass.Naming): a pass by its unique
// certificate identifier (UVCI); a key by the standard base64 of the first
// 8 bytes of the SHA-256 of its signer certificate, as the hcert
// specification (section 3.3.1) and the EU gateway's trust list spell it.
var naming = pass.Naming{
	Name:       Name,
	Title:      "EU Digital COVID Certificate",
	Prefix:     Prefix,
	Identifier: "the unique certificate identifier (UVCI), with or without URN:UVCI:",
	PassID: func(uvci string) (pass.ID, error) {
		if UVCI(uvci) == "" {
			return pass.ID{}, errors.New("dcc identifier: empty UVCI")
		}
		return PassID(uvci), nil
	},
	CheckKey: CheckKey,
	CertKey:  CertKey,
	Inputs:   []pass.Input{pass.InputPEM, pass.InputDGCG},
}

// Naming returns how DCCs name their passes and keys.
func (*Format) Naming() *pass.Naming { return &naming }

// CertKID returns the key identifier of a signer certificate (DER): the
// first 8 bytes of its SHA-256.
func CertKID(der []byte) []byte {
	h := sha256.Sum256(der)
	return h[:8]
}

// The EU DCC extended key usages (eHealth Network, "Technical Specifications
// for Digital Green Certificates Volume 1", section 5.1; hcert appendix
// A.4). Both the registered arc and the variant with the extra 0 that early
// signers used are honoured.
var usageOIDs = map[string]pass.Usage{
	"1.3.6.1.4.1.1847.2021.1.1":   pass.UseTest,
	"1.3.6.1.4.1.1847.2021.1.2":   pass.UseVaccination,
	"1.3.6.1.4.1.1847.2021.1.3":   pass.UseRecovery,
	"1.3.6.1.4.1.0.1847.2021.1.1": pass.UseTest,
	"1.3.6.1.4.1.0.1847.2021.1.2": pass.UseVaccination,
	"1.3.6.1.4.1.0.1847.2021.1.3": pass.UseRecovery,
}

// CertKey returns the DCC signer key of a certificate (DER): its kid, its
// country (subject C) as the issuer, its validity, and the kinds its
// extended key usages allow (none listed: every kind, hcert appendix A.4).
func CertKey(der []byte) (*pass.Key, error) {
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	switch cert.PublicKeyAlgorithm {
	case x509.ECDSA, x509.RSA:
	default:
		return nil, fmt.Errorf("certificate %q: %v keys cannot sign DCCs", cert.Subject, cert.PublicKeyAlgorithm)
	}
	k := &pass.Key{
		Format:    Name,
		KID:       KID(CertKID(cert.Raw)),
		Public:    cert.PublicKey,
		NotBefore: cert.NotBefore,
		NotAfter:  cert.NotAfter,
	}
	if len(cert.Subject.Country) > 0 {
		k.Issuer = cert.Subject.Country[0]
	}
	for _, oid := range cert.UnknownExtKeyUsage {
		k.Usage |= usageOIDs[oid.String()]
	}
	return k, nil
}

// CheckKey checks a key read from a trust input for DCCs: a kid of 1 to
// 64 bytes in standard base64, an ECDSA (P-256 or P-384) or RSA public key.
func CheckKey(k *pass.Key) error {
	if err := CheckKID(k.KID); err != nil {
		return err
	}
	switch pub := k.Public.(type) {
	case *ecdsa.PublicKey:
		if pub.Curve != elliptic.P256() && pub.Curve != elliptic.P384() {
			return fmt.Errorf("kid %s: an ECDSA key on %s cannot sign DCCs (P-256 or P-384)", k.KID, pub.Curve.Params().Name)
		}
	case *rsa.PublicKey:
	default:
		return fmt.Errorf("kid %s: a %T cannot sign DCCs", k.KID, pub)
	}
	return nil
}
