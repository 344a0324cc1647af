package systemtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

// makeDevKeys writes a development RAUC CA and signing key into dir, as
// buildroot/board/venuekiosk/common/rauc-devkeys.sh makes them (the same
// file names, curve, key usages and purposes), but valid from a day before
// now: the guest's clock runs hours behind the host's (guestClock), and
// openssl's command line cannot date a certificate back.
func makeDevKeys(dir string, now time.Time) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	signKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	from, until := now.Add(-24*time.Hour), now.AddDate(1, 0, 0)
	ca := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{Organization: []string{"venuekiosk"}, CommonName: "venuekiosk system test update CA - not for production"},
		NotBefore:             from,
		NotAfter:              until,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return err
	}
	signing := &x509.Certificate{
		SerialNumber:          big.NewInt(2),
		Subject:               pkix.Name{Organization: []string{"venuekiosk"}, CommonName: "venuekiosk system test bundle signing - not for production"},
		NotBefore:             from,
		NotAfter:              until,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning, x509.ExtKeyUsageEmailProtection},
	}
	signDER, err := x509.CreateCertificate(rand.Reader, signing, caCert, &signKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	write := func(name, typ string, der []byte, mode os.FileMode) error {
		return os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), mode)
	}
	caPriv, err := x509.MarshalPKCS8PrivateKey(caKey)
	if err != nil {
		return err
	}
	signPriv, err := x509.MarshalPKCS8PrivateKey(signKey)
	if err != nil {
		return err
	}
	for _, w := range []struct {
		name, typ string
		der       []byte
		mode      os.FileMode
	}{
		{"ca.cert.pem", "CERTIFICATE", caDER, 0o644},
		{"ca.key.pem", "PRIVATE KEY", caPriv, 0o600},
		{"signing.cert.pem", "CERTIFICATE", signDER, 0o644},
		{"signing.key.pem", "PRIVATE KEY", signPriv, 0o600},
	} {
		if err := write(w.name, w.typ, w.der, w.mode); err != nil {
			return err
		}
	}
	return nil
}
