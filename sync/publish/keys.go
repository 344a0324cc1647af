package publish

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// KeyExt ends every private key file's name: <role>-<key ID prefix>.key.
const KeyExt = ".key"

// Keyring holds the private keys a publisher can sign with, by key ID.
type Keyring map[string]*repo.Signer

// LoadKeys reads every *.key file (PKCS #8 PEM ed25519) in dirs. The
// repository's root decides which role a key signs for; the file name
// only helps people.
func LoadKeys(dirs ...string) (Keyring, error) {
	kr := Keyring{}
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*"+KeyExt))
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("keys: %w", err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			s, err := repo.ParsePrivateKey(b)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			kr[s.ID] = s
		}
	}
	return kr, nil
}

// GenerateKey creates a key for role and writes it to dir (mode 0600).
func GenerateKey(dir, role string) (*repo.Signer, string, error) {
	if !slices.Contains(repo.Roles, role) {
		return nil, "", fmt.Errorf("role %q: want one of %s", role, strings.Join(repo.Roles, ", "))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, "", err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, "", err
	}
	s := repo.NewSigner(priv)
	b, err := s.MarshalPrivateKey()
	if err != nil {
		return nil, "", err
	}
	path := filepath.Join(dir, role+"-"+s.ID[:16]+KeyExt)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, "", err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, "", err
	}
	return s, path, nil
}

// signers returns the keyring's keys for role in root; it fails when
// fewer than the role's threshold are at hand.
func (kr Keyring) signers(root *repo.Root, role string) ([]*repo.Signer, error) {
	r := root.Roles[role]
	var out []*repo.Signer
	for _, id := range r.KeyIDs {
		if s, ok := kr[id]; ok {
			out = append(out, s)
		}
	}
	if len(out) < r.Threshold {
		return nil, &MissingKeysError{Role: role, Have: len(out), Threshold: r.Threshold, KeyIDs: r.KeyIDs}
	}
	return out, nil
}

// MissingKeysError says the keys at hand cannot meet a role's threshold.
type MissingKeysError struct {
	Role            string
	Have, Threshold int
	KeyIDs          []string
}

func (e *MissingKeysError) Error() string {
	short := make([]string, len(e.KeyIDs))
	for i, id := range e.KeyIDs {
		short[i] = id[:min(16, len(id))]
	}
	return fmt.Sprintf("%s role needs %d signatures but only %d of its keys (%s) are in the key directories: add the other key holders' directories with -keys",
		e.Role, e.Threshold, e.Have, strings.Join(short, ", "))
}
