package trust

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// The EU DCC extended key usages (eHealth Network, "Technical Specifications
// for Digital Green Certificates Volume 1", section 5.1). Both the registered
// arc and the variant with the extra 0 that early signers used are honoured.
var dccUsageOIDs = map[string]pass.Usage{
	"1.3.6.1.4.1.1847.2021.1.1":   pass.UseTest,
	"1.3.6.1.4.1.1847.2021.1.2":   pass.UseVaccination,
	"1.3.6.1.4.1.1847.2021.1.3":   pass.UseRecovery,
	"1.3.6.1.4.1.0.1847.2021.1.1": pass.UseTest,
	"1.3.6.1.4.1.0.1847.2021.1.2": pass.UseVaccination,
	"1.3.6.1.4.1.0.1847.2021.1.3": pass.UseRecovery,
}

// DCCKID returns the DCC key identifier of a DER certificate: the first 8
// bytes of its SHA-256.
func DCCKID(der []byte) []byte {
	h := sha256.Sum256(der)
	return h[:8]
}

// KeyFromCertificate returns the DCC signer key of cert.
func KeyFromCertificate(cert *x509.Certificate) (*pass.Key, error) {
	switch cert.PublicKeyAlgorithm {
	case x509.ECDSA, x509.RSA:
	default:
		return nil, fmt.Errorf("certificate %q: %v keys cannot sign DCCs", cert.Subject, cert.PublicKeyAlgorithm)
	}
	k := &pass.Key{
		Format:    "dcc",
		KID:       base64.StdEncoding.EncodeToString(DCCKID(cert.Raw)),
		Public:    cert.PublicKey,
		NotBefore: cert.NotBefore,
		NotAfter:  cert.NotAfter,
	}
	if len(cert.Subject.Country) > 0 {
		k.Issuer = cert.Subject.Country[0]
	}
	for _, oid := range cert.UnknownExtKeyUsage {
		k.Usage |= dccUsageOIDs[oid.String()]
	}
	return k, nil
}

// MaxFile bounds a trust file.
const MaxFile = 16 << 20

// ParsePEM reads every CERTIFICATE block of a PEM bundle.
func ParsePEM(data []byte) ([]*pass.Key, error) {
	var keys []*pass.Key
	for n := 1; ; n++ {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("PEM block %d: type %q, want CERTIFICATE", n, b.Type)
		}
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("PEM block %d: %w", n, err)
		}
		k, err := KeyFromCertificate(cert)
		if err != nil {
			return nil, fmt.Errorf("PEM block %d: %w", n, err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("no PEM certificates found")
	}
	return keys, nil
}

// ParseDER reads one DER certificate (as in the dgc-testdata TESTCTX).
func ParseDER(der []byte) (*pass.Key, error) {
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return KeyFromCertificate(cert)
}
