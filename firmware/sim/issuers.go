package sim

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/venuekiosk/venuekiosk/firmware/provision"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
)

// IssuersFile is the name, in the simulator's keys directory, of the
// sample issuers' and operator's private keys (PKCS #8 PEM blocks, mode
// 0600): made on first start and kept, so that sample payloads saved from
// one `make run` stay valid in the next.
const IssuersFile = "issuers.pem"

// The role of each key in IssuersFile (the PEM header "Role").
const (
	roleDCC      = "dcc"
	roleSHC      = "shc"
	roleHK       = "hksarg"
	roleOperator = "operator"
)

// loadIssuers reads the sample issuers' keys from dir's keys directory,
// or makes and saves new ones when there are none.
func loadIssuers(dir string) (*samples.Issuers, error) {
	path := filepath.Join(dir, KeysDir, IssuersFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		iss, err := samples.NewIssuers()
		if err != nil {
			return nil, err
		}
		if err := saveIssuers(path, iss); err != nil {
			return nil, err
		}
		slog.Info("simulator: made the sample issuers' keys (kept for the next start)", "file", path)
		return iss, nil
	}
	if err != nil {
		return nil, err
	}
	iss, err := parseIssuers(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (delete it to make new sample keys)", path, err)
	}
	return iss, nil
}

func parseIssuers(b []byte) (*samples.Issuers, error) {
	iss := &samples.Issuers{}
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		if blk.Type != "PRIVATE KEY" {
			return nil, fmt.Errorf("unexpected PEM block %q", blk.Type)
		}
		k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
		if err != nil {
			return nil, err
		}
		role := blk.Headers["Role"]
		ec, isEC := k.(*ecdsa.PrivateKey)
		ed, isEd := k.(ed25519.PrivateKey)
		switch {
		case role == roleDCC && isEC:
			iss.DCC = ec
		case role == roleSHC && isEC:
			iss.SHC = ec
		case role == roleHK && isEC:
			iss.HK = ec
		case role == roleOperator && isEd:
			iss.Operator = ed
		default:
			return nil, fmt.Errorf("a %T key with role %q", k, role)
		}
	}
	if iss.DCC == nil || iss.SHC == nil || iss.HK == nil || iss.Operator == nil {
		return nil, errors.New("a key is missing")
	}
	return iss, nil
}

func saveIssuers(path string, iss *samples.Issuers) error {
	var out []byte
	for _, k := range []struct {
		role string
		key  any
	}{{roleDCC, iss.DCC}, {roleSHC, iss.SHC}, {roleHK, iss.HK}, {roleOperator, iss.Operator}} {
		der, err := x509.MarshalPKCS8PrivateKey(k.key)
		if err != nil {
			return err
		}
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Headers: map[string]string{"Role": k.role}, Bytes: der})...)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return provision.WriteFile(path, out, 0o600)
}
